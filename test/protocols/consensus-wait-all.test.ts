import { describe, expect, it } from 'vitest';
import { bfs, checkLiveness, exploreValency, showValency } from '../../checker/index.ts';
import { describeAction } from '../../specs/index.ts';
import consensusWaitAll, { about } from '../../protocols/consensus-wait-all.ts';

/** The critical configuration: node-1 and node-2 proposed 1 and heard from each other; node-3 heard both. */
const TO_CRITICAL = [
  'timer propose @node-1 [chose 1]',
  'deliver Input(v=1) node-1→node-2',
  'deliver Input(v=1) node-1→node-3',
  'timer propose @node-2 [chose 1]',
  'deliver Input(v=1) node-2→node-1',
  'deliver Input(v=1) node-2→node-3',
];

describe('ConsensusWaitAll', () => {
  it('agrees and terminates without crashes (729 distinct, 2431 generated, depth 10)', () => {
    const m = consensusWaitAll();
    expect(m.topology.ids).toEqual(['node-1', 'node-2', 'node-3']);
    const r = bfs(m);
    expect(r.verdict).toBe('pass');
    expect(r.stats).toMatchObject({ distinctStates: 729, generatedStates: 2431, depth: 10 });
    expect(checkLiveness(m, 'Termination')).toMatchObject({ verdict: 'pass', stats: { distinctStates: 729, edges: 2430 } });
  });

  it('with one crash it still agrees, but Termination fails: a 5-step lasso that stays put', () => {
    const m = consensusWaitAll().configure({ environment: { crashes: 1 } });
    expect(bfs(m)).toMatchObject({ verdict: 'pass', stats: { distinctStates: 2916, generatedStates: 9478, depth: 11 } });
    const r = checkLiveness(m, 'Termination');
    expect(r.verdict).toBe('violation');
    const v = r.violation!;
    expect(v.path.actions.map((a) => describeAction(m, a))).toEqual([
      'timer propose @node-1 [chose 0]',
      'deliver Input(v=0) node-1→node-2',
      'timer propose @node-2 [chose 0]',
      'deliver Input(v=0) node-2→node-1',
      'crash node-3',
    ]);
    expect(v).toMatchObject({ loop: { start: 5 }, reason: 'deadlock' });
  });

  it('flp: bivalent initial configuration, critical configuration after 6 steps, node-3 crashed there: bivalent forever', () => {
    const m = consensusWaitAll().configure({ environment: { crashes: 1 } });
    const r = exploreValency(m, m.consensus!);
    expect(r.stats).toMatchObject({ distinctStates: 2916, edges: 9477, bivalent: 169, univalent: 2504, undecidable: 243 });
    expect(r.initial.map((c) => showValency(c.valency, r.values))).toEqual(['{0,1}']);
    expect(r.bivalentInitial).toBe(0);
    const c = r.critical!;
    expect(c.run.path.actions.map((a) => describeAction(m, a))).toEqual(TO_CRITICAL);
    expect(c.node).toBe('node-3');
    expect(c.steps.map((s) => `${s.label} → ${showValency(s.valency, r.values)}`)).toEqual([
      'timer propose @node-3 [chose 0] → {0}',
      'timer propose @node-3 [chose 1] → {1}',
    ]);
    expect(r.crash).toMatchObject({ node: 'node-3', at: 'critical', mode: 'silent', outcome: 'non-termination' });
    // The run: the 6 steps to the critical configuration, then node-3 takes no more steps and nothing else can.
    expect(r.crash!.run.path.actions).toHaveLength(6);
    expect(r.crash!.run).toMatchObject({ crashAt: 6, loop: { start: 6 }, reason: 'quiescent' });
    expect(r.crash!.run.valency.every((v) => showValency(v, r.values) === '{0,1}')).toBe(true);
    expect(r.nonTermination).toMatchObject({ crashes: 1, loop: { start: 5 } });
    expect(r.disagreement).toBeUndefined();
    expect(r.verdict).toBe('violates termination: bivalent forever with 1 crash');
  });

  it('flp with inputs=start (FLP\'s setting): every initial configuration univalent; Lemma 2 picks node-1, whose crash blocks the rest', () => {
    const m = consensusWaitAll({ inputs: 'start' }).configure({ environment: { crashes: 1 } });
    const r = exploreValency(m, m.consensus!);
    expect(r.stats).toMatchObject({ distinctStates: 4000, edges: 12000, bivalent: 0 });
    expect(r.initial.map((c) => showValency(c.valency, r.values))).toEqual(['{0}', '{0}', '{0}', '{0}', '{0}', '{0}', '{0}', '{1}']);
    expect(r.adjacent).toEqual({ a: 3, b: 7, node: 'node-1' });
    expect(r.initial[3].inputs).toEqual({ 'node-1': 0, 'node-2': 1, 'node-3': 1 });
    expect(r.critical).toBeUndefined();
    expect(r.crash).toMatchObject({ node: 'node-1', at: 'start', outcome: 'non-termination' });
    expect(r.crash!.run).toMatchObject({ crashAt: 0, loop: { start: 4 }, reason: 'quiescent' });
    expect(r.verdict).toBe('violates termination: undecided forever with 1 crash');
  });

  it('describes itself and rejects bad params', () => {
    expect(Object.keys(about.params)).toEqual(['n', 'inputs']);
    expect(() => consensusWaitAll({ n: 9 })).toThrow('n must be 2–4');
    expect(() => consensusWaitAll({ inputs: 'later' })).toThrow('inputs must be propose or start');
  });
});

describe('reachability goals: the pass is not vacuous', () => {
  it('reaches every goal it declares, with pinned witness lengths', () => {
    const r = bfs(consensusWaitAll({}));
    expect(r.verdict).toBe('pass');
    expect(r.reached?.map((g) => [g.goal, g.path.actions.length])).toEqual([['Decided', 5]]);
    expect(r.unreached).toEqual([]);
  });
});
