/**
 * Consensus with a rotating coordinator and timeouts — how real systems escape FLP.
 *
 * Round r's coordinator is node ((r − 1) mod n) + 1. Each node's first step is to get its
 * input (0 or 1). Round 1's coordinator proposes its input at once; a later round's
 * coordinator first collects an Estimate (the value and round a node last accepted) from a
 * majority and proposes the value accepted in the highest round, else its own input —
 * Paxos's rule, so agreement holds however late messages are. A node accepts a proposal of
 * its current round or a later one and acks it; the coordinator decides once a majority
 * accepted, and tells everyone. A node that has not decided `timeout` ticks into a round
 * moves to the next one and sends its estimate to that round's coordinator.
 *
 * Partial synchrony: messages take at most `maxDelay` ticks (default 1) and timers fire on
 * time (prompt timers). A crashed coordinator is then detected by a timeout, the next round
 * decides, and every run with one crash agrees and terminates within the time bound:
 * `faultline flp` says "terminates and agrees — … partial synchrony". Variant `async`
 * drops the delay bound (messages may take any time, as in FLP's model): the explorer then
 * finds the run that never decides — every proposal still in flight when time runs out.
 */
import { protocol, type Params, type SpecAbout } from '../specs/index.ts';

type Bit = 0 | 1;
/** A value accepted in a round, or null. */
type Accepted = [Bit, number] | null;
type Msg =
  | { type: 'Propose'; r: number; v: Bit }
  | { type: 'Ack'; r: number }
  | { type: 'Estimate'; r: number; acc: Accepted }
  | { type: 'Decide'; v: Bit };

interface Node {
  input: Bit | null;
  round: number;
  accepted: Accepted;
  /** As coordinator of `round`: estimates collected (by node index; undefined = none yet), or acks. */
  estimates: (Accepted | undefined)[] | null;
  acks: number[] | null;
  decided: Bit | null;
}

/** The bundled protocol's parameters and variants, for `faultline list`. */
export const about = {
  description: 'Rotating coordinator with timeouts (partial synchrony): agrees and terminates with one crash; variant async (unbounded delay) never decides',
  params: {
    n: 'number of nodes, 2–3 (default 3)',
    timeout: 'ticks a node waits in a round before moving on (default 4)',
  },
  flags: ['--crashes', '1'],
  expect: 'pass',
  variants: {
    async: { description: 'no bound on message delay (FLP\'s asynchronous model): the run that never decides (Termination, a lasso)', flags: [], expect: 'violation' },
  },
} satisfies SpecAbout;

/** Rotating-coordinator consensus among `n` nodes. */
export default function consensusTimeout(params: Params = {}) {
  const n = Number(params.n ?? 3);
  const timeout = Number(params.timeout ?? 4);
  const variant = String(params.variant ?? 'correct');
  if (!Number.isInteger(n) || n < 2 || n > 3) throw new Error(`n must be 2–3, got ${params.n}`);
  if (!Number.isInteger(timeout) || timeout < 1) throw new Error(`timeout must be a positive integer, got ${params.timeout}`);
  if (variant !== 'correct' && variant !== 'async') throw new Error(`unknown variant "${variant}" (known: async)`);
  const majority = Math.floor(n / 2) + 1;
  const coordinator = (r: number): number => ((r - 1) % n) + 1;
  const id = (i: number): string => `node-${i}`;
  const indexOf = (node: string): number => Number(node.split('-')[1]);

  /** As coordinator of the current round: propose once a majority's estimates are in. */
  const maybePropose = (s: Node, ctx: { index: number; broadcast(role: string, m: Msg): void }): void => {
    if (!s.estimates || s.input === null) return;
    const got = s.estimates.filter((e): e is Accepted => e !== undefined);
    if (got.length < majority) return;
    const best = got.reduce<Accepted>((b, e) => (e && (!b || e[1] > b[1]) ? e : b), null);
    const v = best ? best[0] : s.input;
    s.estimates = null;
    s.accepted = [v, s.round];
    s.acks = [ctx.index];
    ctx.broadcast('node', { type: 'Propose', r: s.round, v });
  };

  /** Enters round r: re-arms the timeout and sends the estimate to r's coordinator. */
  const enter = (s: Node, r: number, ctx: { index: number; send(to: string, m: Msg): void; broadcast(role: string, m: Msg): void; setTimer(name: string, d?: number): void }): void => {
    s.round = r;
    s.acks = null;
    s.estimates = null;
    ctx.setTimer('timeout', timeout);
    if (coordinator(r) === ctx.index) {
      s.estimates = Array(n).fill(undefined);
      s.estimates[ctx.index - 1] = s.accepted;
      maybePropose(s, ctx);
    } else {
      ctx.send(id(coordinator(r)), { type: 'Estimate', r, acc: s.accepted });
    }
  };

  return protocol<Msg>()({
    name: variant === 'async' ? `ConsensusTimeout/async(n=${n})` : `ConsensusTimeout(n=${n})`,
    nodes: { node: n },
    // Bounded delay: time runs long enough for round 2 to finish after a crash in round 1.
    // Unbounded: time runs past the first timeout, which is enough to see nothing arrive.
    environment: variant === 'async' ? { maxTime: timeout + 1, promptTimers: true } : { maxTime: 2 * timeout + 1, maxDelay: 1, promptTimers: true },
    roles: {
      node: {
        init: (): Node => ({ input: null, round: 1, accepted: null, estimates: null, acks: null, decided: null }),
        onStart(_s, ctx) {
          ctx.setTimer('propose', 0); // the first step: the input arrives
          ctx.setTimer('timeout', timeout);
        },
        timers: {
          propose(s, ctx) {
            s.input = ctx.choose([0, 1] as const);
            if (s.decided !== null) return;
            if (s.round === 1 && coordinator(1) === ctx.index) {
              s.accepted = [s.input, 1];
              s.acks = [ctx.index];
              ctx.broadcast('node', { type: 'Propose', r: 1, v: s.input });
            } else if (s.estimates) maybePropose(s, ctx);
          },
          timeout(s, ctx) {
            if (s.decided === null) enter(s, s.round + 1, ctx);
          },
        },
        on: {
          Propose(s, msg, ctx) {
            if (s.decided !== null || msg.r < s.round) return;
            if (msg.r > s.round) {
              s.round = msg.r;
              s.estimates = null;
              s.acks = null;
              ctx.setTimer('timeout', timeout);
            }
            s.accepted = [msg.v, msg.r];
            ctx.reply({ type: 'Ack', r: msg.r });
          },
          Ack(s, msg, ctx) {
            if (s.decided !== null || msg.r !== s.round || !s.acks || !s.accepted) return;
            const from = indexOf(ctx.sender);
            if (!s.acks.includes(from)) s.acks = [...s.acks, from].sort();
            if (s.acks.length >= majority) {
              s.decided = s.accepted[0];
              s.acks = null;
              ctx.cancelTimer('timeout');
              ctx.broadcast('node', { type: 'Decide', v: s.decided });
            }
          },
          Estimate(s, msg, ctx) {
            if (s.decided !== null || msg.r < s.round) return;
            if (msg.r > s.round) enter(s, msg.r, ctx);
            if (!s.estimates) return;
            s.estimates[indexOf(ctx.sender) - 1] = msg.acc;
            maybePropose(s, ctx);
          },
          Decide(s, msg, ctx) {
            if (s.decided !== null) return;
            s.decided = msg.v;
            s.estimates = null;
            s.acks = null;
            ctx.cancelTimer('timeout');
          },
        },
      },
    },
    invariants: {
      Agreement: (w) => new Set(w.nodes('node').map((s) => s.decided).filter((d) => d !== null)).size <= 1,
    },
    liveness: ({ eventually }) => ({
      Termination: eventually((w) => w.ids('node').every((node) => w.crashed(node) || w.node(node).decided !== null)),
    }),
    // The pass is not vacuous: some node decides.
    reachable: { Decided: (w) => w.nodes('node').some((s) => s.decided !== null) },
    consensus: { decided: (s) => s.decided ?? undefined, input: (s) => s.input ?? undefined },
  });
}
