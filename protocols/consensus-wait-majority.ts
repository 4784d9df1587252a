/**
 * Consensus on the first n−1 inputs — it survives a crash, and loses agreement (FLP).
 *
 * Each node's first step is to get its input (0 or 1, chosen nondeterministically) and
 * broadcast it; a node decides the minimum of the first n−1 inputs it knows (its own
 * included), so one crashed node cannot block anyone. But two nodes may see different
 * n−1 inputs: with inputs 0, 1, 1, node-1 decides 0 while node-2, having heard node-3
 * first, decides 1. `faultline flp` reports the disagreement: FLP's dilemma, the other horn.
 */
import { protocol, type Params, type SpecAbout } from '../specs/index.ts';

type Bit = 0 | 1;
type Msg = { type: 'Input'; v: Bit };

interface Node {
  input: Bit | null;
  /** The inputs this node knows, by node index (its own included). */
  got: (Bit | null)[];
  decided: Bit | null;
}

/** The bundled protocol's parameters and variants, for `faultline list`. */
export const about = {
  description: 'Consensus on the first n−1 inputs: terminates with one crash, but two nodes can decide differently',
  params: { n: 'number of nodes, 2–4 (default 3)' },
  flags: [],
  expect: 'violation',
  variants: {},
} satisfies SpecAbout;

/** Wait-for-(n−1) consensus among `n` nodes. */
export default function consensusWaitMajority(params: Params = {}) {
  const n = Number(params.n ?? 3);
  if (!Number.isInteger(n) || n < 2 || n > 4) throw new Error(`n must be 2–4, got ${params.n}`);
  if (params.variant !== undefined && params.variant !== 'correct') throw new Error(`unknown variant "${params.variant}" (none)`);
  const decide = (s: Node): void => {
    const known = s.got.filter((v): v is Bit => v !== null);
    if (s.decided === null && s.input !== null && known.length >= n - 1) s.decided = Math.min(...known) as Bit;
  };

  return protocol<Msg>()({
    name: `ConsensusWaitMajority(n=${n})`,
    nodes: { node: n },
    roles: {
      node: {
        init: (): Node => ({ input: null, got: Array(n).fill(null), decided: null }),
        onStart(_s, ctx) {
          ctx.setTimer('propose'); // the first step: the input arrives
        },
        timers: {
          propose(s, ctx) {
            s.input = ctx.choose([0, 1] as const);
            s.got[ctx.index - 1] = s.input;
            ctx.broadcast('node', { type: 'Input', v: s.input });
            decide(s);
          },
        },
        on: {
          Input(s, msg, ctx) {
            if (s.decided !== null) return; // decided on the first n−1: later inputs change nothing
            s.got[Number(ctx.sender.split('-')[1]) - 1] = msg.v;
            decide(s);
          },
        },
      },
    },
    invariants: {
      Agreement: (w) => new Set(w.nodes('node').map((s) => s.decided).filter((d) => d !== null)).size <= 1,
    },
    liveness: ({ eventually }) => ({
      Termination: eventually((w) => w.ids('node').every((id) => w.crashed(id) || w.node(id).decided !== null)),
    }),
    // The pass is not vacuous: some node decides.
    reachable: { Decided: (w) => w.nodes('node').some((s) => s.decided !== null) },
    consensus: { decided: (s) => s.decided ?? undefined, input: (s) => s.input ?? undefined },
  });
}
