import { describe, expect, it } from 'vitest';
import { checker } from '../../checker/index.ts';
import { describeAction } from '../../specs/index.ts';
import twoPhase, { about } from '../../protocols/two-phase.ts';

describe('TwoPhase (TLC numbers)', () => {
  it.each([
    { rm: 3, distinct: 288, generated: 1146, depth: 11 },
    { rm: 5, distinct: 8832, generated: 58146, depth: 17 },
  ])('rm=$rm: BFS gives $distinct distinct, $generated generated, depth $depth', ({ rm, distinct, generated, depth }) => {
    const r = checker(twoPhase({ rm })).bfs();
    expect(r.verdict).toBe('pass');
    expect(r.violations).toEqual([]);
    expect(r.stats).toMatchObject({ distinctStates: distinct, generatedStates: generated, depth });
  });

  it.each([
    { rm: 3, distinct: 288, generated: 1146, depth: 11 },
    { rm: 5, distinct: 8832, generated: 58146, depth: 17 },
  ])('rm=$rm: DFS reaches the same $distinct distinct and $generated generated', ({ rm, distinct, generated, depth }) => {
    const r = checker(twoPhase({ rm })).dfs();
    expect(r.verdict).toBe('pass');
    expect(r.stats.distinctStates).toBe(distinct);
    expect(r.stats.generatedStates).toBe(generated);
    expect(r.stats.depth).toBeGreaterThanOrEqual(depth);
  });

  it('defaults to rm=3 and is named TwoPhase', () => {
    const m = twoPhase();
    expect(m.name).toBe('TwoPhase');
    expect(checker(m).bfs().stats).toMatchObject({ distinctStates: 288, generatedStates: 1146, depth: 11 });
  });

  it('rm=1 is tiny and correct', () => {
    const r = checker(twoPhase({ rm: 1 })).bfs();
    expect(r.verdict).toBe('pass');
    expect(r.stats.distinctStates).toBe(12);
  });

  it('variant commit-early violates TCConsistent in exactly 3 steps', () => {
    const m = twoPhase({ rm: 3, variant: 'commit-early' });
    expect(m.name).toBe('TwoPhase/commit-early');
    const r = checker(m).bfs();
    expect(r.verdict).toBe('violation');
    expect(r.violations).toHaveLength(1);
    const v = r.violations[0];
    expect(v.property).toBe('TCConsistent');
    expect(v.path.actions).toHaveLength(3);
    expect(v.path.actions.map((a) => describeAction(m, a))).toEqual(['TMCommit', 'RMChooseToAbort(rm1)', 'RMRcvCommitMsg(rm2)']);
    expect(v.path.actions).toEqual([{ type: 'TMCommit' }, { type: 'RMChooseToAbort', rm: 0 }, { type: 'RMRcvCommitMsg', rm: 1 }]);
    expect(v.path.actionIndices).toEqual([0, 1, 3]);
    expect(v.path.states[3]).toEqual({
      rmState: ['aborted', 'committed', 'working'],
      tmState: 'committed',
      tmPrepared: [false, false, false],
      msgs: { prepared: [false, false, false], commit: true, abort: false },
    });
    expect(r.stats).toMatchObject({ distinctStates: 49, generatedStates: 77, depth: 4 });
  });

  it('variant commit-early is also found by DFS', () => {
    const r = checker(twoPhase({ variant: 'commit-early' })).dfs();
    expect(r.verdict).toBe('violation');
    expect(r.violations[0].property).toBe('TCConsistent');
    expect(r.violations[0].path.actions.length).toBeGreaterThanOrEqual(3);
  });

  it('rejects bad parameters', () => {
    expect(() => twoPhase({ rm: 0 })).toThrow('rm must be a positive integer, got 0');
    expect(() => twoPhase({ rm: 'x' })).toThrow('rm must be a positive integer, got x');
    expect(() => twoPhase({ variant: 'nope' })).toThrow('unknown variant "nope" (known: commit-early)');
  });

  it('labels actions with 1-based RM numbers', () => {
    const m = twoPhase();
    expect(m.describe!({ type: 'TMAbort' })).toBe('TMAbort');
    expect(m.describe!({ type: 'RMPrepare', rm: 2 })).toBe('RMPrepare(rm3)');
  });

  it('describes itself, its parameter and its variant for `faultline list`', () => {
    expect(Object.keys(about.params)).toEqual(['rm']);
    expect(Object.keys(about.variants)).toEqual(['commit-early']);
  });
});

describe('reachability goals: the pass is not vacuous', () => {
  it('reaches every goal it declares, with pinned witness lengths', () => {
    const r = checker(twoPhase({})).bfs();
    expect(r.verdict).toBe('pass');
    expect(r.reached?.map((g) => [g.goal, g.path.actions.length])).toEqual([['AllCommitted', 10], ['SomeAborted', 1]]);
    expect(r.unreached).toEqual([]);
  });
});
