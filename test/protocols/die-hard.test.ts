import { describe, expect, it } from 'vitest';
import { checker } from '../../checker/index.ts';
import { describeAction } from '../../specs/index.ts';
import dieHard, { about } from '../../protocols/die-hard.ts';

describe('DieHard', () => {
  it('NotFour fails after 6 steps: the puzzle solution (TLC: 14 distinct, 73 generated, depth 7)', () => {
    const m = dieHard();
    const r = checker(m).bfs();
    expect(r.verdict).toBe('violation');
    const v = r.violations[0];
    expect(v.property).toBe('NotFour');
    expect(v.kind).toBe('invariant');
    expect(v.path.actions.map((a) => describeAction(m, a))).toEqual([
      'FillBig',
      'BigToSmall',
      'EmptySmall',
      'BigToSmall',
      'FillBig',
      'BigToSmall',
    ]);
    expect(v.path.actionIndices).toEqual([1, 5, 2, 5, 1, 5]);
    expect(v.path.states).toEqual([
      { small: 0, big: 0 },
      { small: 0, big: 5 },
      { small: 3, big: 2 },
      { small: 0, big: 2 },
      { small: 2, big: 0 },
      { small: 2, big: 5 },
      { small: 3, big: 4 },
    ]);
    expect(r.stats).toMatchObject({ distinctStates: 14, generatedStates: 73, depth: 7 });
  });

  it('DFS also finds a state with big = 4', () => {
    const r = checker(dieHard()).dfs();
    expect(r.verdict).toBe('violation');
    const states = r.violations[0].path.states;
    expect(states[states.length - 1]).toEqual({ small: 3, big: 4 });
    expect(r.violations[0].path.actions).toHaveLength(8);
  });

  it('has 16 reachable states, every one with 6 successors', () => {
    const free = { ...dieHard(), invariants: {} };
    expect(checker(free).bfs().stats).toMatchObject({ distinctStates: 16, generatedStates: 97, depth: 8 });
    expect(checker(free).dfs().stats).toMatchObject({ distinctStates: 16, generatedStates: 97 });
  });

  it('pours as the puzzle says', () => {
    const m = dieHard();
    expect(m.next({ small: 3, big: 3 }, 'SmallToBig')).toEqual({ small: 1, big: 5 });
    expect(m.next({ small: 1, big: 5 }, 'BigToSmall')).toEqual({ small: 3, big: 3 });
    expect(m.next({ small: 2, big: 1 }, 'SmallToBig')).toEqual({ small: 0, big: 3 });
  });

  it('is listed without parameters or variants', () => {
    expect(about).toMatchObject({ params: {}, variants: {} });
  });
});
