import { describe, expect, it } from 'vitest';
import { bfs, checkLiveness, exploreValency, showValency } from '../../checker/index.ts';
import { describeAction } from '../../specs/index.ts';
import consensusTimeout, { about } from '../../protocols/consensus-timeout.ts';

describe('ConsensusTimeout (partial synchrony: delay ≤ 1 tick, prompt timers)', () => {
  it('agrees and terminates within the time bound, without and with one crash', () => {
    const m = consensusTimeout();
    expect(m.environment).toMatchObject({ maxTime: 9, maxDelay: 1, promptTimers: true });
    expect(bfs(m)).toMatchObject({ verdict: 'pass', stats: { distinctStates: 1425, generatedStates: 3411, depth: 19 } });
    expect(checkLiveness(m, 'Termination').verdict).toBe('pass');
    const crashing = m.configure({ environment: { crashes: 1 } });
    expect(bfs(crashing)).toMatchObject({ verdict: 'pass', stats: { distinctStates: 6440, generatedStates: 15954, depth: 23 } });
    expect(checkLiveness(crashing, 'Termination')).toMatchObject({ verdict: 'pass', stats: { distinctStates: 6440, edges: 15953 } });
  });

  it('flp: critical configuration after 2 steps (node-1, round 1\'s coordinator, about to propose); crashed, it is timed out: terminates and agrees', () => {
    const m = consensusTimeout().configure({ environment: { crashes: 1 } });
    const r = exploreValency(m, m.consensus!);
    expect(r.stats).toMatchObject({ distinctStates: 6440, edges: 15953, bivalent: 30, univalent: 6410, undecidable: 0 });
    expect(r.critical!.run.path.actions.map((a) => describeAction(m, a))).toEqual(['timer propose @node-2 [chose 0]', 'timer propose @node-3 [chose 0]']);
    expect(r.critical!.node).toBe('node-1');
    expect(r.critical!.steps.map((s) => showValency(s.valency, r.values))).toEqual(['{0}', '{1}']);
    expect(r.crash).toMatchObject({ node: 'node-1', mode: 'crash', outcome: 'decides' });
    const run = r.crash!.run.path.actions.map((a) => describeAction(m, a));
    expect(run).toHaveLength(12);
    expect(run.slice(2)).toEqual([
      'crash node-1',
      'tick → t=1',
      'tick → t=2',
      'tick → t=3',
      'tick → t=4',
      'timer timeout @node-3',
      'deliver Estimate(r=2, acc=null) node-3→node-2',
      'deliver Propose(r=2, v=0) node-2→node-3',
      'deliver Ack(r=2) node-3→node-2',
      'deliver Decide(v=0) node-2→node-3',
    ]);
    expect(r.disagreement).toBeUndefined();
    expect(r.nonTermination).toBeUndefined();
    expect(r.verdict).toBe('terminates and agrees — this protocol is not asynchronous (it uses timing: partial synchrony)');
  });

  it('variant async (unbounded delay): still agrees, but the run that never decides: every message in flight until time runs out', () => {
    const m = consensusTimeout({ variant: 'async' });
    expect(m.environment).toMatchObject({ maxTime: 5, maxDelay: Infinity });
    const safety = bfs(m);
    expect(safety).toMatchObject({ verdict: 'pass', stats: { distinctStates: 25769, generatedStates: 58319, depth: 21 } });
    const live = checkLiveness(m, 'Termination');
    expect(live.violation).toMatchObject({ reason: 'bound', loop: { start: 11 } });
    expect(live.violation!.path.actions).toHaveLength(11);
  });

  it('flp on variant async: no critical configuration; a run that never decides with no crash at all', () => {
    const m = consensusTimeout({ variant: 'async' }).configure({ environment: { crashes: 1 } });
    const r = exploreValency(m, m.consensus!);
    expect(r.stats).toMatchObject({ distinctStates: 66332, edges: 173417, bivalent: 230 });
    expect(r.critical).toBeUndefined();
    expect(r.nonTermination).toMatchObject({ crashes: 0, reason: 'bound', loop: { start: 11 } });
    expect(r.nonTermination!.path.actions).toHaveLength(11);
    expect(r.verdict).toBe('violates termination: undecided until the time bound with no crash');
  }, 30_000);

  it('describes itself and rejects bad params', () => {
    expect(Object.keys(about.variants)).toEqual(['async']);
    expect(() => consensusTimeout({ variant: 'sync' })).toThrow('unknown variant "sync" (known: async)');
    expect(() => consensusTimeout({ n: 5 })).toThrow('n must be 2–3');
  });
});

describe('reachability goals: the pass is not vacuous', () => {
  it('reaches every goal it declares, with pinned witness lengths', () => {
    const r = bfs(consensusTimeout({}));
    expect(r.verdict).toBe('pass');
    expect(r.reached?.map((g) => [g.goal, g.path.actions.length])).toEqual([['Decided', 3]]);
    expect(r.unreached).toEqual([]);
  });
});
