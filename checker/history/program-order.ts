import { END, type PreparedOp, type SearchOrder } from './search.ts';

/**
 * Program order, for sequential consistency: each process's known-outcome operations form a chain
 * that must be linearized in invocation order; real time between processes is ignored. An
 * unknown-outcome operation forms a chain of its own: it may take effect any time after the
 * known-outcome operation its process invoked before it (or never), and does not hold back the
 * operations its process invoked after it. Candidates are tried known-outcome first, in invocation order.
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
  // Candidates are tried known-outcome first, then earliest invocation first: the order things
  // really happened in is the likeliest to be a valid one, and an unknown-outcome operation is
  // only worth placing where a later observation needs it. Rebuilt after each lift/unlift.
  let candidates: number[] = [];
  let stale = true;
  const list = (): number[] => {
    if (stale) {
      candidates = [];
      for (let c = 0; c < chains.length; c++) if (enabled(c)) candidates.push(c);
      candidates.sort((a, b) => {
        const x = ops[chains[a][head[a]]];
        const y = ops[chains[b][head[b]]];
        return Number(!x.known) - Number(!y.known) || x.call - y.call || a - b;
      });
      stale = false;
    }
    return candidates;
  };
  // Cursor: a position in the candidate list.
  const at = (i: number): number => (i < list().length ? i : END);
  return {
    start: () => at(0),
    next: (cursor) => at(cursor + 1),
    opAt: (cursor) => {
      const c = list()[cursor];
      return chains[c][head[c]];
    },
    lift(op) {
      head[chainOf[op]]++;
      done[op] = 1;
      stale = true;
    },
    unlift(op) {
      head[chainOf[op]]--;
      done[op] = 0;
      stale = true;
    },
    after: (op) => at(list().indexOf(chainOf[op]) + 1),
  };
}
