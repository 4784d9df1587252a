/**
 * The ABD atomic register (Attiya, Bar-Noy and Dolev, "Sharing Memory Robustly in
 * Message-Passing Systems"), single-writer: `n` replicas, a writer and `readers` readers
 * that read `reads` times each, one read after the other; majority quorums.
 *
 * Every phase talks to a majority of the replicas, any one (the checker tries each): ABD
 * needs answers from a majority, and asking only one keeps no straggler messages in flight,
 * which is what keeps the state space small (asking every replica behaves like asking a
 * majority whose other messages arrive late or never). The writer writes `writes` values one
 * after the other (v1 at version 1, v2 at version 2, …): a replica keeps a Write if its
 * version is newer than what it holds and acknowledges it, and the write completes on the
 * majority's acknowledgements. A reader's `read` timer (untimed: it may fire at any moment)
 * starts its next read. Phase 1: Read, each replica answers with its version and value, and
 * the reader takes the highest-versioned value. Phase 2 (the write-back): it sends that
 * version and value (WriteBack, kept if newer, like a Write) and returns the value once
 * acknowledged — so no later read can return an older value. A read's messages carry its
 * number, so answers to an earlier read are not counted. Replicas keep their data on stable
 * storage.
 *
 * Clients record their operations in the client history (`ctx.invoke`/`ctx.respond`), and
 * Linearizable checks it against a register (`linearizable(registerModel())`). Variant
 * `no-write-back`: the read returns after phase 1; a read that saw a write still in flight
 * on one replica and a later read whose quorum missed it return the new value, then the old
 * one (new-old inversion): not linearizable.
 */
import { protocol, type Params, type SpecAbout } from '../specs/index.ts';
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
  /** Replicas that acknowledged it, keyed by id. */
  acks: Record<string, true>;
}

/** A reader's local state. */
export interface Reader {
  phase: 'idle' | 'query' | 'write-back' | 'done';
  /** Reads completed so far. */
  reads: number;
  /** Phase 1's answers to the current read (messages carry the read's number, reads + 1), keyed by replica. */
  replies: Record<string, { version: number; value: string | null }>;
  /** The value being written back, once chosen. */
  chosen: { version: number; value: string | null } | null;
  /** Phase 2's acknowledgements, keyed by replica. */
  acks: Record<string, true>;
}

type Msg =
  | { type: 'Write'; version: number; value: string }
  | { type: 'Ack'; version: number }
  | { type: 'Read'; read: number }
  | { type: 'ReadReply'; read: number; version: number; value: string | null }
  | { type: 'WriteBack'; read: number; version: number; value: string | null }
  | { type: 'WriteBackAck'; read: number };

const VARIANTS = {
  'no-write-back': {
    description: 'a read returns after its query phase, without writing back: a read sees a write in flight, a later read misses it (new-old inversion), not Linearizable',
    expect: 'violation',
  },
} satisfies SpecAbout['variants'];

/** The bundled protocol's parameters and variants, for `faultline list`. */
export const about = {
  description: 'ABD atomic register: majority quorums, reads write back what they return; Linearizable (also with a dropped message, or a crash and recovery)',
  params: {
    n: 'number of replicas, 1–5 (default 3)',
    readers: 'number of readers, 1–3 (default 1)',
    reads: 'reads each reader makes one after the other, 1–3 (default 2)',
    writes: 'values the writer writes one after the other, 1–3 (default 1)',
  },
  variants: VARIANTS,
} satisfies SpecAbout;

const valueAt = (version: number): string => `v${version}`;

function whole(params: Params, key: string, fallback: number, min: number, max: number): number {
  const raw = params[key] ?? fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`abd-register: ${key} must be an integer ${min}–${max}, got ${String(raw)}`);
  return value;
}

/** Every subset of `ids` with `size` of them, each in the order of `ids`. */
function subsetsOf(ids: readonly string[], size: number): string[][] {
  if (size === 0) return [[]];
  return ids.flatMap((id, i) => subsetsOf(ids.slice(i + 1), size - 1).map((rest) => [id, ...rest]));
}

/** ABD with `n` replicas, one writer and `readers` readers. */
export default function abdRegister(params: Params = {}) {
  const n = whole(params, 'n', 3, 1, 5);
  const readers = whole(params, 'readers', 1, 1, 3);
  const reads = whole(params, 'reads', 2, 1, 3);
  const writes = whole(params, 'writes', 1, 1, 3);
  const variant = String(params.variant ?? 'correct');
  if (variant !== 'correct' && !Object.hasOwn(VARIANTS, variant)) {
    throw new Error(`abd-register: unknown variant "${variant}" (known: ${Object.keys(VARIANTS).join(', ')})`);
  }
  const writeBack = variant !== 'no-write-back';
  const majority = Math.floor(n / 2) + 1;

  const startWrite = (wr: Writer, ctx: { invoke(input: unknown): void; choose<T>(options: readonly T[]): T; send(to: string, msg: Msg): void }): void => {
    wr.version++;
    wr.acks = {};
    const value = valueAt(wr.version);
    ctx.invoke({ f: 'write', value });
    toMajority(ctx, { type: 'Write', version: wr.version, value });
  };

  /** The read returns `value`; the reader's next read may start at any moment. */
  const finishRead = (rd: Reader, value: string | null, ctx: { respond(input: unknown, output: unknown): void; setTimer(name: string): void }): void => {
    rd.phase = 'done';
    rd.reads++;
    rd.chosen = null;
    rd.acks = {};
    ctx.respond({ f: 'read' }, value);
    if (rd.reads < reads) ctx.setTimer('read');
  };

  /** Every majority of the replicas, each a sorted list of ids: a phase talks to one of them. */
  const replicaIds = Array.from({ length: n }, (_, i) => (n === 1 ? 'replica' : `replica-${i + 1}`));
  const majorities = subsetsOf(replicaIds, majority);
  /** Sends `msg` to a majority of the replicas, whichever one: ABD needs answers from one, and asking no more keeps no stragglers in flight. */
  const toMajority = (ctx: { choose<T>(options: readonly T[]): T; send(to: string, msg: Msg): void }, msg: Msg): void => {
    for (const to of ctx.choose(majorities)) ctx.send(to, msg);
  };

  /** A replica keeps a newer version (Write and WriteBack alike). */
  const store = (rep: Replica, version: number, value: string | null): void => {
    if (version > rep.version) {
      rep.version = version;
      rep.value = value;
    }
  };

  return protocol<Msg>()({
    name: `ABD(n=${n}, readers=${readers}, reads=${reads}${writes === 1 ? '' : `, writes=${writes}`})${writeBack ? '' : `/${variant}`}`,
    nodes: { writer: 1, reader: readers, replica: n },
    symmetric: ['replica', 'reader'],
    roles: {
      writer: {
        init: (): Writer => ({ version: 0, acks: {} }),
        onStart(wr, ctx) {
          startWrite(wr, ctx);
        },
        on: {
          Ack(wr, msg, ctx) {
            if (msg.version !== wr.version || Object.keys(wr.acks).length >= majority) return; // stale, or already complete
            wr.acks[ctx.sender] = true;
            if (Object.keys(wr.acks).length < majority) return;
            ctx.respond({ f: 'write', value: valueAt(wr.version) }, null);
            if (wr.version < writes) startWrite(wr, ctx);
          },
        },
      },
      reader: {
        init: (): Reader => ({ phase: 'idle', reads: 0, replies: {}, chosen: null, acks: {} }),
        onStart(_rd, ctx) {
          ctx.setTimer('read');
        },
        timers: {
          read(rd, ctx) {
            rd.phase = 'query';
            rd.chosen = null;
            rd.acks = {};
            ctx.invoke({ f: 'read' });
            toMajority(ctx, { type: 'Read', read: rd.reads + 1 });
          },
        },
        on: {
          ReadReply(rd, msg, ctx) {
            if (rd.phase !== 'query' || msg.read !== rd.reads + 1 || ctx.sender in rd.replies) return; // late, or a duplicate
            rd.replies[ctx.sender] = { version: msg.version, value: msg.value };
            const replies = Object.values(rd.replies);
            if (replies.length < majority) return;
            // Equal versions hold equal values (one writer), so which answer wins a tie does not matter.
            const newest = replies.reduce((best, x) => (x.version > best.version ? x : best));
            rd.replies = {};
            if (!writeBack) return finishRead(rd, newest.value, ctx);
            rd.phase = 'write-back';
            rd.chosen = newest;
            toMajority(ctx, { type: 'WriteBack', read: msg.read, version: newest.version, value: newest.value });
          },
          WriteBackAck(rd, msg, ctx) {
            if (rd.phase !== 'write-back' || msg.read !== rd.reads + 1 || !rd.chosen) return; // late
            rd.acks[ctx.sender] = true;
            if (Object.keys(rd.acks).length < majority) return;
            finishRead(rd, rd.chosen.value, ctx);
          },
        },
      },
      replica: {
        init: (): Replica => ({ version: 0, value: null }),
        persistent: ['version', 'value'],
        on: {
          Write(rep, msg, ctx) {
            store(rep, msg.version, msg.value);
            ctx.reply({ type: 'Ack', version: msg.version });
          },
          Read(rep, msg, ctx) {
            ctx.reply({ type: 'ReadReply', read: msg.read, version: rep.version, value: rep.value });
          },
          WriteBack(rep, msg, ctx) {
            store(rep, msg.version, msg.value);
            ctx.reply({ type: 'WriteBackAck', read: msg.read });
          },
        },
      },
    },
    invariants: {
      Linearizable: linearizable(registerModel()),
    },
    // The pass is not vacuous: the write completes, and a read returns the value written.
    reachable: {
      WriteCompletes: (w) => (w.state.history ?? []).some((e) => e.kind === 'respond' && e.client === 'writer'),
      ReadSeesWrite: (w) => (w.state.history ?? []).some((e) => e.kind === 'respond' && e.client !== 'writer' && e.output !== null),
    },
  });
}
