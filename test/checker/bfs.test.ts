import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bfs, checker, dfs, NondeterminismError, SpecError, type CheckResult } from '../../checker/index.ts';
import { defineModel } from '../../specs/index.ts';
import { chainModel, graphArb, graphModel, reference, type Graph, type GraphState } from '../fixtures/specs/graph.ts';

/** Asserts that a violation's path is a real path of the graph ending in a bad node. */
function expectValidPath(g: Graph, result: CheckResult<GraphState, number>): void {
  const path = result.violations[0].path;
  expect(path.states[0].node).toBe(g.inits[path.initIndex]);
  expect(path.states.length).toBe(path.actions.length + 1);
  path.actions.forEach((e, i) => {
    const from = path.states[i].node;
    expect(g.edges[e]).toEqual([from, path.states[i + 1].node]);
    const enabled = g.edges.flatMap(([f], j) => (f === from ? [j] : []));
    expect(enabled[path.actionIndices[i]]).toBe(e);
  });
  expect(g.bad).toContain(path.states[path.states.length - 1].node);
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('bfs on random graphs', () => {
  it('finds exactly the reachable set, TLC counts and depth, when nothing is bad', () => {
    fc.assert(
      fc.property(graphArb, (graph) => {
        const g = { ...graph, bad: [] };
        const ref = reference(g);
        const checked: number[] = [];
        const r = bfs(graphModel(g, checked));
        expect(r.verdict).toBe('pass');
        expect(r.strategy).toBe('bfs');
        expect(r.violations).toEqual([]);
        expect([...checked].sort((a, b) => a - b)).toEqual(ref.reachable); // each state checked once
        expect(r.stats.distinctStates).toBe(ref.reachable.length);
        expect(r.stats.generatedStates).toBe(ref.generated);
        expect(r.stats.depth).toBe(1 + ref.maxDist);
      }),
      { numRuns: 500 },
    );
  });

  it('reports a violation iff a bad node is reachable, along a shortest path', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const ref = reference(g);
        const r = checker(graphModel(g)).bfs();
        if (ref.badDist === undefined) {
          expect(r.verdict).toBe('pass');
          expect(r.stats.distinctStates).toBe(ref.reachable.length);
          expect(r.stats.generatedStates).toBe(ref.generated);
          return;
        }
        expect(r.verdict).toBe('violation');
        expect(r.violations).toHaveLength(1);
        expect(r.violations[0].property).toBe('NotBad');
        expect(r.violations[0].kind).toBe('invariant');
        expect(r.violations[0].path.actions.length).toBe(ref.badDist);
        expect(r.stats.depth).toBe(ref.badDist + 1);
        expectValidPath(g, r);
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with the reference on a fixed graph with a cycle, a self-loop and duplicate edges', () => {
    const g: Graph = {
      nodes: 6,
      edges: [
        [0, 1],
        [1, 2],
        [2, 0],
        [2, 2],
        [1, 3],
        [1, 3],
        [4, 5],
      ],
      inits: [0],
      bad: [],
    };
    const r = bfs(graphModel(g));
    // Reachable 0,1,2,3; generated = 1 init + out-degrees 1 + 3 + 2 + 0.
    expect(r.stats).toMatchObject({ distinctStates: 4, generatedStates: 7, depth: 3 });
    expect(r.verdict).toBe('pass');
  });
});

describe('bfs bounds and edge cases', () => {
  it('counts and checks a state outside the constraint but does not expand it', () => {
    const checked: number[] = [];
    const m = chainModel(6, {
      constraint: (s) => s.node < 2,
      invariants: { Any: (s) => (checked.push(s.node), true) },
    });
    const r = bfs(m);
    expect(r.verdict).toBe('pass');
    expect(r.stats).toMatchObject({ distinctStates: 3, generatedStates: 3, depth: 3 });
    expect(checked).toEqual([0, 1, 2]);
  });

  it('reports an invariant violated in a state outside the constraint', () => {
    const r = bfs(chainModel(6, { constraint: (s) => s.node < 2, invariants: { Not2: (s) => s.node !== 2 } }));
    expect(r.verdict).toBe('violation');
    expect(r.violations[0].path.states.map((s) => s.node)).toEqual([0, 1, 2]);
  });

  it('a constraint false on the initial state stops there', () => {
    const r = bfs(chainModel(6, { constraint: () => false }));
    expect(r.verdict).toBe('pass');
    expect(r.stats).toMatchObject({ distinctStates: 1, generatedStates: 1, depth: 1 });
  });

  it('maxDepth that cuts states → incomplete (max-depth), paths of at most N steps', () => {
    const checked: number[] = [];
    const r = checker(chainModel(10, { invariants: { Any: (s) => (checked.push(s.node), true) } }))
      .maxDepth(3)
      .bfs();
    expect(r.verdict).toBe('incomplete');
    expect(r.incomplete).toBe('max-depth');
    expect(r.stats).toMatchObject({ distinctStates: 4, generatedStates: 4, depth: 4 });
    expect(checked).toEqual([0, 1, 2, 3]);
  });

  it('maxDepth 0 explores the initial states only', () => {
    const r = checker(chainModel(10)).maxDepth(0).bfs();
    expect(r.verdict).toBe('incomplete');
    expect(r.incomplete).toBe('max-depth');
    expect(r.stats).toMatchObject({ distinctStates: 1, generatedStates: 1, depth: 1 });
  });

  it('does not report a violation beyond maxDepth', () => {
    const r = checker(chainModel(10, { invariants: { Not5: (s) => s.node !== 5 } }))
      .maxDepth(4)
      .bfs();
    expect(r.verdict).toBe('incomplete');
    expect(r.violations).toEqual([]);
    const found = checker(chainModel(10, { invariants: { Not5: (s) => s.node !== 5 } }))
      .maxDepth(5)
      .bfs();
    expect(found.verdict).toBe('violation');
    expect(found.violations[0].path.actions).toHaveLength(5);
  });

  it('maxDepth that cuts nothing → pass', () => {
    const chain = checker(chainModel(4)).maxDepth(3).bfs();
    expect(chain.verdict).toBe('pass');
    expect(chain.stats).toMatchObject({ distinctStates: 4, generatedStates: 4, depth: 4 });
    // A cycle 0 → 1 → 2 → 0: at depth 2 the only successor (0) is already visited.
    const cycle: Graph = { nodes: 3, edges: [[0, 1], [1, 2], [2, 0]], inits: [0], bad: [] };
    const r = checker(graphModel(cycle)).maxDepth(2).bfs();
    expect(r.verdict).toBe('pass');
    expect(r.stats).toMatchObject({ distinctStates: 3, generatedStates: 3, depth: 3 });
    expect(checker(graphModel(cycle)).maxDepth(1).bfs().verdict).toBe('incomplete');
  });

  it('maxStates → incomplete (max-states) with exactly that many distinct states', () => {
    const r = checker(chainModel(100)).maxStates(10).bfs();
    expect(r.verdict).toBe('incomplete');
    expect(r.incomplete).toBe('max-states');
    expect(r.stats).toMatchObject({ distinctStates: 10, generatedStates: 10, depth: 10 });
    const roomy = checker(chainModel(100)).maxStates(1000).bfs();
    expect(roomy.verdict).toBe('pass');
    expect(roomy.stats.distinctStates).toBe(100);
  });

  it('timeout → incomplete (timeout)', () => {
    const r = checker(chainModel(20_000)).timeout(0).bfs();
    expect(r.verdict).toBe('incomplete');
    expect(r.incomplete).toBe('timeout');
    expect(r.stats.distinctStates).toBeGreaterThan(0);
    expect(r.stats.distinctStates).toBeLessThan(20_000);
  });

  it('reports progress while running', () => {
    const seen: number[] = [];
    const r = checker(chainModel(5000))
      .progress((p) => seen.push(p.distinctStates), 0)
      .bfs();
    expect(r.verdict).toBe('pass');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((n) => n > 0 && n <= 5000)).toBe(true);
  });

  it('actions whose next returns undefined generate nothing', () => {
    const m = defineModel<{ n: number }, 'inc' | 'noop' | 'stay'>({
      name: 'partial',
      init: () => [{ n: 0 }],
      actions: (s) => (s.n < 3 ? ['inc', 'noop', 'stay'] : ['noop']),
      next: (s, a) => (a === 'inc' ? { n: s.n + 1 } : a === 'stay' ? s : undefined),
    });
    const r = bfs(m);
    expect(r.verdict).toBe('pass');
    // 1 initial + (inc, stay) from n = 0, 1, 2; nothing from n = 3.
    expect(r.stats).toMatchObject({ distinctStates: 4, generatedStates: 7, depth: 4 });
    const stuck = bfs(defineModel({ name: 'stuck', init: () => [{}], actions: () => ['a', 'b'], next: () => undefined }));
    expect(stuck.stats).toMatchObject({ distinctStates: 1, generatedStates: 1, depth: 1 });
  });

  it('an invariant violated in an initial state → length 0', () => {
    const r = bfs(chainModel(5, { invariants: { Positive: (s) => s.node > 0 } }));
    expect(r.verdict).toBe('violation');
    expect(r.violations[0].property).toBe('Positive');
    expect(r.violations[0].path).toEqual({ initIndex: 0, states: [{ node: 0 }], actions: [], actionIndices: [] });
    expect(r.stats).toMatchObject({ distinctStates: 1, generatedStates: 1, depth: 1 });
  });

  it('names the initial state by its index when a later one is bad', () => {
    const m = defineModel<{ node: number }, string>({
      name: 'inits',
      init: () => [{ node: 0 }, { node: 7 }],
      actions: () => [],
      next: () => undefined,
      invariants: { Not7: (s) => s.node !== 7 },
    });
    const r = bfs(m);
    expect(r.violations[0].path).toEqual({ initIndex: 1, states: [{ node: 7 }], actions: [], actionIndices: [] });
  });

  it('counts duplicate successors as generated but not distinct', () => {
    const m = defineModel<{ n: number }, number>({
      name: 'dups',
      init: () => [{ n: 0 }, { n: 0 }],
      actions: () => [0, 1, 2],
      next: (s, a) => ({ n: Math.min(2, s.n + (a === 2 ? 1 : 0)) }),
    });
    const r = bfs(m);
    // init: 2 generated, 1 distinct; every one of 3 states generates 3.
    expect(r.stats).toMatchObject({ distinctStates: 3, generatedStates: 11, depth: 3 });
  });

  it('explores a 100,000-state chain', () => {
    const r = bfs(chainModel(100_000));
    expect(r.verdict).toBe('pass');
    expect(r.stats).toMatchObject({ distinctStates: 100_000, generatedStates: 100_000, depth: 100_000 });
  });

  it('a spec that throws in next → SpecError with phase, action label and path', () => {
    const m = chainModel(10, {
      next: (s) => {
        if (s.node === 3) throw new Error('boom at 3');
        return { node: s.node + 1 };
      },
      describe: (a) => `step:${a}`,
    });
    const e = thrown(() => bfs(m));
    expect(e).toBeInstanceOf(SpecError);
    const err = e as SpecError;
    expect(err.phase).toBe('next');
    expect(err.message).toBe('boom at 3');
    expect(err.actionLabel).toBe('step:inc');
    expect((err.original as Error).message).toBe('boom at 3');
    expect(err.path?.states).toEqual([{ node: 0 }, { node: 1 }, { node: 2 }, { node: 3 }]);
    expect(err.path?.actions).toEqual(['inc', 'inc', 'inc']);
    expect(err.path?.actionIndices).toEqual([0, 0, 0]);
  });

  it('a spec that writes to the state it is given → SpecError saying so, not a silently short search', () => {
    // Sampled states (one in 64, the initial one first) are checked after actions() and each next().
    type S = { n: number; seen: number[] };
    const base = { name: 'writes', init: () => [{ n: 0, seen: [] as number[] }], actions: () => ['inc'], describe: (a: string) => a };
    const inNext = defineModel<S, string>({ ...base, next: (s) => { s.seen.push(s.n); return { n: Math.min(s.n + 1, 5), seen: s.seen }; } });
    const e = thrown(() => bfs(inNext)) as SpecError;
    expect(e).toBeInstanceOf(SpecError);
    expect(e.phase).toBe('next');
    expect(e.message).toBe('next() changed the state it was given (states are immutable: return a new state, copying what changes)');
    expect(e.actionLabel).toBe('inc');
    expect(e.path?.states).toEqual([{ n: 0, seen: [] }]);
    const inActions = defineModel<S, string>({ ...base, actions: (s) => { s.seen.length = 0; s.seen.push(1); return ['inc']; }, next: (s) => ({ n: Math.min(s.n + 1, 5), seen: [...s.seen] }) });
    expect((thrown(() => bfs(inActions)) as SpecError).phase).toBe('actions');
  });

  it('a spec that throws in init, actions or an invariant → SpecError naming the phase', () => {
    const initErr = thrown(() => bfs(chainModel(3, { init: () => { throw new Error('no init'); } }))) as SpecError;
    expect(initErr).toBeInstanceOf(SpecError);
    expect(initErr.phase).toBe('init');
    expect(initErr.message).toBe('no init');

    const actionsErr = thrown(() =>
      bfs(chainModel(5, { actions: (s) => { if (s.node === 2) throw new Error('bad actions'); return ['inc']; } })),
    ) as SpecError;
    expect(actionsErr.phase).toBe('actions');
    expect(actionsErr.path?.states).toEqual([{ node: 0 }, { node: 1 }, { node: 2 }]);

    const invErr = thrown(() =>
      bfs(chainModel(5, { invariants: { Picky: (s) => { if (s.node === 1) throw 'not an Error'; return true; } } })),
    ) as SpecError;
    expect(invErr.phase).toBe('invariant');
    expect(invErr.property).toBe('Picky');
    expect(invErr.message).toBe('not an Error');
    expect(invErr.path?.states).toEqual([{ node: 0 }, { node: 1 }]);
  });

  it('a nondeterministic spec → NondeterminismError when the path is rebuilt', () => {
    let calls = 0;
    const m = defineModel<{ n: number }, string>({
      name: 'counter',
      init: () => [{ n: 0 }],
      actions: (s) => (s.n < 10 ? ['inc'] : []),
      next: (s) => ({ n: s.n + (++calls > 3 ? 2 : 1) }),
      invariants: { Small: (s) => s.n < 5 },
    });
    const e = thrown(() => bfs(m));
    expect(e).toBeInstanceOf(NondeterminismError);
    expect((e as NondeterminismError).step).toBe(1);
    expect((e as Error).message).toMatch(/nondeterministic/);
  });

  it('nondeterministic actions() → NondeterminismError naming the action count', () => {
    let calls = 0;
    const m = defineModel<{ n: number }, string>({
      name: 'flaky-actions',
      init: () => [{ n: 0 }],
      actions: (s) => (++calls <= 2 ? (s.n < 2 ? ['inc'] : []) : []),
      next: (s) => ({ n: s.n + 1 }),
      invariants: { Below2: (s) => s.n < 2 },
    });
    const e = thrown(() => bfs(m)) as NondeterminismError;
    expect(e).toBeInstanceOf(NondeterminismError);
    expect(e.step).toBe(1);
    expect(e.message).toContain('has 0 enabled actions, the trace takes action #0');
  });
});

describe('exact mode and the collision estimate', () => {
  it('compares full states and finds what fingerprints found, with no collision', async () => {
    const { default: twoPhase } = await import('../../protocols/two-phase.ts');
    for (const [rm, distinct, generated, depth] of [
      [3, 288, 1146, 11],
      [5, 8832, 58146, 17],
    ]) {
      const fingerprinted = bfs(twoPhase({ rm }));
      const exact = bfs(twoPhase({ rm }), { exact: true });
      const dfsExact = dfs(twoPhase({ rm }), { exact: true });
      for (const r of [fingerprinted, exact]) expect(r.stats).toMatchObject({ distinctStates: distinct, generatedStates: generated, depth });
      expect(dfsExact.stats.distinctStates).toBe(distinct);
      expect(exact.stats.fingerprintCollisions).toBe(0);
      expect(fingerprinted.stats.fingerprintCollisions).toBeUndefined();
    }
  });

  it("prints TLC's optimistic probability distinct × (generated − distinct) / 2^64", async () => {
    const { default: twoPhase } = await import('../../protocols/two-phase.ts');
    expect(bfs(twoPhase({ rm: 3 })).stats.collisionProbability).toBe((288 * (1146 - 288)) / 2 ** 64);
  });

  it('finds the same shortest counterexample', async () => {
    const { default: twoPhase } = await import('../../protocols/two-phase.ts');
    const r = bfs(twoPhase({ rm: 3, variant: 'commit-early' }), { exact: true });
    expect(r.verdict).toBe('violation');
    expect(r.violations[0].path.actions).toHaveLength(3);
  });
});
