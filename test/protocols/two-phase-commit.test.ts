import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bfs, dfs } from '../../checker/index.ts';
import twoPhaseCommit, { about } from '../../protocols/two-phase-commit.ts';
import type { Params } from '../../specs/index.ts';
import { check, NONE } from './helpers.ts';

/** The protocol without symmetry reduction: every renaming of the participants counted. */
const unreduced = (params: Params = {}) => twoPhaseCommit(params).configure({ symmetry: false });

describe('two-phase commit (n=2, retries=1)', () => {
  // Participants are symmetric: reduced counts one world per renaming; unreduced counts all.
  it.each([
    { flags: 'no faults', env: {}, distinct: 641, generated: 2108, full: 1232, fullGenerated: 4051, depth: 12 },
    { flags: '--max-drops 1', env: { maxDrops: 1 }, distinct: 1622, generated: 6967, full: 3179, fullGenerated: 13596, depth: 12 },
    { flags: '--crashes 1 --recover', env: { crashes: 1, recover: true }, distinct: 9541, generated: 38712, full: 18795, fullGenerated: 76207, depth: 19 },
    { flags: '--max-dups 1', env: { maxDups: 1 }, distinct: 4567, generated: 18815, full: 9038, fullGenerated: 37178, depth: 14 },
  ])('passes with $flags: $distinct distinct, $generated generated, depth $depth ($full distinct without symmetry)', ({ env, distinct, generated, full, fullGenerated, depth }) => {
    const { result } = check(twoPhaseCommit(), env);
    expect(result.verdict).toBe('pass');
    expect(result.violations).toEqual([]);
    expect(result.stats).toMatchObject({ distinctStates: distinct, generatedStates: generated, depth });
    const all = check(unreduced(), env).result;
    expect(all.verdict).toBe('pass');
    expect(all.stats).toMatchObject({ distinctStates: full, generatedStates: fullGenerated, depth });
  });

  it('passes with --max-drops 2 when it retransmits twice (retries=2)', () => {
    const { result } = check(twoPhaseCommit({ retries: 2 }), { maxDrops: 2 });
    expect(result.verdict).toBe('pass');
    expect(result.stats).toMatchObject({ distinctStates: 7799, generatedStates: 42910, depth: 15 });
    expect(check(unreduced({ retries: 2 }), { maxDrops: 2 }).result.stats).toMatchObject({ distinctStates: 15373, generatedStates: 84693, depth: 15 });
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
    expect(result.stats).toMatchObject({ distinctStates: 26, generatedStates: 44, depth: 4 });
    expect(check(unreduced(), { crashes: 1 }).result.stats).toMatchObject({ distinctStates: 43, generatedStates: 61, depth: 4 });
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
    expect(result.stats).toMatchObject({ distinctStates: 1026, generatedStates: 3126, depth: 8 });
    expect(check(unreduced(), { maxDrops: 2 }).result.stats).toMatchObject({ distinctStates: 1986, generatedStates: 6021, depth: 8 });
  });

  it('DFS reaches the same states as BFS under --max-drops 1, with symmetry and without', () => {
    const r = dfs(twoPhaseCommit().configure({ environment: { maxDrops: 1 } }));
    expect(r.verdict).toBe('pass');
    expect(r.stats).toMatchObject({ distinctStates: 1622, generatedStates: 6967 });
    expect(dfs(unreduced().configure({ environment: { maxDrops: 1 } })).stats).toMatchObject({ distinctStates: 3179, generatedStates: 13596 });
  });

  it('DFS reaches the same states as BFS with no faults', () => {
    const r = dfs(twoPhaseCommit());
    expect(r.verdict).toBe('pass');
    expect(r.stats).toMatchObject({ distinctStates: 641, generatedStates: 2108 });
    expect(dfs(unreduced()).stats).toMatchObject({ distinctStates: 1232, generatedStates: 4051 });
  });
});

/** Unreduced searches of 4 participants take minutes: run them with FAULTLINE_SLOW=1. */
const SLOW = process.env.FAULTLINE_SLOW === '1';

describe('two-phase commit with 4 participants: symmetry reduction', () => {
  const four = (params: Params = {}) => twoPhaseCommit({ n: 4, ...params });

  it('passes under the defaults: 50,286 distinct states (989,312 without symmetry); BFS and DFS agree', () => {
    const { result } = check(four());
    expect(result.verdict).toBe('pass');
    expect(result.stats).toMatchObject({ distinctStates: 50286, generatedStates: 323530, depth: 22 });
    expect(dfs(four()).stats).toMatchObject({ distinctStates: 50286, generatedStates: 323530 });
  });

  it('passes with --max-drops 1: 180,378 distinct states (3,749,701 without symmetry)', () => {
    const { result } = check(four(), { maxDrops: 1 });
    expect(result.verdict).toBe('pass');
    expect(result.stats).toMatchObject({ distinctStates: 180378, generatedStates: 1452412, depth: 22 });
  });

  it('retries=0: 3,910 distinct states against 65,791, with BFS and DFS alike', () => {
    const reduced = check(four({ retries: 0 })).result;
    const all = check(unreduced({ n: 4, retries: 0 })).result;
    expect([reduced.verdict, all.verdict]).toEqual(['pass', 'pass']);
    expect(reduced.stats).toMatchObject({ distinctStates: 3910, generatedStates: 20524, depth: 17 });
    expect(all.stats).toMatchObject({ distinctStates: 65791, generatedStates: 345344, depth: 17 });
    expect(dfs(four({ retries: 0 })).stats).toMatchObject({ distinctStates: 3910, generatedStates: 20524 });
    expect(dfs(unreduced({ n: 4, retries: 0 })).stats).toMatchObject({ distinctStates: 65791, generatedStates: 345344 });
  });

  it('retries=0 blocks with --max-drops 1: the same 11-step counterexample with symmetry and without', () => {
    const reduced = check(four({ retries: 0 }), { maxDrops: 1 });
    const all = check(unreduced({ n: 4, retries: 0 }), { maxDrops: 1 });
    for (const { result } of [reduced, all]) {
      expect(result.verdict).toBe('violation');
      expect(result.violations[0].property).toBe('NoBlocking');
      expect(result.violations[0].path.actions).toHaveLength(11);
    }
    expect(reduced.labels).toEqual(all.labels);
    expect(reduced.labels.at(-1)).toBe('drop Abort coordinator→participant-1');
    expect(reduced.faults).toEqual({ ...NONE, drops: 1 });
    expect(reduced.result.stats).toMatchObject({ distinctStates: 12886, generatedStates: 73761, depth: 12 });
    expect(all.result.stats).toMatchObject({ distinctStates: 228582, generatedStates: 1230475, depth: 12 });
  });

  it('blocks when the coordinator crash-stops: 5 steps with symmetry and without', () => {
    const reduced = check(four(), { crashes: 1 });
    const all = check(unreduced({ n: 4 }), { crashes: 1 });
    expect(reduced.labels).toEqual([
      'deliver Prepare coordinator→participant-1 [chose true]',
      'deliver Prepare coordinator→participant-2 [chose true]',
      'deliver Prepare coordinator→participant-3 [chose true]',
      'deliver Prepare coordinator→participant-4 [chose true]',
      'crash coordinator',
    ]);
    expect(all.labels).toEqual(reduced.labels);
    expect(reduced.result.stats).toMatchObject({ distinctStates: 235, generatedStates: 864, depth: 6 });
    expect(all.result.stats).toMatchObject({ distinctStates: 2212, generatedStates: 5364, depth: 6 });
  });

  it.runIf(SLOW)('without symmetry: 989,312 distinct states under the defaults', { timeout: 600_000 }, () => {
    const { result } = check(unreduced({ n: 4 }));
    expect(result.verdict).toBe('pass');
    expect(result.stats).toMatchObject({ distinctStates: 989312, generatedStates: 6368455, depth: 22 });
  });

  it.runIf(SLOW)('without symmetry: 3,749,701 distinct states with --max-drops 1; DFS reaches the reduced count', { timeout: 900_000 }, () => {
    const { result } = check(unreduced({ n: 4 }), { maxDrops: 1 });
    expect(result.verdict).toBe('pass');
    expect(result.stats).toMatchObject({ distinctStates: 3749701, generatedStates: 29913874, depth: 22 });
    expect(dfs(four().configure({ environment: { maxDrops: 1 } })).stats).toMatchObject({ distinctStates: 180378, generatedStates: 1452412 });
  });
});

describe('two-phase commit, variant no-durable-decision', () => {
  const variant = () => twoPhaseCommit({ variant: 'no-durable-decision' });

  it('is named after its variant', () => {
    expect(variant().name).toBe('TwoPhaseCommit(n=2)/no-durable-decision');
    expect(twoPhaseCommit().name).toBe('TwoPhaseCommit(n=2)');
  });

  it('passes without crashes, like the correct protocol', () => {
    expect(check(variant()).result.stats).toMatchObject({ distinctStates: 641, generatedStates: 2108, depth: 12 });
    const lossy = check(variant(), { maxDrops: 1 }).result;
    expect(lossy.verdict).toBe('pass');
    expect(lossy.stats).toMatchObject({ distinctStates: 1622, generatedStates: 6967, depth: 12 });
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
    expect(result.stats).toMatchObject({ distinctStates: 2210, generatedStates: 5740, depth: 9 });
    // The same shortest counterexample without symmetry reduction, over twice the states.
    const all = check(unreduced({ variant: 'no-durable-decision' }), { crashes: 1, recover: true });
    expect(all.labels).toEqual(labels);
    expect(all.result.stats).toMatchObject({ distinctStates: 4287, generatedStates: 11011, depth: 9 });
    const last = result.violations[0].path.states.at(-1)!;
    expect(last.nodes.coordinator).toMatchObject({ decision: 'abort' });
    expect([last.nodes['participant-1'], last.nodes['participant-2']]).toEqual([{ state: 'committed' }, { state: 'aborted' }]);
  });

  it('blocks under crash-stop like the correct protocol', () => {
    const { result, labels } = check(variant(), { crashes: 1 });
    expect(result.violations[0].property).toBe('NoBlocking');
    expect(labels).toHaveLength(3);
    expect(result.stats).toMatchObject({ distinctStates: 26, generatedStates: 44, depth: 4 });
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
    expect(out.stats).toMatchObject({ distinctStates: 2210, generatedStates: 5740, depth: 9 });
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
    expect(out.stats).toMatchObject({ distinctStates: 1622, generatedStates: 6967, depth: 12 });
  });
});

describe('reachability goals: the pass is not vacuous', () => {
  it('reaches every goal it declares, with pinned witness lengths', () => {
    const r = bfs(twoPhaseCommit({}));
    expect(r.verdict).toBe('pass');
    expect(r.reached?.map((g) => [g.goal, g.path.actions.length])).toEqual([['Committed', 6], ['Aborted', 1]]);
    expect(r.unreached).toEqual([]);
  });
});
