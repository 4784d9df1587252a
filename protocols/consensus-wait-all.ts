/**
 * Consensus by waiting for everyone — it agrees, and one crash stops it forever (FLP).
 *
 * Each node's first step is to get its input (0 or 1, chosen nondeterministically: a
 * client's proposal arriving) and broadcast it; a node decides the minimum once it has all
 * n inputs. Every node decides the same minimum, so agreement holds; but a node that
 * crashes before it proposes is never heard from, and the others wait for it forever.
 * `faultline flp` finds the critical configuration: everyone else has proposed and heard
 * from each other, and the last node's input alone decides; crash that node and the
 * configuration is bivalent forever. `faultline check --crashes 1` finds the same
 * non-terminating run as a lasso of the Termination property.
 *
 * `--param inputs=start` fixes the inputs in the initial configurations instead (FLP's
 * setting): then every initial configuration is univalent — the decision is the minimum
 * of the inputs — and `flp` shows FLP's Lemma 2 instead: two adjacent initial
 * configurations that only one node's input tells apart; crash that node before it
 * speaks and the others wait forever.
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
  description: 'Consensus that waits for all n inputs: agrees, but with one crash never terminates (faultline flp walks the FLP argument)',
  params: {
    n: 'number of nodes, 2–4 (default 3)',
    inputs: 'propose (default): a node gets its input as its first step; start: inputs are fixed in the initial configurations',
  },
  flags: ['--crashes', '1'],
  expect: 'violation',
  variants: {},
} satisfies SpecAbout;

/** Wait-for-all consensus among `n` nodes. */
export default function consensusWaitAll(params: Params = {}) {
  const n = Number(params.n ?? 3);
  if (!Number.isInteger(n) || n < 2 || n > 4) throw new Error(`n must be 2–4, got ${params.n}`);
  if (params.variant !== undefined && params.variant !== 'correct') throw new Error(`unknown variant "${params.variant}" (none)`);
  const inputs = String(params.inputs ?? 'propose');
  if (inputs !== 'propose' && inputs !== 'start') throw new Error(`inputs must be propose or start, got ${params.inputs}`);
  const decide = (s: Node): void => {
    if (s.decided === null && s.got.every((v) => v !== null)) s.decided = Math.min(...(s.got as Bit[])) as Bit;
  };

  return protocol<Msg>()({
    name: inputs === 'start' ? `ConsensusWaitAll(n=${n}, inputs at start)` : `ConsensusWaitAll(n=${n})`,
    nodes: { node: n },
    roles: {
      node: {
        init: (): Node => ({ input: null, got: Array(n).fill(null), decided: null }),
        onStart(s, ctx) {
          if (inputs === 'start') {
            s.input = ctx.choose([0, 1] as const);
            s.got[ctx.index - 1] = s.input;
          }
          ctx.setTimer('propose'); // the first step: the input arrives (or, with inputs=start, is sent)
        },
        timers: {
          propose(s, ctx) {
            if (s.input === null) {
              s.input = ctx.choose([0, 1] as const);
              s.got[ctx.index - 1] = s.input;
            }
            ctx.broadcast('node', { type: 'Input', v: s.input });
            decide(s);
          },
        },
        on: {
          Input(s, msg, ctx) {
            s.got[Number(ctx.sender.split('-')[1]) - 1] = msg.v;
            if (s.input !== null) decide(s);
          },
        },
      },
    },
    invariants: {
      Agreement: (w) => new Set(w.nodes('node').map((s) => s.decided).filter((d) => d !== null)).size <= 1,
      Validity: (w) => w.nodes('node').every((s) => s.decided === null || w.nodes('node').some((t) => t.input === s.decided)),
    },
    liveness: ({ eventually }) => ({
      Termination: eventually((w) => w.ids('node').every((id) => w.crashed(id) || w.node(id).decided !== null)),
    }),
    // The pass is not vacuous: some node decides.
    reachable: { Decided: (w) => w.nodes('node').some((s) => s.decided !== null) },
    consensus: { decided: (s) => s.decided ?? undefined, input: (s) => s.input ?? undefined },
  });
}
