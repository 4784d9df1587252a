import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bfs, dfs } from '../../checker/index.ts';
import twoPhaseCommit, { about } from '../../protocols/two-phase-commit.ts';
import { check, NONE } from './helpers.ts';

describe('two-phase commit (n=2, retries=1)', () => {
  it.each([
    { flags: 'no faults', env: {}, distinct: 1232, generated: 4051, depth: 12 },
    { flags: '--max-drops 1', env: { maxDrops: 1 }, distinct: 3179, generated: 13596, depth: 12 },
    { flags: '--crashes 1 --recover', env: { crashes: 1, recover: true }, distinct: 18795, generated: 76207, depth: 19 },
    { flags: '--max-dups 1', env: { maxDups: 1 }, distinct: 9038, generated: 37178, depth: 14 },
  ])('passes with $flags: $distinct distinct, $generated generated, depth $depth', ({ env, distinct, generated, depth }) => {
    const { result } = check(twoPhaseCommit(), env);
    expect(result.verdict).toBe('pass');
    expect(result.violations).toEqual([]);
    expect(result.stats).toMatchObject({ distinctStates: distinct, generatedStates: generated, depth });
  });

  it('passes with --max-drops 2 when it retransmits twice (retries=2)', () => {
    const { result } = check(twoPhaseCommit({ retries: 2 }), { maxDrops: 2 });
    expect(result.verdict).toBe('pass');
    expect(result.stats).toMatchObject({ distinctStates: 15373, generatedStates: 84693, depth: 15 });
  });

  it('blocks when the coordinator crash-stops (--crashes 1): NoBlocking fails in 3 steps', () => {
    const { result, labels, faults } = check(twoPhaseCommit(), { crashes: 1 });
    expect(result.verdict).toBe('violation');
    expect(result.violations[0].property).toBe('NoBlocking');
    expect(labels).toEqual([
      'deliver Prepare coordinator→participant-1 [chose true]',
      'deliver Prepare coordinator→participant-2 [chose true]',
      'crash coordinator',
    ]);
    expect(faults).toEqual({ ...NONE, crashes: 1 });
    expect(result.stats).toMatchObject({ distinctStates: 43, generatedStates: 61, depth: 4 });
    // Both participants voted yes and neither can learn the outcome.
    const last = result.violations[0].path.states.at(-1)!;
    expect(last.down).toEqual(['coordinator']);
    expect(last.nodes['participant-1']).toEqual({ state: 'prepared' });
    expect(last.nodes['participant-2']).toEqual({ state: 'prepared' });
  });

  it('blocks when drops outnumber the retransmissions (--max-drops 2, retries=1)', () => {
    const { result, labels, faults } = check(twoPhaseCommit(), { maxDrops: 2 });
    expect(result.verdict).toBe('violation');
    expect(result.violations[0].property).toBe('NoBlocking');
    expect(labels).toEqual([
      'deliver Prepare coordinator→participant-1 [chose true]',
      'deliver Prepare coordinator→participant-2 [chose false]',
      'deliver Vote(by=participant-1, yes=true) participant-1→coordinator',
      'deliver Vote(by=participant-2, yes=false) participant-2→coordinator',
      'timer retry @coordinator',
      'drop Abort coordinator→participant-1',
      'drop Abort coordinator→participant-1',
    ]);
    expect(faults).toEqual({ ...NONE, drops: 2 });
    expect(result.stats).toMatchObject({ distinctStates: 1986, generatedStates: 6021, depth: 8 });
  });

  it('DFS reaches the same states as BFS under --max-drops 1', () => {
    const model = twoPhaseCommit().configure({ environment: { maxDrops: 1 } });
    const r = dfs(model);
    expect(r.verdict).toBe('pass');
    expect(r.stats.distinctStates).toBe(3179);
    expect(r.stats.generatedStates).toBe(13596);
  });

  it('DFS reaches the same states as BFS with no faults', () => {
    const r = dfs(twoPhaseCommit());
    expect(r.verdict).toBe('pass');
    expect(r.stats).toMatchObject({ distinctStates: 1232, generatedStates: 4051 });
  });
});

describe('two-phase commit, variant no-durable-decision', () => {
  const variant = () => twoPhaseCommit({ variant: 'no-durable-decision' });

  it('is named after its variant', () => {
    expect(variant().name).toBe('TwoPhaseCommit(n=2)/no-durable-decision');
    expect(twoPhaseCommit().name).toBe('TwoPhaseCommit(n=2)');
  });

  it('passes without crashes, like the correct protocol', () => {
    expect(check(variant()).result.stats).toMatchObject({ distinctStates: 1232, generatedStates: 4051, depth: 12 });
    const lossy = check(variant(), { maxDrops: 1 }).result;
    expect(lossy.verdict).toBe('pass');
    expect(lossy.stats).toMatchObject({ distinctStates: 3179, generatedStates: 13596, depth: 12 });
  });

  it('violates Atomicity after a crash and a recovery, in 8 steps', () => {
    const { result, labels, faults } = check(variant(), { crashes: 1, recover: true });
    expect(result.verdict).toBe('violation');
    expect(result.violations[0].property).toBe('Atomicity');
    expect(labels).toEqual([
      'deliver Prepare coordinator→participant-1 [chose true]',
      'deliver Prepare coordinator→participant-2 [chose true]',
      'deliver Vote(by=participant-1, yes=true) participant-1→coordinator',
      'deliver Vote(by=participant-2, yes=true) participant-2→coordinator',
      'deliver Commit coordinator→participant-1',
      'crash coordinator',
      'recover coordinator',
      'deliver Abort coordinator→participant-2',
    ]);
    expect(faults).toEqual({ ...NONE, crashes: 1, recoveries: 1 });
    expect(result.stats).toMatchObject({ distinctStates: 4287, generatedStates: 11011, depth: 9 });
    const last = result.violations[0].path.states.at(-1)!;
    expect(last.nodes.coordinator).toMatchObject({ decision: 'abort' });
    expect([last.nodes['participant-1'], last.nodes['participant-2']]).toEqual([{ state: 'committed' }, { state: 'aborted' }]);
  });

  it('blocks under crash-stop like the correct protocol', () => {
    const { result, labels } = check(variant(), { crashes: 1 });
    expect(result.violations[0].property).toBe('NoBlocking');
    expect(labels).toHaveLength(3);
    expect(result.stats).toMatchObject({ distinctStates: 43, generatedStates: 61, depth: 4 });
  });
});

describe('two-phase commit: parameters and CLI', () => {
  it('n=1 is tiny and correct; a lone participant is named `participant`', () => {
    const m = twoPhaseCommit({ n: 1 });
    expect(m.topology.ids).toEqual(['coordinator', 'participant']);
    const r = bfs(m);
    expect(r.verdict).toBe('pass');
    expect(r.stats).toMatchObject({ distinctStates: 50, generatedStates: 90, depth: 8 });
  });

  it('rejects bad parameters', () => {
    expect(() => twoPhaseCommit({ n: 0 })).toThrow('n must be an integer 1–5, got 0');
    expect(() => twoPhaseCommit({ retries: 'x' })).toThrow('retries must be an integer 0–3, got x');
    expect(() => twoPhaseCommit({ variant: 'nope' })).toThrow('unknown variant "nope" (known: no-durable-decision)');
  });

  it('environment overrides compose across configure calls; params reach the factory', () => {
    const m = twoPhaseCommit().configure({ environment: { crashes: 1 } }).configure({ environment: { recover: true } });
    expect(m.environment).toMatchObject({ crashes: 1, recover: true });
    expect(twoPhaseCommit({ n: 1 }).topology.ids).toEqual(['coordinator', 'participant']);
  });

  it('describes itself for `faultline list`', () => {
    expect(about.params).toHaveProperty('n');
    expect(about.params).toHaveProperty('retries');
    expect(Object.keys(about.variants)).toEqual(['no-durable-decision']);
  });

  it('CLI: the variant fails Atomicity with --crashes 1 --recover (exit 1)', () => {
    const run = spawnSync(
      'node',
      ['bin/faultline.js', 'check', 'protocols/two-phase-commit.ts', '--param', 'variant=no-durable-decision', '--crashes', '1', '--recover', '--json'],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.result).toBe('violation');
    expect(out.stats).toMatchObject({ distinctStates: 4287, generatedStates: 11011, depth: 9 });
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatchObject({ property: 'Atomicity', length: 8, faults: { ...NONE, crashes: 1, recoveries: 1 } });
  });

  it('CLI: the correct protocol passes with --max-drops 1 (exit 0)', () => {
    const run = spawnSync('node', ['bin/faultline.js', 'check', 'protocols/two-phase-commit.ts', '--max-drops', '1', '--json'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.result).toBe('pass');
    expect(out.stats).toMatchObject({ distinctStates: 3179, generatedStates: 13596, depth: 12 });
  });
});
