import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpoint, type Checkpoint, type CheckpointIdentity } from '../../checker/checkpoint.ts';
import { bfs, NondeterminismError, parallelBfs, replayPath, SpecError, type CheckResult, type ModelRecipe } from '../../checker/index.ts';
import { planTransfers } from '../../checker/parallel/balance.ts';
import { specRecipe } from '../../api/spec-recipe.ts';
import dieHard from '../../protocols/die-hard.ts';
import twoPhaseCommit from '../../protocols/two-phase-commit.ts';
import twoPhase from '../../protocols/two-phase.ts';
import type { Model } from '../../specs/index.ts';
import asyncRegister from '../fixtures/specs/async-register.ts';
import { graphArb, graphModel, reference } from '../fixtures/specs/graph.ts';

const url = (file: string) => new URL(file, import.meta.url).href;
const TWO_PHASE = url('../../protocols/two-phase.ts');
const FIXTURES = '../fixtures/specs/';

function counts(r: CheckResult<unknown, unknown>) {
  return { verdict: r.verdict, distinct: r.stats.distinctStates, generated: r.stats.generatedStates, depth: r.stats.depth, incomplete: r.incomplete };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the search to fail');
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe.concurrent('parallelBfs: TLC counts as bfs()', () => {
  it('TwoPhase rm=3 on 2 workers: 288 distinct, 1146 generated, depth 11', async () => {
    const r = await parallelBfs(twoPhase({ rm: 3 }), { moduleUrl: TWO_PHASE, args: { rm: 3 } }, { workers: 2 });
    expect(counts(r)).toEqual({ verdict: 'pass', distinct: 288, generated: 1146, depth: 11, incomplete: undefined });
    expect(r.strategy).toBe('bfs');
    expect(r.violations).toEqual([]);
  });

  it('TwoPhase rm=5 on 2 workers, from a tiny visited set that grows while both add: 8832 / 58146 / 17', async () => {
    const r = await parallelBfs(twoPhase({ rm: 5 }), { moduleUrl: TWO_PHASE, args: { rm: 5 } }, { workers: 2, initialCapacity: 64 });
    expect(counts(r)).toEqual({ verdict: 'pass', distinct: 8832, generated: 58146, depth: 17, incomplete: undefined });
  });

  it('TwoPhase rm=3 on 1 and on 3 workers: the same counts', async () => {
    for (const workers of [1, 3]) {
      const r = await parallelBfs(twoPhase({ rm: 3 }), { moduleUrl: TWO_PHASE, args: { rm: 3 } }, { workers });
      expect(counts(r)).toEqual({ verdict: 'pass', distinct: 288, generated: 1146, depth: 11, incomplete: undefined });
    }
  });

  it('an actor protocol (async-register fixture under --max-drops 1, as `check` builds it): the counts of bfs()', async () => {
    const params = { consistency: 'sequential' };
    const model = asyncRegister(params).configure({ environment: { maxDrops: 1 } }) as unknown as Model<unknown, unknown>;
    const r = await parallelBfs(model, specRecipe('test/fixtures/specs/async-register.ts', params, { maxDrops: 1 }), { workers: 2 });
    expect(counts(r)).toEqual(counts(bfs(model)));
    expect(counts(r)).toEqual({ verdict: 'pass', distinct: 68, generated: 124, depth: 7, incomplete: undefined });
  });

  it('two-phase commit under --max-drops 1 (and whatever symmetry it declares): the counts of bfs()', async () => {
    const model = twoPhaseCommit({}).configure({ environment: { maxDrops: 1 } }) as unknown as Model<unknown, unknown>;
    const r = await parallelBfs(model, specRecipe('protocols/two-phase-commit.ts', {}, { maxDrops: 1 }), { workers: 2 });
    expect(counts(r)).toEqual(counts(bfs(model)));
  });

  it('random graphs with several initial states: reachable set, TLC counts and depth of the reference BFS', async () => {
    const graphs = fc.sample(graphArb, { seed: 6, numRuns: 4 }).map((g) => ({ ...g, bad: [] }));
    for (const g of graphs) {
      const ref = reference(g);
      const r = await parallelBfs(graphModel(g), { moduleUrl: url(`${FIXTURES}graph.ts`), exportName: 'graphModel', args: g }, { workers: 3 });
      expect(counts(r)).toEqual({ verdict: 'pass', distinct: ref.reachable.length, generated: ref.generated, depth: ref.maxDist + 1, incomplete: undefined });
    }
  });
});

describe.concurrent('parallelBfs: violations are shortest and replay', () => {
  it('TwoPhase commit-early: TCConsistent fails after 3 steps, as single-threaded, and the trace replays', async () => {
    const params = { rm: 3, variant: 'commit-early' };
    const model = twoPhase(params);
    const r = await parallelBfs(model, { moduleUrl: TWO_PHASE, args: params }, { workers: 2 });
    const single = bfs(model);
    expect(r.verdict).toBe('violation');
    expect(r.violations).toHaveLength(1);
    const v = r.violations[0];
    expect(v.property).toBe('TCConsistent');
    expect(v.path.actions).toHaveLength(3);
    expect(v.path.actions.length).toBe(single.violations[0].path.actions.length);
    expect(r.stats.depth).toBe(4);
    const replayed = replayPath(model, v.path.initIndex, v.path.actionIndices);
    expect(replayed.states).toEqual(v.path.states);
    expect(model.invariants!.TCConsistent(replayed.states[3])).toBe(false);
  });

  it('an actor protocol: a linearizability violation in 5 steps, as bfs()', async () => {
    const model = asyncRegister({}).configure({ environment: { maxDrops: 1 } }) as unknown as Model<unknown, unknown>;
    const r = await parallelBfs(model, specRecipe('test/fixtures/specs/async-register.ts', {}, { maxDrops: 1 }), { workers: 2 });
    expect(r.verdict).toBe('violation');
    expect(r.violations[0].property).toBe('Linearizable');
    expect(r.violations[0].path.actions).toHaveLength(5);
    expect(bfs(model).violations[0].path.actions).toHaveLength(5);
  });

  it('DieHard: the 6-step solution bfs() finds', async () => {
    const r = await parallelBfs(dieHard(), { moduleUrl: url('../../protocols/die-hard.ts') }, { workers: 2 });
    expect(r.verdict).toBe('violation');
    expect(r.violations[0].property).toBe('NotFour');
    expect(r.violations[0].path.actions).toEqual(bfs(dieHard()).violations[0].path.actions);
    expect(r.violations[0].path.actions).toEqual(['FillBig', 'BigToSmall', 'EmptySmall', 'BigToSmall', 'FillBig', 'BigToSmall']);
  });

  it('random graphs with bad nodes: a violation exactly when bfs() finds one, at the same distance', async () => {
    const graphs = fc.sample(graphArb, { seed: 7, numRuns: 4 });
    for (const g of graphs) {
      const ref = reference(g);
      const r = await parallelBfs(graphModel(g), { moduleUrl: url(`${FIXTURES}graph.ts`), exportName: 'graphModel', args: g }, { workers: 2 });
      expect(r.verdict).toBe(ref.badDist === undefined ? 'pass' : 'violation');
      if (ref.badDist !== undefined) expect(r.violations[0].path.actions).toHaveLength(ref.badDist);
    }
  });
});

describe.concurrent('parallelBfs: bounds', () => {
  it('--max-depth: the counts, depth and incomplete reason of bfs()', async () => {
    const model = twoPhase({ rm: 3 });
    for (const maxDepth of [0, 4, 11]) {
      const r = await parallelBfs(model, { moduleUrl: TWO_PHASE, args: { rm: 3 } }, { workers: 2, maxDepth });
      expect(counts(r)).toEqual(counts(bfs(model, { maxDepth })));
    }
  });

  it('--max-states: incomplete, with at least the bound and at most workers - 1 more', async () => {
    const r = await parallelBfs(twoPhase({ rm: 5 }), { moduleUrl: TWO_PHASE, args: { rm: 5 } }, { workers: 2, maxStates: 1000 });
    expect(r.verdict).toBe('incomplete');
    expect(r.incomplete).toBe('max-states');
    expect(r.stats.distinctStates).toBeGreaterThanOrEqual(1000);
    expect(r.stats.distinctStates).toBeLessThanOrEqual(1001);
  });

  it('--timeout: incomplete, timeout', async () => {
    const r = await parallelBfs(twoPhase({ rm: 7 }), { moduleUrl: TWO_PHASE, args: { rm: 7 } }, { workers: 2, timeoutSeconds: 0.05 });
    expect(r.verdict).toBe('incomplete');
    expect(r.incomplete).toBe('timeout');
    expect(r.stats.distinctStates).toBeLessThan(296_448);
  });

  it('progress reports while it runs', async () => {
    const reports: number[] = [];
    const r = await parallelBfs(twoPhase({ rm: 6 }), { moduleUrl: TWO_PHASE, args: { rm: 6 } }, { workers: 2, onProgress: (p) => reports.push(p.distinctStates), progressEverySeconds: 0.05 });
    expect(r.stats.distinctStates).toBe(50_816);
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.every((n) => n >= 0 && n <= 50_816)).toBe(true);
  });
});

describe.concurrent('parallelBfs: spec errors surface as from bfs()', () => {
  async function both(file: string): Promise<[unknown, unknown]> {
    const model = (await import(`${FIXTURES}${file}`)).default as Model<unknown, unknown>;
    const recipe: ModelRecipe = { moduleUrl: url(`${FIXTURES}${file}`) };
    return [thrown(() => bfs(model)), await rejection(parallelBfs(model, recipe, { workers: 2 }))];
  }

  it('next() throws: the same SpecError, action and path', async () => {
    const [single, parallel] = await both('throws-in-next.ts');
    expect(parallel).toBeInstanceOf(SpecError);
    const s = single as SpecError;
    const p = parallel as SpecError;
    expect([p.message, p.phase, p.actionLabel, p.path?.actionIndices, p.path?.states]).toEqual([s.message, s.phase, s.actionLabel, s.path?.actionIndices, s.path?.states]);
    expect(p.message).toBe('counter overflow at n=2');
  });

  it('an invariant throws: the same SpecError, property and path', async () => {
    const [single, parallel] = await both('throws-in-invariant.ts');
    expect(parallel).toBeInstanceOf(SpecError);
    const s = single as SpecError;
    const p = parallel as SpecError;
    expect([p.message, p.phase, p.property, p.path?.states.at(-1)]).toEqual([s.message, s.phase, s.property, s.path?.states.at(-1)]);
    expect(p.path?.states.at(-1)).toEqual({ n: 3 });
    expect((p.original as Error).name).toBe('TypeError');
  });

  it('a nondeterministic spec: the same NondeterminismError', async () => {
    const [single, parallel] = await both('nondeterministic.ts');
    expect(parallel).toBeInstanceOf(NondeterminismError);
    expect((parallel as NondeterminismError).message).toBe((single as NondeterminismError).message);
    expect((parallel as NondeterminismError).step).toBe(1);
  });

  it('an actor handler throws (async-register under --max-dups 1): the same SpecError and path', async () => {
    const model = asyncRegister({}).configure({ environment: { maxDups: 1 } }) as unknown as Model<unknown, unknown>;
    const s = thrown(() => bfs(model)) as SpecError;
    const p = (await rejection(parallelBfs(model, specRecipe('test/fixtures/specs/async-register.ts', {}, { maxDups: 1 }), { workers: 2 }))) as SpecError;
    expect(p).toBeInstanceOf(SpecError);
    expect([p.message, p.phase, (p.original as Error).name, p.path?.actionIndices.length]).toEqual([s.message, s.phase, (s.original as Error).name, s.path?.actionIndices.length]);
    expect(p.message).toMatch(/writer has no operation in flight/);
  });

  it('init() throws: the same SpecError, before any worker starts', async () => {
    const model: Model<number, number> = { name: 'bad init', init: () => { throw new Error('no initial state'); }, actions: () => [], next: () => undefined };
    const e = await rejection(parallelBfs(model, { moduleUrl: 'file:///nonexistent.ts' }, { workers: 2 }));
    expect(e).toBeInstanceOf(SpecError);
    expect([(e as SpecError).phase, (e as SpecError).message]).toEqual(['init', 'no initial state']);
  });

  it('a recipe that builds another model: refused before the search', async () => {
    const e = await rejection(parallelBfs(twoPhase({ rm: 3 }), { moduleUrl: TWO_PHASE, args: { rm: 4 } }, { workers: 2 }));
    expect((e as Error).message).toMatch(/^worker \d failed: the model recipe built a different model than the main thread's: its initial state #0 differs$/);
    const named = await rejection(parallelBfs(twoPhase({ rm: 3 }), { moduleUrl: TWO_PHASE, args: { variant: 'commit-early' } }, { workers: 1 }));
    expect((named as Error).message).toBe('worker 0 failed: the model recipe built a different model than the main thread\'s: its model is named "TwoPhase/commit-early", not "TwoPhase"');
  });

  it('a recipe that builds no model: one clear error, no hang', async () => {
    const e = await rejection(parallelBfs(twoPhase({ rm: 3 }), { moduleUrl: TWO_PHASE, exportName: 'about' }, { workers: 2 }));
    expect((e as Error).message).toMatch(/^worker \d failed: .*two-phase\.ts: export "about" is neither a Model nor a function returning one$/);
  });
});

describe('parallelBfs: checkpoints', () => {
  const identity: CheckpointIdentity = { faultline: 'test', spec: 'graph', params: {}, search: { strategy: 'bfs', symmetry: false } };
  const root = mkdtempSync(path.join(tmpdir(), 'faultline-parallel-checkpoint-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('random graphs, stopped by state bounds (past the initial states: a stop among them leaves no checkpoint) and resumed on 1, 2 or 3 threads in turn: the counts and depth of one run', async () => {
    const graphs = fc.sample(graphArb, { seed: 17, numRuns: 8 }).map((g) => ({ ...g, bad: [] }));
    let n = 0;
    for (const g of graphs) {
      const ref = reference(g);
      const dir = path.join(root, `g${n++}`);
      const recipe = { moduleUrl: url(`${FIXTURES}graph.ts`), exportName: 'graphModel', args: g };
      let resume: Checkpoint<unknown> | undefined;
      let r: CheckResult<unknown, unknown> | undefined;
      for (let leg = 0, bound = g.inits.length + 1; ; leg++, bound += 2) {
        const workers = [2, 1, 3][leg % 3];
        const options = { maxStates: bound, checkpoint: { dir, identity, everySeconds: leg % 2 === 0 ? 0.0001 : 300, ...(resume ? { resume } : {}) } };
        r = workers === 1 ? bfs(graphModel(g), options) : await parallelBfs(graphModel(g), recipe, { ...options, workers });
        if (r.verdict !== 'incomplete') break;
        resume = readCheckpoint(dir);
        expect(resume.progress.distinctStates).toBe(r.stats.distinctStates);
      }
      expect(counts(r)).toEqual({ verdict: 'pass', distinct: ref.reachable.length, generated: ref.generated, depth: ref.maxDist + 1, incomplete: undefined });
    }
  });

  it('--max-depth: a run stopped and resumed on workers keeps the depth bound and its incomplete reason', async () => {
    const model = twoPhase({ rm: 3 });
    const recipe = { moduleUrl: TWO_PHASE, args: { rm: 3 } };
    const dir = path.join(root, 'depth');
    const checkpoint = { dir, identity: { ...identity, search: { strategy: 'bfs' as const, symmetry: false, maxDepth: 6 } } };
    const first = await parallelBfs(model, recipe, { workers: 2, maxDepth: 6, maxStates: 40, checkpoint });
    expect(first.incomplete).toBe('max-states');
    const rest = await parallelBfs(model, recipe, { workers: 2, maxDepth: 6, checkpoint: { ...checkpoint, resume: readCheckpoint(dir) } });
    expect(counts(rest)).toEqual(counts(bfs(model, { maxDepth: 6 })));
  });
});

describe('planTransfers: evening out the next level', () => {
  const after = (sizes: number[], moves: ReturnType<typeof planTransfers>) => {
    const out = sizes.slice();
    for (const m of moves) {
      out[m.from] -= m.count;
      out[m.to] += m.count;
    }
    return out;
  };

  it('moves half of a lone frontier to the idle worker', () => {
    expect(planTransfers([15, 0])).toEqual([{ from: 0, to: 1, count: 7 }]);
  });

  it('leaves frontiers within the tolerance alone', () => {
    expect(planTransfers([1000, 990])).toEqual([]);
    expect(planTransfers([1, 0])).toEqual([]);
    expect(planTransfers([0, 0, 0])).toEqual([]);
  });

  it('ends within one state of even, moving each state at most once', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(5000), { minLength: 1, maxLength: 8 }), (sizes) => {
        const moves = planTransfers(sizes, 0);
        const out = after(sizes, moves);
        expect(Math.max(...out) - Math.min(...out)).toBeLessThanOrEqual(1);
        expect(out.reduce((a, b) => a + b, 0)).toBe(sizes.reduce((a, b) => a + b, 0));
        for (const m of moves) expect(m.count).toBeGreaterThan(0);
        const moved = moves.reduce((n, m) => n + m.count, 0);
        const surplus = sizes.reduce((n, s) => n + Math.max(0, s - Math.ceil(sizes.reduce((a, b) => a + b, 0) / sizes.length)), 0);
        expect(moved).toBeLessThanOrEqual(surplus + sizes.length);
      }),
    );
  });
});
