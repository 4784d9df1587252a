/**
 * The CAP trade-off on one register: two replicas and a network that may split them apart
 * (`--partitions 1`). Each replica serves a client on its own side of the network (the
 * client runs at its replica: a partition never cuts a client off its own replica). At some
 * moment client i writes its own value (`c1`, `c2`) and, at some later moment, reads it
 * back; both record their operations in the client history, and Linearizable checks it
 * against a register (as Jepsen/Knossos would).
 *
 * `mode=cp` (consistency): replica-1 is the primary and holds the only copy; replica-2
 * serves nothing itself, it forwards each operation to the primary and relays the answer.
 * Every history is linearizable. But when a partition cuts replica-2 off the primary, that
 * side's operation waits: the terminal property EveryOperationCompletes fails — a quiescent
 * state, nothing left to do but heal, with an operation still open.
 *
 * `mode=ap` (availability): each replica answers from its own copy at once and replicates
 * writes to the other in the background (last writer wins by (counter, replica)). Every
 * operation completes, partition or not, and Linearizable fails: replica-1 answers a read
 * with c1 after the write of c2 completed at replica-2. A partition keeps the copies apart
 * for as long as it lasts; replication lag alone already shows it (the shortest trace needs
 * no partition): an AP register is not linearizable, partition or not.
 */
import { linearizable, registerModel } from '../checker/index.ts';
import { protocol, type Params, type SpecAbout } from '../specs/index.ts';

/** A replica's local state: its client's progress, the register and its last-writer-wins stamp. */
export interface CapReplica {
  /** The co-located client: writing its value, reading it back, or done. */
  phase: 'writing' | 'reading' | 'done';
  value: string | null;
  /** [counter, replica index]: compared lexicographically. */
  stamp: [number, number];
  /** At the primary: the last forwarded operation applied (1: the write, 2: the read), so a duplicate is not applied again. */
  applied: number;
}

type Op = { f: 'write'; value: string } | { f: 'read' };

type Msg =
  | { type: 'Forward'; op: Op; seq: number }
  | { type: 'Relay'; op: Op; value: string | null }
  | { type: 'Replicate'; value: string; stamp: [number, number] };

/** The bundled protocol's parameters and variants, for `faultline list`. */
export const about = {
  description:
    'CAP register, two replicas and a partition: mode=cp forwards to a primary (linearizable, but an operation never completes under a partition); mode=ap answers locally (always available, not linearizable)',
  params: { mode: 'cp (default): one primary, the other side waits; ap: both sides answer from their own copy' },
  flags: ['--partitions', '1'],
  expect: 'violation',
  variants: {},
} satisfies SpecAbout;

const newer = (a: [number, number], b: [number, number]): boolean => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

/** The register in `mode` cp or ap. */
export default function capRegister(params: Params = {}) {
  const mode = String(params.mode ?? 'cp');
  if (mode !== 'cp' && mode !== 'ap') throw new Error(`cap-register: mode must be cp or ap, got ${params.mode}`);
  if (params.variant !== undefined && params.variant !== 'correct') throw new Error(`cap-register: unknown variant "${params.variant}" (none: use --param mode=cp|ap)`);

  /** Applies `op` to a replica's copy and returns what the operation answers. */
  const apply = (r: CapReplica, op: Op, self: number): string | null => {
    if (op.f === 'read') return r.value;
    r.value = op.value;
    r.stamp = [r.stamp[0] + 1, self];
    return null;
  };

  /** The client's operation `op` begins; answered at once unless it must go to the primary. */
  const begin = (r: CapReplica, op: Op, ctx: { index: number; invoke(op: unknown): void; send(to: string, msg: Msg): void; respond(op: unknown, out: unknown): void; setTimer(name: string): void; broadcast(role: 'replica', msg: Msg): void }): void => {
    ctx.invoke(op);
    if (mode === 'cp' && ctx.index !== 1) {
      ctx.send('replica-1', { type: 'Forward', op, seq: op.f === 'write' ? 1 : 2 });
      return;
    }
    const value = apply(r, op, ctx.index);
    if (mode === 'ap' && op.f === 'write') ctx.broadcast('replica', { type: 'Replicate', value: op.value, stamp: r.stamp });
    complete(r, op, value, ctx);
  };

  /** The client's operation `op` returned `value`: record it, and read at some later moment after the write. */
  const complete = (r: CapReplica, op: Op, value: string | null, ctx: { respond(op: unknown, out: unknown): void; setTimer(name: string): void }): void => {
    ctx.respond(op, value);
    r.phase = op.f === 'write' ? 'reading' : 'done';
    if (op.f === 'write') ctx.setTimer('read');
  };

  return protocol<Msg>()({
    name: `CapRegister(${mode})`,
    nodes: { replica: 2 },
    roles: {
      replica: {
        init: (): CapReplica => ({ phase: 'writing', value: null, stamp: [0, 0], applied: 0 }),
        onStart(_r, ctx) {
          ctx.setTimer('write'); // the client writes at some moment
        },
        timers: {
          write(r, ctx) {
            begin(r, { f: 'write', value: `c${ctx.index}` }, ctx);
          },
          read(r, ctx) {
            begin(r, { f: 'read' }, ctx);
          },
        },
        on: {
          // At the primary: another side's operation, applied to the one copy.
          Forward(r, msg, ctx) {
            // A duplicate write applied again, later, would overwrite a newer value.
            if (msg.seq <= r.applied) return;
            r.applied = msg.seq;
            ctx.reply({ type: 'Relay', op: msg.op, value: apply(r, msg.op, ctx.index) });
          },
          // Back from the primary: the answer to this side's operation.
          Relay(r, msg, ctx) {
            if (r.phase !== (msg.op.f === 'write' ? 'writing' : 'reading')) return; // a duplicate of an answer already taken
            complete(r, msg.op, msg.value, ctx);
          },
          Replicate(r, msg) {
            if (newer(msg.stamp, r.stamp)) {
              r.value = msg.value;
              r.stamp = msg.stamp;
            }
          },
        },
      },
    },
    invariants: { Linearizable: linearizable(registerModel()) },
    reachable: {
      // Linearizable is not vacuous: both clients wrote and read back.
      BothClientsDone: (w) => w.nodes('replica').every((r) => r.phase === 'done'),
    },
    terminal: {
      EveryOperationCompletes: (w) => w.nodes('replica').every((r) => r.phase === 'done'),
    },
  });
}
