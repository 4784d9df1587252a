import { describe, expect, it } from 'vitest';
import { buildGraph, exploreValency, showValency, valencies, type ConsensusSpec } from '../../checker/index.ts';
import { defineModel, describeAction, type Model } from '../../specs/index.ts';

type Bit = 0 | 1;
type Decisions = Record<string, Bit | null>;
/** Each node's decision, and (optionally) the inputs of the initial configuration. */
type State = { d: Decisions; in?: Record<string, Bit> };
type Step = [node: string, value: Bit];

/** A kernel consensus model: each step decides `value` at `node`; `rule` says which steps are enabled. */
function consensusModel(nodes: string[], rule: (d: Decisions, inputs: Record<string, Bit>) => Step[], inputs?: Record<string, Bit>[]) {
  const model = defineModel<State, Step>({
    name: 'hand-built consensus',
    init: () => (inputs ?? [undefined]).map((i) => ({ d: Object.fromEntries(nodes.map((n) => [n, null])), ...(i ? { in: i } : {}) })),
    actions: (s) => rule(s.d, s.in ?? {}),
    next: (s, [node, value]) => ({ ...s, d: { ...s.d, [node]: value } }),
    describe: ([node, value]) => `${node} decides ${value}`,
  });
  const spec: ConsensusSpec<State, Step> = {
    nodes,
    decision: (s, n) => s.d[n] ?? undefined,
    ...(inputs ? { input: (s: State, n: string) => s.in?.[n] } : {}),
    crashed: () => false,
    actor: ([node]) => node,
    timed: false,
  };
  return { model, spec };
}

const labels = (m: Model<any, Step>, actions: Step[]) => actions.map((a) => describeAction(m, a));

describe('valencies (reverse reachability of decision values)', () => {
  it('a state can reach the values decided below it; decided states keep theirs', () => {
    const { model } = consensusModel(['a'], (s) => (s.a === null ? [['a', 0], ['a', 1]] : []));
    const g = buildGraph(model);
    const decided = Uint32Array.from({ length: g.size }, (_, id) => {
      const a = g.state(id).d.a;
      return a === null ? 0 : 1 << a;
    });
    const v = valencies(g, decided, () => true);
    expect(Array.from(v).map((x) => showValency(x, [0, 1]))).toEqual(['{0,1}', '{0}', '{1}']);
    // Without the edges, only what is decided in place.
    expect(Array.from(valencies(g, decided, () => false))).toEqual([0, 1, 2]);
  });
});

describe('exploreValency on hand-built consensus models', () => {
  it('leader/follower: the initial configuration is critical; crash the leader and the follower waits, bivalent forever', () => {
    // The leader decides 0 or 1; the follower then copies it.
    const { model, spec } = consensusModel(['leader', 'follower'], (s) =>
      s.leader === null ? [['leader', 0], ['leader', 1]] : s.follower === null ? [['follower', s.leader]] : [],
    );
    const r = exploreValency(model, spec);
    expect(r.stats).toMatchObject({ distinctStates: 5, edges: 4, bivalent: 1, univalent: 4, undecidable: 0 });
    expect(r.bivalentInitial).toBe(0);
    expect(r.critical!.run.path.actions).toEqual([]);
    expect(r.critical!.node).toBe('leader');
    expect(r.critical!.steps.map((s) => [s.label, showValency(s.valency, r.values)])).toEqual([
      ['leader decides 0', '{0}'],
      ['leader decides 1', '{1}'],
    ]);
    expect(r.crash).toMatchObject({ node: 'leader', at: 'critical', mode: 'silent', outcome: 'non-termination' });
    expect(r.crash!.run).toMatchObject({ crashAt: 0, loop: { start: 0 }, reason: 'quiescent' });
    expect(r.nonTermination).toBeUndefined(); // without a crash every run decides
    expect(r.verdict).toBe('violates termination: bivalent forever with 1 crash');
  });

  it('independent deciders: disagreement, the shortest run to it', () => {
    const { model, spec } = consensusModel(['a', 'b'], (s) => [
      ...(s.a === null ? ([['a', 0], ['a', 1]] as Step[]) : []),
      ...(s.b === null ? ([['b', 0], ['b', 1]] as Step[]) : []),
    ]);
    const r = exploreValency(model, spec);
    expect(r.verdict).toBe('violates agreement');
    expect(labels(model, r.disagreement!.path.actions)).toEqual(['a decides 0', 'b decides 1']);
    expect(r.disagreement!.valency.map((v) => showValency(v, r.values))).toEqual(['{0,1}', '{0,1}', '{0,1}']);
    expect(r.noCritical).toBe('every bivalent configuration has a bivalent step: bivalence lasts until both values are decided');
  });

  it('a constant decision: no bivalent initial configuration, and it says why', () => {
    const { model, spec } = consensusModel(['a'], (s) => (s.a === null ? [['a', 0]] : []));
    const r = exploreValency(model, spec);
    expect(r.bivalentInitial).toBeUndefined();
    expect(r.noBivalentInitial).toContain('every initial configuration is {0}-valent');
    expect(r.verdict).toMatch(/^terminates and agrees — every initial configuration is \{0\}-valent/);
  });

  it("inputs in the initial configurations, decision = a's input: Lemma 2's adjacent pair, and a's crash blocks b", () => {
    // a decides its input; b copies a's decision.
    const inputs: Record<string, Bit>[] = [{ a: 0, b: 0 }, { a: 1, b: 0 }];
    const { model, spec } = consensusModel(
      ['a', 'b'],
      (s, own) => (s.a === null ? [['a', own.a]] : s.b === null ? [['b', s.a]] : []),
      inputs,
    );
    const r = exploreValency(model, spec);
    expect(r.initial.map((c) => [c.inputs, showValency(c.valency, r.values)])).toEqual([
      [{ a: 0, b: 0 }, '{0}'],
      [{ a: 1, b: 0 }, '{1}'],
    ]);
    expect(r.adjacent).toEqual({ a: 0, b: 1, node: 'a' });
    expect(r.crash).toMatchObject({ node: 'a', at: 'start', outcome: 'non-termination' });
    expect(r.verdict).toBe('violates termination: undecided forever with 1 crash');
  });
});
