import { describe, expect, it } from 'vitest';
import { bfs, checkLiveness, exploreValency, showValency } from '../../checker/index.ts';
import { describeAction } from '../../specs/index.ts';
import consensusWaitMajority, { about } from '../../protocols/consensus-wait-majority.ts';

const DISAGREEMENT = [
  'timer propose @node-1 [chose 0]',
  'deliver Input(v=0) node-1→node-2',
  'timer propose @node-2 [chose 1]', // node-2 knows 0 and 1: decides 0
  'deliver Input(v=1) node-2→node-3',
  'timer propose @node-3 [chose 1]', // node-3 knows 1 and 1: decides 1
];

describe('ConsensusWaitMajority', () => {
  it('disagreement in 5 steps without any fault (239 distinct, 529 generated, depth 6)', () => {
    const m = consensusWaitMajority();
    const r = bfs(m);
    expect(r.verdict).toBe('violation');
    expect(r.stats).toMatchObject({ distinctStates: 239, generatedStates: 529, depth: 6 });
    expect(r.violations[0].property).toBe('Agreement');
    expect(r.violations[0].path.actions.map((a) => describeAction(m, a))).toEqual(DISAGREEMENT);
  });

  it('terminates, with or without a crash (1817 and 5588 states)', () => {
    expect(checkLiveness(consensusWaitMajority(), 'Termination')).toMatchObject({ verdict: 'pass', stats: { distinctStates: 1817 } });
    const crashing = consensusWaitMajority().configure({ environment: { crashes: 1 } });
    expect(checkLiveness(crashing, 'Termination')).toMatchObject({ verdict: 'pass', stats: { distinctStates: 5588, edges: 15909 } });
  });

  it('flp: bivalent initially, no critical configuration (bivalence lasts into disagreement): violates agreement', () => {
    const m = consensusWaitMajority().configure({ environment: { crashes: 1 } });
    const r = exploreValency(m, m.consensus!);
    expect(r.stats).toMatchObject({ distinctStates: 5588, edges: 15909, bivalent: 1684, univalent: 3904, undecidable: 0 });
    expect(r.initial.map((c) => showValency(c.valency, r.values))).toEqual(['{0,1}']);
    expect(r.critical).toBeUndefined();
    expect(r.noCritical).toContain('until both values are decided');
    expect(r.disagreement!.path.actions.map((a) => describeAction(m, a))).toEqual(DISAGREEMENT);
    expect(r.nonTermination).toBeUndefined();
    expect(r.verdict).toBe('violates agreement');
  });

  it('describes itself', () => {
    expect(Object.keys(about.params)).toEqual(['n']);
    expect(() => consensusWaitMajority({ variant: 'x' })).toThrow('unknown variant');
  });
});

describe('reachability goals: the pass is not vacuous', () => {
  it('reaches every goal it declares, with pinned witness lengths', () => {
    const r = bfs(consensusWaitMajority({}));
    expect(r.verdict).toBe('violation');
    expect(r.reached?.map((g) => [g.goal, g.path.actions.length])).toEqual([['Decided', 3]]);
    expect(r.unreached).toEqual([]);
  });
});
