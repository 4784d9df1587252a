import { describe, expect, it } from 'vitest';
import { bfs, dfs } from '../../checker/index.ts';
import { defineModel, type Model } from '../../specs/index.ts';

/** Two interchangeable counters, each counting up to 2; optionally reduced by sorting them. */
function counters(symmetric: boolean, bad?: (c: number[]) => boolean): Model<number[], number> {
  return defineModel<number[], number>({
    name: 'counters',
    init: () => [[0, 0]],
    actions: (c) => [0, 1].filter((i) => c[i] < 2),
    next: (c, i) => c.map((v, j) => (j === i ? v + 1 : v)),
    invariants: bad ? { Fine: (c) => !bad(c) } : {},
    ...(symmetric ? { representative: (c: number[]) => [...c].sort((x, y) => x - y) } : {}),
  });
}

describe('symmetry reduction (Model.representative)', () => {
  it('counts one state per orbit, in BFS and DFS alike', () => {
    expect(bfs(counters(false)).stats).toMatchObject({ distinctStates: 9, generatedStates: 13, depth: 5 });
    // Expanded: [0,0] [1,0] [2,0] [1,1] [2,1] ([0,1] is [1,0]'s orbit, found second).
    expect(bfs(counters(true)).stats).toMatchObject({ distinctStates: 6, generatedStates: 9, depth: 5 });
    expect(dfs(counters(true)).stats.distinctStates).toBe(6);
  });

  it('keeps the real states in a counterexample, rebuilt by replay', () => {
    // [0,2] and [2,0] are one orbit; the trace is the path the search really took.
    const r = bfs(counters(true, (c) => c[0] + c[1] === 3));
    expect(r.verdict).toBe('violation');
    expect(r.violations[0].path.states).toEqual([[0, 0], [1, 0], [2, 0], [2, 1]]);
  });

  it('finds the same shortest violation of a symmetric invariant as the unreduced search', () => {
    const twoApart = (c: number[]) => Math.abs(c[0] - c[1]) === 2;
    for (const symmetric of [false, true]) {
      expect(bfs(counters(symmetric, twoApart)).violations[0].path.states).toEqual([[0, 0], [1, 0], [2, 0]]);
    }
  });
});
