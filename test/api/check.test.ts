import { describe, expect, it } from 'vitest';
import { assertProperties, BadInputError, check, loadModel, PropertyCheckError, render, SpecFailure } from '../../api/index.ts';
import consensusWaitAll from '../../protocols/consensus-wait-all.ts';
import twoPhase from '../../protocols/two-phase.ts';

describe('check(): the library front door', () => {
  it('checks liveness as faultline check does (checker(model).bfs() alone would pass)', async () => {
    const report = await check(consensusWaitAll({}), { environment: { crashes: 1 } });
    expect(report.result).toBe('violation');
    expect(report.stats).toMatchObject({ distinctStates: 2916, generatedStates: 9478, depth: 11 });
    expect(report.violations.map((v) => [v.property, v.kind, v.length, v.trace.loop])).toEqual([['Termination', 'liveness', 5, { start: 5 }]]);
  });

  it('pins TLC\'s counts for TwoPhase from a spec file, with params, bfs and dfs alike', async () => {
    const bfs = await check('protocols/two-phase.ts', { params: { rm: 3 } });
    const dfs = await check('protocols/two-phase.ts', { params: { rm: 3 }, strategy: 'dfs' });
    expect(bfs).toMatchObject({ result: 'pass', stats: { distinctStates: 288, generatedStates: 1146, depth: 11 }, violations: [] });
    expect(dfs.stats.distinctStates).toBe(288);
  });

  it('a model from loadModel() runs on worker threads with the same counts', async () => {
    const model = await loadModel('protocols/two-phase.ts', { params: { rm: 4 } });
    const report = await check(model, { workers: 2 });
    expect(report).toMatchObject({ result: 'pass', workers: 2, stats: { distinctStates: 1568, generatedStates: 8258, depth: 14 } });
  });

  it('assertProperties names the property and shows the trace; incomplete names the bound', async () => {
    const error = await assertProperties(twoPhase({ variant: 'commit-early' })).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(PropertyCheckError);
    expect((error as Error).message).toContain('invariant TCConsistent fails after 3 steps (no faults)');
    expect((error as PropertyCheckError).report.violations[0].length).toBe(3);
    const bounded = await assertProperties(twoPhase({}), { maxStates: 10 }).then(() => undefined, (e: unknown) => e);
    expect((bounded as Error).message).toContain('incomplete: stopped by the state bound (maxStates)');
    await expect(assertProperties(twoPhase({}))).resolves.toMatchObject({ result: 'pass' });
  });

  it('render() gives every format of a violation', async () => {
    const report = await check(twoPhase({ variant: 'commit-early' }));
    const trace = report.violations[0].trace;
    expect(render(trace, 'md')).toContain('TCConsistent');
    expect(render(trace, 'html')).toContain('Content-Security-Policy');
    expect(render(trace, 'dot')).toContain('digraph');
  });

  it('bad options and bad specs reject with typed errors', async () => {
    await expect(check(twoPhase({}), { strategy: 'nope' as 'bfs' })).rejects.toBeInstanceOf(BadInputError);
    await expect(check('test/fixtures/specs/hostile/no-init.ts')).rejects.toBeInstanceOf(SpecFailure);
    await expect(check('protocols/two-phase.ts', { params: { rmm: 5 } })).rejects.toThrow('--param rmm: unknown parameter (this spec declares: rm, variant)');
    await expect(check(twoPhase({}), { environment: { maxDrops: 1 } })).rejects.toThrow('environment options (maxDrops) apply only to actor protocols');
  });
});
