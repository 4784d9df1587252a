/**
 * Chain replication (van Renesse and Schneider, OSDI 2004): `n` servers in a chain
 * (server-1 the head, server-n the tail), a writer and `readers` readers.
 *
 * The writer writes `writes` values one after the other (v1 at version 1, …): Write goes to
 * the head; each server keeps it if newer and forwards it to its successor; the tail, which
 * has no successor, acknowledges it to the writer, and the write completes. A reader's `read`
 * timer (untimed: it may fire at any moment) starts one read: Query goes to the tail, which
 * answers with its value. A value reaches the tail only after every server in the chain holds
 * it, so the tail holds exactly the completed writes and any write in flight that has reached
 * it — reads are linearizable (the client history is checked with
 * `linearizable(registerModel())`). The chain is fixed: server failure and the master that
 * reconfigures the chain are not modelled (the environment's crashes would only stop it).
 *
 * Variant `read-from-head`: a read may be served by the head (each read chooses the head or
 * the tail, as a balancer spreading reads over the chain would). The head holds a write that
 * has not reached the tail: one read returns it, a later read at the tail returns the older
 * value (new-old inversion), not linearizable. (Reads served only by the head would be
 * linearizable without failures: the head orders every write; it is mixing the two ends that
 * breaks it.)
 */
import { protocol, type Params, type SpecAbout } from '../specs/index.ts';
import { linearizable, registerModel } from '../checker/index.ts';

/** A chain server's local state. */
export interface Server {
  /** 0: never written. */
  version: number;
  value: string | null;
}

/** The writer's local state. */
export interface Writer {
  /** The version being written (0: none yet). */
  version: number;
  /** True once the tail acknowledged it. */
  acked: boolean;
}

/** A reader's local state. */
export interface Reader {
  phase: 'idle' | 'reading' | 'done';
}

type Msg =
  | { type: 'Write'; version: number; value: string }
  | { type: 'Ack'; version: number }
  | { type: 'Query' }
  | { type: 'Reply'; value: string | null };

const VARIANTS = {
  'read-from-head': {
    description: 'a read may be served by the head: it sees a write that has not reached the tail, a later read at the tail does not (new-old inversion), not Linearizable',
    expect: 'violation',
  },
} satisfies SpecAbout['variants'];

/** The bundled protocol's parameters and variants, for `faultline list`. */
export const about = {
  description: 'Chain replication: writes enter at the head and are acknowledged by the tail, reads are served by the tail; Linearizable',
  params: {
    n: 'servers in the chain, 1–4 (default 3)',
    readers: 'number of readers, each reading once, 1–3 (default 2)',
    writes: 'values the writer writes one after the other, 1–3 (default 1)',
  },
  variants: VARIANTS,
} satisfies SpecAbout;

const valueAt = (version: number): string => `v${version}`;

function whole(params: Params, key: string, fallback: number, min: number, max: number): number {
  const raw = params[key] ?? fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`chain-replication: ${key} must be an integer ${min}–${max}, got ${String(raw)}`);
  return value;
}

/** Chain replication over `n` servers with one writer and `readers` readers. */
export default function chainReplication(params: Params = {}) {
  const n = whole(params, 'n', 3, 1, 4);
  const readers = whole(params, 'readers', 2, 1, 3);
  const writes = whole(params, 'writes', 1, 1, 3);
  const variant = String(params.variant ?? 'correct');
  if (variant !== 'correct' && !Object.hasOwn(VARIANTS, variant)) {
    throw new Error(`chain-replication: unknown variant "${variant}" (known: ${Object.keys(VARIANTS).join(', ')})`);
  }
  /** server-1 … server-n (a lone server is just `server`). */
  const serverIds = Array.from({ length: n }, (_, i) => (n === 1 ? 'server' : `server-${i + 1}`));
  const head = serverIds[0];
  const tail = serverIds[n - 1];

  const startWrite = (wr: Writer, ctx: { invoke(input: unknown): void; send(to: string, msg: Msg): void }): void => {
    wr.version++;
    wr.acked = false;
    const value = valueAt(wr.version);
    ctx.invoke({ f: 'write', value });
    ctx.send(head, { type: 'Write', version: wr.version, value });
  };

  return protocol<Msg>()({
    name: `ChainReplication(n=${n}, readers=${readers}${writes === 1 ? '' : `, writes=${writes}`})${variant === 'correct' ? '' : `/${variant}`}`,
    nodes: { writer: 1, reader: readers, server: n },
    symmetric: ['reader'],
    roles: {
      writer: {
        init: (): Writer => ({ version: 0, acked: false }),
        onStart(wr, ctx) {
          startWrite(wr, ctx);
        },
        on: {
          Ack(wr, msg, ctx) {
            if (msg.version !== wr.version || wr.acked) return; // a duplicate
            wr.acked = true;
            ctx.respond({ f: 'write', value: valueAt(wr.version) }, null);
            if (wr.version < writes) startWrite(wr, ctx);
          },
        },
      },
      reader: {
        init: (): Reader => ({ phase: 'idle' }),
        onStart(_rd, ctx) {
          ctx.setTimer('read');
        },
        timers: {
          read(rd, ctx) {
            rd.phase = 'reading';
            ctx.invoke({ f: 'read' });
            ctx.send(variant === 'read-from-head' ? ctx.choose([tail, head]) : tail, { type: 'Query' });
          },
        },
        on: {
          Reply(rd, msg, ctx) {
            if (rd.phase !== 'reading') return; // a duplicate
            rd.phase = 'done';
            ctx.respond({ f: 'read' }, msg.value);
          },
        },
      },
      server: {
        init: (): Server => ({ version: 0, value: null }),
        persistent: ['version', 'value'],
        on: {
          Write(s, msg, ctx) {
            if (msg.version > s.version) {
              s.version = msg.version;
              s.value = msg.value;
            }
            // Forward down the chain; the tail acknowledges to the writer.
            if (ctx.index < n) ctx.send(serverIds[ctx.index], msg);
            else ctx.send('writer', { type: 'Ack', version: msg.version });
          },
          Query(s, _msg, ctx) {
            ctx.reply({ type: 'Reply', value: s.value });
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
