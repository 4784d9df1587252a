import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bfs, checker, dfs, NondeterminismError, SpecError } from '../../checker/index.ts';
import { defineModel } from '../../specs/index.ts';
import { chainModel, graphArb, graphModel, reference, type Graph } from '../fixtures/specs/graph.ts';

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('dfs on random graphs', () => {
  it('reaches the same state set and generated count as BFS and the reference when nothing is bad', () => {
    fc.assert(
      fc.property(graphArb, (graph) => {
        const g = { ...graph, bad: [] };
        const ref = reference(g);
        const checked: number[] = [];
        const r = dfs(graphModel(g, checked));
        const b = bfs(graphModel(g));
        expect(r.verdict).toBe('pass');
        expect(r.strategy).toBe('dfs');
        expect([...checked].sort((x, y) => x - y)).toEqual(ref.reachable);
        expect(r.stats.distinctStates).toBe(ref.reachable.length);
        expect(r.stats.generatedStates).toBe(ref.generated);
        expect(r.stats.distinctStates).toBe(b.stats.distinctStates);
        expect(r.stats.generatedStates).toBe(b.stats.generatedStates);
        // The deepest stack is at least the longest shortest path, at most every state.
        expect(r.stats.depth).toBeGreaterThanOrEqual(1 + ref.maxDist);
        expect(r.stats.depth).toBeLessThanOrEqual(ref.reachable.length);
      }),
      { numRuns: 500 },
    );
  });

  it('reports a violation iff a bad node is reachable, along a real path no shorter than the shortest', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const ref = reference(g);
        const r = dfs(graphModel(g));
        if (ref.badDist === undefined) {
          expect(r.verdict).toBe('pass');
          return;
        }
        expect(r.verdict).toBe('violation');
        expect(r.violations[0].property).toBe('NotBad');
        const path = r.violations[0].path;
        expect(path.actions.length).toBeGreaterThanOrEqual(ref.badDist);
        expect(path.states[0].node).toBe(g.inits[path.initIndex]);
        path.actions.forEach((e, i) => expect(g.edges[e]).toEqual([path.states[i].node, path.states[i + 1].node]));
        expect(g.bad).toContain(path.states[path.states.length - 1].node);
      }),
      { numRuns: 500 },
    );
  });
});

describe('dfs bounds and edge cases', () => {
  it('explores a 100,000-state chain without overflowing the stack', () => {
    const r = dfs(chainModel(100_000));
    expect(r.verdict).toBe('pass');
    expect(r.stats).toMatchObject({ distinctStates: 100_000, generatedStates: 100_000, depth: 100_000 });
  });

  it('rebuilds a 99,999-step counterexample at the end of a 100,000-state chain', () => {
    const r = dfs(chainModel(100_000, { invariants: { NotLast: (s) => s.node !== 99_999 } }));
    expect(r.verdict).toBe('violation');
    expect(r.violations[0].path.actions).toHaveLength(99_999);
    expect(r.violations[0].path.states[99_999]).toEqual({ node: 99_999 });
  });

  it('counts and checks a state outside the constraint but does not expand it', () => {
    const checked: number[] = [];
    const r = dfs(chainModel(6, { constraint: (s) => s.node < 2, invariants: { Any: (s) => (checked.push(s.node), true) } }));
    expect(r.verdict).toBe('pass');
    expect(r.stats).toMatchObject({ distinctStates: 3, generatedStates: 3, depth: 3 });
    expect(checked).toEqual([0, 1, 2]);
  });

  it('maxDepth N explores paths of at most N steps, as BFS does', () => {
    const r = checker(chainModel(10)).maxDepth(3).dfs();
    expect(r.verdict).toBe('incomplete');
    expect(r.incomplete).toBe('max-depth');
    expect(r.stats).toMatchObject({ distinctStates: 4, generatedStates: 4, depth: 4 });
  });

  it('does not report a violation beyond maxDepth', () => {
    const r = checker(chainModel(10, { invariants: { Not3: (s) => s.node !== 3 } }))
      .maxDepth(2)
      .dfs();
    expect(r.verdict).toBe('incomplete');
    expect(r.violations).toEqual([]);
  });

  it('maxDepth that cuts states → incomplete (max-depth)', () => {
    const r = checker(chainModel(10)).maxDepth(3).dfs();
    expect(r.verdict).toBe('incomplete');
    expect(r.incomplete).toBe('max-depth');
  });

  it('maxDepth that cuts nothing → pass', () => {
    const r = checker(chainModel(4)).maxDepth(3).dfs();
    expect(r.verdict).toBe('pass');
    expect(r.stats).toMatchObject({ distinctStates: 4, generatedStates: 4, depth: 4 });
    const cycle: Graph = { nodes: 3, edges: [[0, 1], [1, 2], [2, 0]], inits: [0], bad: [] };
    const c = checker(graphModel(cycle)).maxDepth(2).dfs();
    expect(c.verdict).toBe('pass');
    expect(c.stats).toMatchObject({ distinctStates: 3, depth: 3 });
  });

  it('maxDepth that cuts nothing on a cycle: same generated count as BFS', () => {
    const cycle: Graph = { nodes: 3, edges: [[0, 1], [1, 2], [2, 0]], inits: [0], bad: [] };
    expect(checker(graphModel(cycle)).maxDepth(2).bfs().stats.generatedStates).toBe(3);
    expect(checker(graphModel(cycle)).maxDepth(2).dfs().stats.generatedStates).toBe(3);
  });

  it('maxStates → incomplete (max-states) with exactly that many distinct states', () => {
    const r = checker(chainModel(100)).maxStates(10).dfs();
    expect(r.verdict).toBe('incomplete');
    expect(r.incomplete).toBe('max-states');
    expect(r.stats).toMatchObject({ distinctStates: 10, generatedStates: 10 });
    expect(checker(chainModel(100)).maxStates(1000).dfs().verdict).toBe('pass');
  });

  it('timeout → incomplete (timeout)', () => {
    const r = checker(chainModel(20_000)).timeout(0).dfs();
    expect(r.verdict).toBe('incomplete');
    expect(r.incomplete).toBe('timeout');
    expect(r.stats.distinctStates).toBeLessThan(20_000);
  });

  it('actions whose next returns undefined generate nothing', () => {
    const m = defineModel<{ n: number }, 'inc' | 'noop' | 'stay'>({
      name: 'partial',
      init: () => [{ n: 0 }],
      actions: (s) => (s.n < 3 ? ['inc', 'noop', 'stay'] : ['noop']),
      next: (s, a) => (a === 'inc' ? { n: s.n + 1 } : a === 'stay' ? s : undefined),
    });
    expect(dfs(m).stats).toMatchObject({ distinctStates: 4, generatedStates: 7, depth: 4 });
  });

  it('an invariant violated in an initial state → length 0', () => {
    const r = dfs(chainModel(5, { invariants: { Positive: (s) => s.node > 0 } }));
    expect(r.verdict).toBe('violation');
    expect(r.violations[0].path).toEqual({ initIndex: 0, states: [{ node: 0 }], actions: [], actionIndices: [] });
    expect(r.stats).toMatchObject({ distinctStates: 1, generatedStates: 1, depth: 1 });
  });

  it('keeps the deepest stack when a later initial state is bad', () => {
    const m = defineModel<{ node: number }, string>({
      name: 'two-inits',
      init: () => [{ node: 0 }, { node: 9 }],
      actions: (s) => (s.node < 3 ? ['inc'] : []),
      next: (s) => ({ node: s.node + 1 }),
      invariants: { Not9: (s) => s.node !== 9 },
    });
    const r = dfs(m);
    expect(r.violations[0].path.initIndex).toBe(1);
    expect(r.stats).toMatchObject({ distinctStates: 5, generatedStates: 5, depth: 4 });
  });

  it('a spec that throws in next → SpecError with phase, action label and path', () => {
    const m = chainModel(10, {
      next: (s) => {
        if (s.node === 3) throw new Error('boom at 3');
        return { node: s.node + 1 };
      },
    });
    const e = thrown(() => dfs(m)) as SpecError;
    expect(e).toBeInstanceOf(SpecError);
    expect(e.phase).toBe('next');
    expect(e.actionLabel).toBe('inc');
    expect(e.message).toBe('boom at 3');
    expect(e.path?.states).toEqual([{ node: 0 }, { node: 1 }, { node: 2 }, { node: 3 }]);
    expect(e.path?.actions).toEqual(['inc', 'inc', 'inc']);
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
    const e = thrown(() => dfs(m)) as NondeterminismError;
    expect(e).toBeInstanceOf(NondeterminismError);
    expect(e.step).toBe(1);
    expect(e.message).toBe(
      'replaying step 1 produced a different state than the search saw: the spec is nondeterministic (Date.now, Math.random, or mutable state shared between calls?)',
    );
  });
});
