/**
 * The ABD atomic register (Attiya, Bar-Noy and Dolev, "Sharing Memory Robustly in
 * Message-Passing Systems"), single-writer: `n` replicas, a writer and `readers` readers,
 * majority quorums.
 *
 * The writer writes `writes` values one after the other (v1 at version 1, v2 at version 2,
 * …): Write goes to every replica, a replica keeps it if its version is newer than what it
 * holds and acknowledges it, and the write completes on acknowledgements from a majority.
 * A reader's `read` timer (untimed: it may fire at any moment) starts one read. Phase 1:
 * Read goes to every replica, each answers with its version and value; on answers from a
 * majority the reader takes the highest-versioned value. Phase 2 (the write-back): it sends
 * that version and value to every replica (WriteBack, kept if newer, like a Write) and
 * returns the value on acknowledgements from a majority — so no later read can return an
 * older value. Replicas keep their data on stable storage.
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
  /** Phase 1's answers, keyed by replica. */
  replies: Record<string, { version: number; value: string | null }>;
  /** The value being written back, once chosen. */
  chosen: { version: number; value: string | null } | null;
  /** Phase 2's acknowledgements, keyed by replica. */
  acks: Record<string, true>;
}

type Msg =
  | { type: 'Write'; version: number; value: string }
  | { type: 'Ack'; version: number }
  | { type: 'Read' }
  | { type: 'ReadReply'; version: number; value: string | null }
  | { type: 'WriteBack'; version: number; value: string | null }
  | { type: 'WriteBackAck'; version: number };

const VARIANTS = {
  'no-write-back': {
    description: 'a read returns after its query phase, without writing back: a read sees a write in flight, a later read misses it (new-old inversion), not Linearizable',
    expect: 'violation',
  },
} satisfies SpecAbout['variants'];

/** The bundled protocol's parameters and variants, for `faultline list`. */
export const about = {
  description: 'ABD atomic register: majority quorums, reads write back what they return; Linearizable under loss and crash-recovery',
  params: {
    n: 'number of replicas, 1–5 (default 3)',
    readers: 'number of readers, each reading once, 1–3 (default 2)',
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

/** ABD with `n` replicas, one writer and `readers` readers. */
export default function abdRegister(params: Params = {}) {
  const n = whole(params, 'n', 3, 1, 5);
  const readers = whole(params, 'readers', 2, 1, 3);
  const writes = whole(params, 'writes', 1, 1, 3);
  const variant = String(params.variant ?? 'correct');
  if (variant !== 'correct' && !(variant in VARIANTS)) {
    throw new Error(`abd-register: unknown variant "${variant}" (known: ${Object.keys(VARIANTS).join(', ')})`);
  }
  const writeBack = variant !== 'no-write-back';
  const majority = Math.floor(n / 2) + 1;

  const startWrite = (wr: Writer, ctx: { invoke(input: unknown): void; broadcast(role: string, msg: Msg): void }): void => {
    wr.version++;
    wr.acks = {};
    const value = valueAt(wr.version);
    ctx.invoke({ f: 'write', value });
    ctx.broadcast('replica', { type: 'Write', version: wr.version, value });
  };

  /** A replica keeps a newer version (Write and WriteBack alike). */
  const store = (rep: Replica, version: number, value: string | null): void => {
    if (version > rep.version) {
      rep.version = version;
      rep.value = value;
    }
  };

  return protocol<Msg>()({
    name: `ABD(n=${n}, readers=${readers}${writes === 1 ? '' : `, writes=${writes}`})${writeBack ? '' : `/${variant}`}`,
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
        init: (): Reader => ({ phase: 'idle', replies: {}, chosen: null, acks: {} }),
        onStart(_rd, ctx) {
          ctx.setTimer('read');
        },
        timers: {
          read(rd, ctx) {
            rd.phase = 'query';
            ctx.invoke({ f: 'read' });
            ctx.broadcast('replica', { type: 'Read' });
          },
        },
        on: {
          ReadReply(rd, msg, ctx) {
            if (rd.phase !== 'query' || ctx.sender in rd.replies) return; // late, or a duplicate
            rd.replies[ctx.sender] = { version: msg.version, value: msg.value };
            const replies = Object.values(rd.replies);
            if (replies.length < majority) return;
            // Equal versions hold equal values (one writer), so which answer wins a tie does not matter.
            const newest = replies.reduce((best, x) => (x.version > best.version ? x : best));
            rd.replies = {};
            if (!writeBack) {
              rd.phase = 'done';
              ctx.respond({ f: 'read' }, newest.value);
              return;
            }
            rd.phase = 'write-back';
            rd.chosen = newest;
            ctx.broadcast('replica', { type: 'WriteBack', version: newest.version, value: newest.value });
          },
          WriteBackAck(rd, _msg, ctx) {
            if (rd.phase !== 'write-back' || !rd.chosen) return;
            rd.acks[ctx.sender] = true;
            if (Object.keys(rd.acks).length < majority) return;
            rd.phase = 'done';
            ctx.respond({ f: 'read' }, rd.chosen.value);
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
          Read(rep, _msg, ctx) {
            ctx.reply({ type: 'ReadReply', version: rep.version, value: rep.value });
          },
          WriteBack(rep, msg, ctx) {
            store(rep, msg.version, msg.value);
            ctx.reply({ type: 'WriteBackAck', version: msg.version });
          },
        },
      },
    },
    invariants: {
      Linearizable: linearizable(registerModel()),
    },
  });
}
