import type { Transfer } from './protocol.ts';

/**
 * The moves that even out the next level's frontiers: `sizes[w]` states wait in worker w.
 * Each worker expands only the states it holds, and a worker discovers roughly its share of
 * the next level, so levels stay balanced once balanced; but a search starts with every state
 * in the workers that own the initial states, so without moves the others would idle forever.
 * Moves cost a structured clone per state, so frontiers within `tolerance` (a fraction of the
 * mean) of each other are left alone. Extra states of an uneven split stay with the largest
 * frontiers, which keeps moves to a minimum.
 */
export function planTransfers(sizes: readonly number[], tolerance = 0.02): Transfer[] {
  const n = sizes.length;
  const total = sizes.reduce((a, b) => a + b, 0);
  const mean = total / n;
  const max = Math.max(...sizes);
  const min = Math.min(...sizes);
  if (max - min <= Math.max(1, Math.floor(mean * tolerance))) return [];

  const base = Math.floor(total / n);
  let extra = total - base * n;
  const target = new Array<number>(n).fill(base);
  const bySize = sizes.map((size, w) => ({ size, w })).sort((a, b) => b.size - a.size || a.w - b.w);
  for (const { w } of bySize) {
    if (extra === 0) break;
    target[w]++;
    extra--;
  }

  const givers = bySize.filter(({ w }) => sizes[w] > target[w]).map(({ w }) => ({ w, left: sizes[w] - target[w] }));
  const takers = bySize
    .filter(({ w }) => sizes[w] < target[w])
    .reverse()
    .map(({ w }) => ({ w, left: target[w] - sizes[w] }));
  const moves: Transfer[] = [];
  let g = 0;
  let t = 0;
  while (g < givers.length && t < takers.length) {
    const count = Math.min(givers[g].left, takers[t].left);
    moves.push({ from: givers[g].w, to: takers[t].w, count });
    givers[g].left -= count;
    takers[t].left -= count;
    if (givers[g].left === 0) g++;
    if (takers[t].left === 0) t++;
  }
  return moves;
}
