import { availableParallelism } from 'node:os';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = 'test/fixtures/specs';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/faultline.js …` from the repo root (asynchronously, so tests overlap). */
function faultline(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/faultline.js', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The summary line, without its timing. */
function summary(r: Run): string | undefined {
  return r.stdout.split('\n').find((l) => / distinct states, /.test(l))?.replace(/, [\d.]+ s.*$/, '');
}

const out = mkdtempSync(path.join(tmpdir(), 'faultline-workers-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.concurrent('faultline check --workers', () => {
  it('TwoPhase on 2 workers: pass with TLC counts, the worker count in the header', async () => {
    const r = await faultline('check', 'protocols/two-phase.ts', '--workers', '2');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 5)).toEqual(['faultline check protocols/two-phase.ts', '  spec      TwoPhase', '  params    (defaults)', '  strategy  bfs', '  workers   2']);
    expect(summary(r)).toBe('288 distinct states, 1,146 generated, depth 11');
  });

  it('--json: the same stats, and the worker count as an extra field', async () => {
    const r = await faultline('check', 'protocols/two-phase.ts', '--param', 'rm=5', '--workers', '2', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.result).toBe('pass');
    expect(j.workers).toBe(2);
    expect(Object.keys(j.stats).sort()).toEqual(['depth', 'distinctStates', 'generatedStates', 'seconds']);
    expect(j.stats).toMatchObject({ distinctStates: 8832, generatedStates: 58146, depth: 17 });
  });

  it('commit-early on 2 workers: the 3-step violation, and its trace file replays', async () => {
    const dir = path.join(out, 'commit-early');
    const r = await faultline('check', 'protocols/two-phase.ts', '--param', 'variant=commit-early', '--workers', '2', '--out', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\nviolation: invariant TCConsistent fails after 3 steps \(no faults\)\n/);
    // The counterexample (the goals' witnesses are written beside it).
    const trace = readdirSync(dir).find((f) => f.endsWith('TCConsistent.json'))!;
    const replayed = await faultline('replay', path.join(dir, trace));
    expect(replayed.code).toBe(1);
  });

  it('an actor protocol (two-phase commit, --max-drops 1): the counts of one thread', async () => {
    const [one, two] = await Promise.all([
      faultline('check', 'protocols/two-phase-commit.ts', '--max-drops', '1'),
      faultline('check', 'protocols/two-phase-commit.ts', '--max-drops', '1', '--workers', '2'),
    ]);
    expect(two.code).toBe(one.code);
    expect(summary(two)).toBe(summary(one));
    expect(two.stdout).toContain('\n  workers   2\n  network   unordered network, drops ≤ 1');
  });

  it('a spec that throws in a worker: the same message and trace as on one thread', async () => {
    const [one, two] = await Promise.all([
      faultline('check', `${FIXTURES}/throws-in-next.ts`),
      faultline('check', `${FIXTURES}/throws-in-next.ts`, '--workers', '2'),
    ]);
    expect(two.code).toBe(2);
    expect(two.stdout).toBe('');
    expect(two.stderr).toBe(one.stderr);
    expect(two.stderr).toContain('the spec threw in next() on action "inc": counter overflow at n=2');
  });

  it('a nondeterministic spec: the same one line as on one thread', async () => {
    const [one, two] = await Promise.all([
      faultline('check', `${FIXTURES}/nondeterministic.ts`, '--no-lint'),
      faultline('check', `${FIXTURES}/nondeterministic.ts`, '--no-lint', '--workers', '2'),
    ]);
    expect(two.code).toBe(2);
    expect(two.stderr).toBe(one.stderr);
    expect(two.stderr).toMatch(/replaying step 1 produced a different state than the search saw/);
  });

  it('--workers 0 or a word: one line naming the fix', async () => {
    for (const bad of ['0', 'two', '1.5']) {
      const r = await faultline('check', 'protocols/two-phase.ts', '--workers', bad);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`faultline: option '--workers <n>' argument '${bad}' is invalid. --workers takes a whole number of at least 1 or "auto", got "${bad}" (see faultline --help)\n`);
    }
  });

  it('--workers auto: one worker per core, with the counts of one thread', async () => {
    const r = await faultline('check', 'protocols/two-phase.ts', '--param', 'rm=5', '--workers', 'auto', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.workers).toBe(availableParallelism());
    expect(json.stats).toMatchObject({ distinctStates: 8832, generatedStates: 58146, depth: 17 });
  });

  it('what needs the in-process search runs on one thread, and the header says so', async () => {
    const dfs = await faultline('check', 'protocols/two-phase.ts', '--workers', '2', '--strategy', 'dfs');
    expect(dfs.code).toBe(0);
    expect(dfs.stdout).toContain('\n  workers   1 (--strategy dfs runs on one thread)\n');
    const coverage = await faultline('check', 'protocols/two-phase-commit.ts', '--workers', '2', '--coverage', '--json');
    expect(JSON.parse(coverage.stdout).workers).toBe(1);
    const liveness = await faultline('check', 'protocols/consensus-wait-all.ts', '--workers', '2');
    expect(liveness.code).toBe(0);
    expect(liveness.stdout).toContain('\n  workers   2 (liveness properties are then checked on one thread)\n');
  });
});
