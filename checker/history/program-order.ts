import { END, type PreparedOp, type SearchOrder } from './search.ts';

/**
 * Program order, for sequential consistency: each process's known-outcome operations form a chain
 * that must be linearized in invocation order; real time between processes is ignored. An
 * unknown-outcome operation forms a chain of its own: it may take effect any time after the
 * known-outcome operation its process invoked before it (or never), and does not hold back the
 * operations its process invoked after it.
 */
export function programOrder(ops: readonly PreparedOp[]): SearchOrder {
  const chains: number[][] = [];
  const chainOf = new Int32Array(ops.length);
  /** For a single-operation chain: the known operation it must follow, or -1. */
  const after: number[] = [];
  const byProcess = new Map<unknown, number>();
  const lastKnown = new Map<unknown, number>();
  const order = ops.map((_, i) => i).sort((a, b) => ops[a].call - ops[b].call || a - b);
  for (const i of order) {
    const op = ops[i];
    if (op.known) {
      let c = byProcess.get(op.process);
      if (c === undefined) {
        c = chains.length;
        chains.push([]);
        after.push(-1);
        byProcess.set(op.process, c);
      }
      chains[c].push(i);
      chainOf[i] = c;
      lastKnown.set(op.process, i);
    } else {
      chainOf[i] = chains.length;
      chains.push([i]);
      after.push(lastKnown.get(op.process) ?? -1);
    }
  }
  const head = new Int32Array(chains.length);
  const done = new Uint8Array(ops.length);
  const enabled = (c: number): boolean => head[c] < chains[c].length && (after[c] === -1 || done[after[c]] === 1);
  const from = (c: number): number => {
    for (; c < chains.length; c++) if (enabled(c)) return c;
    return END;
  };
  return {
    start: () => from(0),
    next: (cursor) => from(cursor + 1),
    opAt: (cursor) => chains[cursor][head[cursor]],
    lift(op) {
      head[chainOf[op]]++;
      done[op] = 1;
    },
    unlift(op) {
      head[chainOf[op]]--;
      done[op] = 0;
    },
    after: (op) => from(chainOf[op] + 1),
  };
}
