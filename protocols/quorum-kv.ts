/**
 * A leaderless replicated register (Dynamo-style quorums): `n` replicas, a writer client and
 * a reader client.
 *
 * The writer writes `writes` versioned values one after the other (v1 at version 1, v2 at
 * version 2, …): each Write goes to every replica, a replica keeps it if its version is newer
 * than what it holds and acknowledges it, and the write completes after `w` acknowledgements
 * from distinct replicas. The reader's `read` timer (untimed: it may fire at any moment,
 * before, during or after the writes) starts one read: Read goes to every replica, each
 * answers with its version and value, and after `r` answers from distinct replicas the read
 * returns the highest-versioned value. Replicas keep their data on stable storage.
 *
 * Both clients record their operations in the client history (`ctx.invoke`/`ctx.respond`,
 * Jepsen-style `{ f: 'write', value }` / `{ f: 'read' }`), which is what gives the real-time
 * order: NoStaleRead — a read that begins after a write completed returns that write's value
 * or a newer one. It holds whenever w + r > n (every read quorum meets every write quorum),
 * under loss, duplication, reordering and crash-recovery; `n=3 w=1 r=1` reads a stale value
 * with no fault at all, only reordering.
 */
import { protocol, type Params, type World, type SpecAbout } from '../specs/index.ts';
import { linearizable, registerModel } from '../checker/index.ts';

/** A replica's local state (persistent). */
export interface Replica {
  /** 0: never written. */
  version: number;
  value: string | null;
}

/** The writer's local state. */
export interface Writer {
  /** The version being written (0: none yet). */
  version: number;
  /** Replicas that acknowledged it: a set keyed by id, so renaming replicas keeps it a set. */
  acks: Record<string, true>;
}

/** The reader's local state. */
export interface Reader {
  phase: 'idle' | 'reading' | 'done';
  /** The answers so far, keyed by replica. */
  replies: Record<string, { version: number; value: string | null }>;
}

type Msg =
  | { type: 'Write'; version: number; value: string }
  | { type: 'Ack'; version: number }
  | { type: 'Read' }
  | { type: 'ReadReply'; version: number; value: string | null };

/** The bundled protocol's parameters and variants, for `faultline list`. */
export const about = {
  description: 'Leaderless quorum register: a read that begins after a write completed sees it iff W+R>N (n=3 w=1 r=1 reads stale)',
  params: {
    n: 'number of replicas (default 3)',
    w: 'acknowledgements a write waits for, 1–n (default 2)',
    r: 'answers a read waits for, 1–n (default 2)',
    writes: 'values the writer writes one after the other (default 1)',
  },
  flags: ['--loss'],
  expect: 'pass',
  variants: {
    linearizable: {
      description: 'two readers and a linearizability check: without read repair a read can see the new value and a later read the old one, even with W+R>N',
      flags: [],
      expect: 'violation',
    },
  },
} satisfies SpecAbout;

/** The value written at `version`: v1, v2, … (null at version 0). */
const valueAt = (version: number): string | null => (version === 0 ? null : `v${version}`);
const versionOf = (value: unknown): number => (typeof value === 'string' && /^v\d+$/.test(value) ? Number(value.slice(1)) : 0);

function whole(params: Params, key: string, fallback: number, min: number, max: number): number {
  const raw = params[key] ?? fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`quorum-kv: ${key} must be an integer ${min}–${max}, got ${String(raw)}`);
  }
  return value;
}

/**
 * NoStaleRead over the client history: every read returns a value at least as new as the
 * newest write that had completed when the read was invoked.
 */
export function noStaleRead(w: World): boolean {
  let completed = 0; // the newest version whose write had completed so far
  const pending = new Map<string, { f: string; floor: number; version: number }>();
  for (const e of w.state.history ?? []) {
    if (e.kind === 'invoke') {
      const input = e.input as { f: string; value?: string };
      pending.set(e.client, { f: input.f, floor: completed, version: versionOf(input.value) });
      continue;
    }
    const op = pending.get(e.client);
    pending.delete(e.client);
    if (!op) continue;
    if (op.f === 'write') completed = Math.max(completed, op.version);
    else if (versionOf(e.output) < op.floor) return false;
  }
  return true;
}

/** The quorum register with `n` replicas, write quorum `w` and read quorum `r`. */
export default function quorumKv(params: Params = {}) {
  const variant = String(params.variant ?? 'correct');
  if (variant !== 'correct' && variant !== 'linearizable') throw new Error(`quorum-kv: unknown variant "${variant}" (known: linearizable)`);
  const checkLinearizable = variant === 'linearizable';
  const readers = checkLinearizable ? 2 : 1;
  const n = whole(params, 'n', 3, 1, 9);
  const w = whole(params, 'w', 2, 1, n);
  const r = whole(params, 'r', 2, 1, n);
  const writes = whole(params, 'writes', 1, 1, 9);

  const startWrite = (wr: Writer, ctx: { invoke(input: unknown): void; broadcast(role: string, msg: Msg): void }): void => {
    wr.version++;
    wr.acks = {};
    const value = valueAt(wr.version)!;
    ctx.invoke({ f: 'write', value });
    ctx.broadcast('replica', { type: 'Write', version: wr.version, value });
  };

  return protocol<Msg>()({
    name: `QuorumKV(n=${n}, w=${w}, r=${r}${writes === 1 ? '' : `, writes=${writes}`})`,
    nodes: { writer: 1, reader: readers, replica: n },
    symmetric: ['replica'],
    roles: {
      writer: {
        init: (): Writer => ({ version: 0, acks: {} }),
        onStart(wr, ctx) {
          startWrite(wr, ctx);
        },
        on: {
          Ack(wr, msg, ctx) {
            if (msg.version !== wr.version || Object.keys(wr.acks).length >= w) return; // stale, or already complete
            wr.acks[ctx.sender] = true;
            if (Object.keys(wr.acks).length < w) return;
            ctx.respond({ f: 'write', value: valueAt(wr.version) }, null);
            if (wr.version < writes) startWrite(wr, ctx);
          },
        },
      },
      reader: {
        init: (): Reader => ({ phase: 'idle', replies: {} }),
        onStart(_rd, ctx) {
          ctx.setTimer('read');
        },
        timers: {
          read(rd, ctx) {
            rd.phase = 'reading';
            ctx.invoke({ f: 'read' });
            ctx.broadcast('replica', { type: 'Read' });
          },
        },
        on: {
          ReadReply(rd, msg, ctx) {
            if (rd.phase !== 'reading') return;
            const replica = ctx.sender;
            if (replica in rd.replies) return; // a duplicate
            rd.replies[replica] = { version: msg.version, value: msg.value };
            const replies = Object.values(rd.replies);
            if (replies.length < r) return;
            // Equal versions hold equal values, so which replica's answer wins a tie does not matter.
            const newest = replies.reduce((best, x) => (x.version > best.version ? x : best));
            rd.phase = 'done';
            ctx.respond({ f: 'read' }, newest.value);
          },
        },
      },
      replica: {
        init: (): Replica => ({ version: 0, value: null }),
        persistent: ['version', 'value'],
        on: {
          Write(rep, msg, ctx) {
            if (msg.version > rep.version) {
              rep.version = msg.version;
              rep.value = msg.value;
            }
            ctx.reply({ type: 'Ack', version: msg.version });
          },
          Read(rep, _msg, ctx) {
            ctx.reply({ type: 'ReadReply', version: rep.version, value: rep.value });
          },
        },
      },
    },
    invariants: {
      NoStaleRead: noStaleRead,
      ...(checkLinearizable ? { Linearizable: linearizable(registerModel()) } : {}),
    },
    // The pass is not vacuous: some operation completes (its return is in the history).
    reachable: { Completes: (w) => (w.state.history ?? []).some((e) => e.kind !== 'invoke') },
  });
}
