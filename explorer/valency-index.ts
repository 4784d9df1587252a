import { buildGraph, fingerprintInto, showValency, valencies, type Fingerprint } from '../checker/index.ts';
import { canonicalJson, type ConsensusView, type Model } from '../specs/index.ts';

/** Bounds of the one search that computes every state's valency. */
export interface ValencyBounds {
  maxStates: number;
  timeoutSeconds: number;
}

/** The default bounds: a state space small enough to search in a blink. */
export const DEFAULT_VALENCY_BOUNDS: ValencyBounds = { maxStates: 200_000, timeoutSeconds: 5 };

/** Every reachable state's valency, or why there is none. */
export type ValencyIndex =
  | { kind: 'ready'; states: number; of(state: unknown): string | undefined }
  | { kind: 'none'; reason: string };

/**
 * The valency of every reachable state of a consensus protocol ({0}, {1}, {0,1}: the decision
 * values still reachable by steps, faults excluded, as `faultline flp` counts them), from one
 * bounded breadth-first search of the whole state space. When the search does not finish
 * within `bounds`, no valency is given: a partial graph would make univalent states look
 * bivalent or undecided.
 */
export function valencyIndex(model: Model<unknown, unknown>, bounds: ValencyBounds = DEFAULT_VALENCY_BOUNDS): ValencyIndex {
  const consensus = model.consensus as ConsensusView<unknown, unknown> | undefined;
  if (!consensus) return { kind: 'none', reason: 'not a consensus protocol (no consensus declaration)' };
  const nodes = consensus.nodes;
  const valueIds = new Map<string, number>();
  const rawValues: unknown[] = [];
  const decidedValues: number[] = [];
  let tooMany = false;
  const graph = buildGraph(model, {
    maxStates: bounds.maxStates,
    timeoutSeconds: bounds.timeoutSeconds,
    observe(state, id) {
      let values = 0;
      for (const node of nodes) {
        const d = consensus.decision(state, node);
        if (d === undefined) continue;
        const key = canonicalJson(d);
        let bit = valueIds.get(key);
        if (bit === undefined) {
          bit = rawValues.length;
          if (bit >= 31) {
            tooMany = true;
            continue;
          }
          valueIds.set(key, bit);
          rawValues.push(d);
        }
        values |= 1 << bit;
      }
      decidedValues[id] = values;
    },
  });
  if (tooMany) return { kind: 'none', reason: 'more than 31 decision values' };
  if (graph.incomplete) {
    return { kind: 'none', reason: `the state space is larger than the valency search's bounds (${bounds.maxStates.toLocaleString('en-US')} states, ${bounds.timeoutSeconds} s)` };
  }
  // Values in canonical order, so {0} is bit 0 whatever was decided first.
  const order = rawValues.map((v, i) => ({ v, i, key: canonicalJson(v) })).sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  const values = order.map((o) => o.v);
  const rebit = (mask: number): number => order.reduce((out, o, j) => (mask & (1 << o.i) ? out | (1 << j) : out), 0);
  const valency = valencies(graph, Uint32Array.from(decidedValues, rebit), (e) => graph.fault[e] === 0);
  const ids = new Map<string, number>();
  for (let s = 0; s < graph.size; s++) ids.set(`${graph.fpHi[s]}:${graph.fpLo[s]}`, s);
  const fp: Fingerprint = { hi: 0, lo: 0 };
  return {
    kind: 'ready',
    states: graph.size,
    of(state) {
      fingerprintInto(state, fp);
      const id = ids.get(`${fp.hi}:${fp.lo}`);
      return id === undefined ? undefined : showValency(valency[id], values);
    },
  };
}
