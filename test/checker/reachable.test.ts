// Reachability goals (`reachable`, issue 19 item 4): witnesses, "never reached" after a
// complete search only, every strategy, the CLI's exit codes, --json, --out and replay.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertProperties, check } from '../../api/index.ts';
import { bfs, dfs } from '../../checker/index.ts';
import { defineModel } from '../../specs/index.ts';
import grid from '../fixtures/specs/reachable/grid.ts';
import gridUnreachable from '../fixtures/specs/reachable/grid-unreachable.ts';

const GRID = 'test/fixtures/specs/reachable/grid.ts';
const UNREACHABLE = 'test/fixtures/specs/reachable/grid-unreachable.ts';
const out = mkdtempSync(path.join(tmpdir(), 'faultline-reachable-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['bin/faultline.js', ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('reachable: the kernel', () => {
  it('bfs records a shortest witness per goal, and the counts do not change', () => {
    const r = bfs(grid);
    expect(r.verdict).toBe('pass');
    expect(r.stats).toMatchObject({ distinctStates: 16, generatedStates: 25, depth: 7 });
    expect(r.reached?.map((g) => [g.goal, g.path.actions.length, g.path.states.at(-1)])).toEqual([
      ['Corner', 6, { x: 3, y: 3 }],
      ['Diagonal', 3, { x: 2, y: 1 }],
    ]);
    expect(r.unreached).toEqual([]);
  });

  it('dfs reaches the same goals (its witnesses need not be shortest)', () => {
    const r = dfs(gridUnreachable);
    expect(r.stats.distinctStates).toBe(16);
    expect(r.reached?.map((g) => g.goal)).toEqual(['Corner']);
    expect(r.unreached).toEqual(['OffTheGrid']);
  });

  it('a model without goals reports none', () => {
    const r = bfs(defineModel<number, 'inc'>({ name: 'Count', init: () => [0], actions: (n) => (n < 3 ? ['inc'] : []), next: (n) => n + 1 }));
    expect(r.reached).toBeUndefined();
    expect(r.unreached).toBeUndefined();
  });
});

describe('reachable: check()', () => {
  it('a goal never reached after a complete search is a violation, kind reachable, length 0', async () => {
    const report = await check(gridUnreachable);
    expect(report.result).toBe('violation');
    expect(report.stats).toMatchObject({ distinctStates: 16, generatedStates: 25, depth: 7 });
    expect(report.violations.map((v) => [v.property, v.kind, v.length, v.message, v.trace.steps.length])).toEqual([['OffTheGrid', 'reachable', 0, 'never reached', 0]]);
    expect(report.reached?.map((g) => [g.goal, g.length])).toEqual([['Corner', 6]]);
    expect(report.unreached).toEqual(['OffTheGrid']);
  });

  it('assertProperties rejects on a goal never reached, and resolves when every goal is reached', async () => {
    const error = await assertProperties(gridUnreachable).then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).toContain('reachable OffTheGrid: never reached');
    await expect(assertProperties(grid)).resolves.toMatchObject({ result: 'pass' });
  });

  it('an incomplete search never says "never reached": it stays incomplete and names the goals not yet reached', async () => {
    const report = await check(gridUnreachable, { maxStates: 5 });
    expect(report.result).toBe('incomplete');
    expect(report.violations).toEqual([]);
    expect(report.unreached).toEqual(['Corner', 'OffTheGrid']);
    expect(report.warnings).toContain('reachable Corner, OffTheGrid: not reached (the search stopped first)');
  });

  it('random walks record a witness per goal they reach, which replays; a goal they miss is a note, not a failure', async () => {
    const walked = await check(grid, { strategy: 'random', runs: 20, seed: 1 });
    expect(walked.result).toBe('incomplete'); // random walks prove nothing
    expect(walked.reached?.map((g) => g.goal)).toEqual(['Corner', 'Diagonal']);
    for (const g of walked.reached!) {
      const last = g.trace.steps.at(-1)?.state ?? g.trace.initial.state;
      expect(grid.reachable![g.goal](last as never)).toBe(true);
      expect(g.length).toBe(g.trace.steps.length);
    }
    expect(walked.reached!.find((g) => g.goal === 'Corner')!.length).toBeGreaterThanOrEqual(6); // not necessarily shortest
    expect(walked.unreached).toEqual([]);
    const again = await check(grid, { strategy: 'random', runs: 20, seed: 1 });
    expect(again.reached?.map((g) => g.length)).toEqual(walked.reached?.map((g) => g.length)); // the seed replays

    const report = await check(gridUnreachable, { strategy: 'random', runs: 20, seed: 1 });
    expect(report.violations).toEqual([]);
    expect(report.reached?.map((g) => g.goal)).toEqual(['Corner']);
    expect(report.unreached).toEqual(['OffTheGrid']);
    expect(report.warnings).toContain('reachable OffTheGrid: not reached (by the random walks, which prove nothing: check exhaustively (bfs, dfs) to know)');
  });

  it('random walks under swarm record no goals, and say so', async () => {
    const report = await check('protocols/two-phase-commit.ts', { strategy: 'random', runs: 5, seed: 1, swarm: true, environment: { maxDups: 1 }, lint: false });
    expect(report.result).toBe('incomplete');
    expect(report.reached).toEqual([]);
    expect(report.warnings).toContain('reachable Committed, Aborted: not reached (random walks under swarm do not record goals: check without --swarm, or exhaustively (bfs, dfs))');
  });

  it('an invariant violation wins over goals; a goal named like a prototype member is a goal like any other', async () => {
    const model = defineModel<number, 'inc'>({
      name: 'Hostile',
      init: () => [0],
      actions: (n) => (n < 4 ? ['inc'] : []),
      next: (n) => n + 1,
      reachable: { ['constructor']: (n: number) => n === 2, ['__proto__']: (n: number) => n === 9, ['toString']: (n: number) => n === 4 },
    });
    const report = await check(model);
    expect(report.result).toBe('violation');
    expect(report.reached?.map((g) => [g.goal, g.length])).toEqual([['constructor', 2], ['toString', 4]]);
    expect(report.violations.map((v) => [v.property, v.kind])).toEqual([['__proto__', 'reachable']]);
    const broken = await check({ ...model, invariants: { Small: (n: number) => n < 3 } });
    expect(broken.violations.map((v) => [v.property, v.kind, v.length])).toEqual([['Small', 'invariant', 3]]);
  });
});

describe('reachable: the CLI', () => {
  it('exit 0 with one line per goal reached; exit 1 and "never reached" when a goal is not', () => {
    const pass = cli('check', GRID);
    expect(pass.status).toBe(0);
    expect(pass.stdout).toContain('reachable Corner: reached in 6 steps\nreachable Diagonal: reached in 3 steps');
    const fail = cli('check', UNREACHABLE);
    expect(fail.status).toBe(1);
    expect(fail.stdout).toContain('violation: reachable OffTheGrid: never reached (no reachable state satisfies it)');
    const bounded = cli('check', UNREACHABLE, '--max-states', '5');
    expect(bounded.status).toBe(3);
    expect(bounded.stdout).not.toContain('never reached');
  });

  it('--json carries reached, unreached and the reachable violation', () => {
    const run = cli('check', UNREACHABLE, '--json');
    expect(run.status).toBe(1);
    const json = JSON.parse(run.stdout);
    expect(json.result).toBe('violation');
    expect(json.violations.map((v: { property: string; kind: string; length: number; message: string }) => [v.property, v.kind, v.length, v.message])).toEqual([['OffTheGrid', 'reachable', 0, 'never reached']]);
    expect(json.reached.map((g: { goal: string; length: number }) => [g.goal, g.length])).toEqual([['Corner', 6]]);
    expect(json.unreached).toEqual(['OffTheGrid']);
  });

  it('dfs and two workers reach the goals too; dfs says its witness need not be shortest', () => {
    const d = cli('check', GRID, '--strategy', 'dfs');
    expect(d.status).toBe(0);
    expect(d.stdout).toContain('(dfs: a witness, not necessarily a shortest one)');
    const w = cli('check', UNREACHABLE, '--workers', '2', '--json');
    expect(w.status).toBe(1);
    const json = JSON.parse(w.stdout);
    expect(json.stats).toMatchObject({ distinctStates: 16, generatedStates: 25, depth: 7 });
    expect(json.reached.map((g: { goal: string; length: number }) => [g.goal, g.length])).toEqual([['Corner', 6]]);
    expect(json.violations[0]).toMatchObject({ property: 'OffTheGrid', kind: 'reachable', length: 0 });
  });

  it('a goal that throws: exit 2, one line naming the goal, and the path to the state', () => {
    const run = cli('check', 'test/fixtures/specs/reachable/throws-in-goal.ts');
    expect(run.status).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe('faultline: test/fixtures/specs/reachable/throws-in-goal.ts: the spec threw in reachable goal Boom: goal exploded (fix the spec; --debug shows the stack)');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('--out writes each witness, and replay says it reproduces (exit 0)', () => {
    const run = cli('check', GRID, '--out', out);
    expect(run.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['grid-Corner-witness.json', 'grid-Corner-witness.md', 'grid-Diagonal-witness.json', 'grid-Diagonal-witness.md']);
    const replay = cli('replay', path.join(out, 'grid-Corner-witness.json'));
    expect(replay.stdout).toContain('reproduced: the witness reaches reachable Corner in 6 steps');
    expect(replay.status).toBe(0);
  });
});
