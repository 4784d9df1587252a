import { canonicalJson } from '../index.ts';
import { END, type PreparedOp, type SearchOrder } from './search.ts';

/** A doubly linked list over operation indexes, in a fixed order, with O(1) unlink/relink (dancing links). */
class LinkedOps {
  readonly next: Int32Array;
  readonly prev: Int32Array;
  readonly head: number;

  constructor(n: number, members: number[]) {
    this.head = n;
    this.next = new Int32Array(n + 1).fill(-1);
    this.prev = new Int32Array(n + 1).fill(-1);
    let last = n;
    for (const i of members) {
      this.next[last] = i;
      this.prev[i] = last;
      last = i;
    }
  }

  unlink(i: number): void {
    this.next[this.prev[i]] = this.next[i];
    if (this.next[i] !== -1) this.prev[this.next[i]] = this.prev[i];
  }

  relink(i: number): void {
    this.next[this.prev[i]] = i;
    if (this.next[i] !== -1) this.prev[this.next[i]] = i;
  }
}

/**
 * Real-time order, for linearizability (Wing & Gong's list walk, after Lowe): an operation may be
 * linearized next iff it was invoked no later than the earliest completion among the operations
 * not yet linearized (one that completed must come before anything invoked after it). Candidates
 * are enumerated known-outcome operations first, then unknown-outcome ones (in invocation order):
 * an unknown-outcome operation is only worth placing where a later observation needs it, so trying
 * it last finds linearizations of real histories (full of `:info` writes) far sooner. Linearizing
 * unlinks an operation from the lists; taking it back relinks it.
 *
 * Two strategies order the known-outcome candidates (the search alternates them, see
 * searchLinearization): 0, invocation order (Wing & Gong, Porcupine); 1, earliest completion
 * first, which follows the order in which a real system took effect more closely when some
 * operations are slow (an operation invoked early that completes late is tried late).
 */
export function realTimeOrder(ops: readonly PreparedOp[]): SearchOrder {
  const n = ops.length;
  const byCall = (a: number, b: number): number => ops[a].call - ops[b].call || a - b;
  const all = ops.map((_, i) => i);
  const known = all.filter((i) => ops[i].known).sort(byCall);
  const unknownOps = all.filter((i) => !ops[i].known).sort(byCall);
  const unknown = new LinkedOps(n, unknownOps);
  // Interchangeable unknown-outcome operations (same input): whenever the later one could be
  // linearized the earlier one could too, so the later one is only tried once the earlier is in.
  const twin = new Int32Array(n).fill(-1);
  const lastWithInput = new Map<string, number>();
  for (const i of unknownOps) {
    const key = canonicalJson(ops[i].input);
    twin[i] = lastWithInput.get(key) ?? -1;
    lastWithInput.set(key, i);
  }
  const lifted = new Uint8Array(n);
  const calls = new LinkedOps(n, known);
  const returns = new LinkedOps(n, known.slice().sort((a, b) => ops[a].ret - ops[b].ret || a - b));

  /** The earliest completion among the known operations left (Infinity when none is left). */
  const horizon = (): number => {
    const first = returns.next[returns.head];
    return first === -1 ? Infinity : ops[first].ret;
  };
  // Cursors: a known operation i is cursor i; an unknown one is cursor -(i + 2).
  const unknownFrom = (i: number): number => {
    const h = horizon();
    for (; i !== -1 && ops[i].call <= h; i = unknown.next[i]) if (twin[i] === -1 || lifted[twin[i]] === 1) return -(i + 2);
    return END;
  };
  /** Invocation order: the next known candidate from `i` on in the list of calls. */
  const knownFrom = (i: number): number => (i !== -1 && ops[i].call <= horizon() ? i : unknownFrom(unknown.next[unknown.head]));
  /**
   * Earliest completion first: the known candidate with the smallest (ret, index) above (`ret`,
   * `index`). The candidates are the known operations left that were invoked by the horizon: all
   * are in flight at the horizon, so the scan is as long as the concurrency.
   */
  const knownAfter = (ret: number, index: number): number => {
    const h = horizon();
    let best = -1;
    for (let i = calls.next[calls.head]; i !== -1 && ops[i].call <= h; i = calls.next[i]) {
      const r = ops[i].ret;
      if (r < ret || (r === ret && i <= index)) continue;
      if (best === -1 || r < ops[best].ret || (r === ops[best].ret && i < best)) best = i;
    }
    return best !== -1 ? best : unknownFrom(unknown.next[unknown.head]);
  };
  let byReturn = false;
  return {
    horizonOp: () => {
      const first = returns.next[returns.head];
      return first === -1 ? END : first;
    },
    strategies: 2,
    useStrategy(strategy) {
      byReturn = strategy === 1;
    },
    start: () => (byReturn ? knownAfter(-Infinity, -1) : knownFrom(calls.next[calls.head])),
    next: (cursor) =>
      cursor >= 0 ? (byReturn ? knownAfter(ops[cursor].ret, cursor) : knownFrom(calls.next[cursor])) : unknownFrom(unknown.next[-cursor - 2]),
    opAt: (cursor) => (cursor >= 0 ? cursor : -cursor - 2),
    lift(op) {
      if (ops[op].known) {
        calls.unlink(op);
        returns.unlink(op);
      } else {
        unknown.unlink(op);
        lifted[op] = 1;
      }
    },
    unlift(op) {
      if (ops[op].known) {
        returns.relink(op);
        calls.relink(op);
      } else {
        unknown.relink(op);
        lifted[op] = 0;
      }
    },
    after: (op) => (ops[op].known ? (byReturn ? knownAfter(ops[op].ret, op) : knownFrom(calls.next[op])) : unknownFrom(unknown.next[op])),
  };
}
