/**
 * Long runs that survive: a checkpointed check stopped by SIGTERM, killed with SIGKILL, or
 * stopped by its memory budget resumes to exactly the counts of an uninterrupted run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(path.join(tmpdir(), 'faultline-checkpoint-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const folder = () => path.join(tmp, `c${n++}`);

const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/faultline.js', ...args], { cwd: ROOT, encoding: 'utf8' });

/** TLC's counts for TwoPhase with 8 resource managers. */
const RM8 = { distinctStates: 1745408, generatedStates: 18507778, depth: 26 };

/** Starts a check, waits until `ready()` holds (or it exits), sends `signal`, and resolves to its exit. */
async function interrupt(args: string[], signal: NodeJS.Signals, ready: () => boolean): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  const child = spawn(process.execPath, ['bin/faultline.js', ...args], { cwd: ROOT });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })));
  let done = false;
  void exited.then(() => (done = true));
  const until = Date.now() + 120_000;
  while (!done && !ready() && Date.now() < until) await sleep(100);
  if (!done) child.kill(signal);
  return { ...(await exited), stdout };
}

describe('checkpoint and resume (TwoPhase rm=8: 1,745,408 states)', () => {
  it('SIGTERM writes a final checkpoint and exits 130; --resume ends with the uninterrupted counts', async () => {
    const dir = folder();
    const started = Date.now();
    const stopped = await interrupt(['check', 'protocols/two-phase.ts', '--param', 'rm=8', '--checkpoint', dir, '--json'], 'SIGTERM', () => Date.now() - started > 5000);
    expect(stopped.code).toBe(130);
    const partial = JSON.parse(stopped.stdout);
    expect(partial).toMatchObject({ result: 'incomplete', incomplete: 'interrupted' });
    expect(partial.stats.distinctStates).toBeLessThan(RM8.distinctStates);
    expect(existsSync(path.join(dir, 'checkpoint.bin'))).toBe(true);
    const resumed = cli('check', 'protocols/two-phase.ts', '--param', 'rm=8', '--resume', dir, '--json');
    expect(resumed.status).toBe(0);
    const report = JSON.parse(resumed.stdout);
    expect(report.result).toBe('pass');
    expect(report.stats).toMatchObject(RM8);
    expect(report.resumedAt).toBe(partial.stats.distinctStates);
  }, 300_000);

  it('after kill -9 the last checkpoint is whole, and resuming from it ends with the same counts', async () => {
    const dir = folder();
    const file = path.join(dir, 'checkpoint.bin');
    let firstWrite = 0;
    const killed = await interrupt(['check', 'protocols/two-phase.ts', '--param', 'rm=8', '--checkpoint', dir, '--checkpoint-every', '1', '--json'], 'SIGKILL', () => {
      if (!existsSync(file)) return false;
      firstWrite ||= Date.now();
      return Date.now() - firstWrite > 2500; // a few checkpoints later, perhaps in the middle of one
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(statSync(file).size).toBeGreaterThan(0);
    const resumed = cli('check', 'protocols/two-phase.ts', '--param', 'rm=8', '--resume', dir, '--json');
    expect(resumed.status).toBe(0);
    const report = JSON.parse(resumed.stdout);
    expect(report.stats).toMatchObject(RM8);
    expect(report.resumedAt).toBeGreaterThan(0);
  }, 300_000);
});

describe('checkpoint and resume with --workers 2 (TwoPhase rm=8: the counts of an uninterrupted --workers 2 run, which are TLC\'s)', () => {
  const rm8 = ['check', 'protocols/two-phase.ts', '--param', 'rm=8', '--workers', '2'];

  it('SIGTERM writes a final checkpoint at a consistent cut and exits 130; --resume ends with the uninterrupted counts', async () => {
    const dir = folder();
    const started = Date.now();
    const stopped = await interrupt([...rm8, '--checkpoint', dir, '--json'], 'SIGTERM', () => Date.now() - started > 6000);
    expect(stopped.code).toBe(130);
    const partial = JSON.parse(stopped.stdout);
    expect(partial).toMatchObject({ result: 'incomplete', incomplete: 'interrupted', workers: 2 });
    expect(partial.stats.distinctStates).toBeLessThan(RM8.distinctStates);
    const resumed = cli(...rm8, '--resume', dir, '--json');
    expect(resumed.status).toBe(0);
    const report = JSON.parse(resumed.stdout);
    expect(report).toMatchObject({ result: 'pass', workers: 2, resumedAt: partial.stats.distinctStates, unreached: [] });
    expect(report.stats).toMatchObject(RM8);
  }, 300_000);

  it('after kill -9 the last checkpoint (taken at a level barrier) is whole, and resuming from it ends with the same counts', async () => {
    const dir = folder();
    const file = path.join(dir, 'checkpoint.bin');
    let firstWrite = 0;
    const killed = await interrupt([...rm8, '--checkpoint', dir, '--checkpoint-every', '1', '--json'], 'SIGKILL', () => {
      if (!existsSync(file)) return false;
      firstWrite ||= Date.now();
      return Date.now() - firstWrite > 2500;
    });
    expect(killed.signal).toBe('SIGKILL');
    const resumed = cli(...rm8, '--resume', dir, '--json');
    expect(resumed.status).toBe(0);
    const report = JSON.parse(resumed.stdout);
    expect(report.stats).toMatchObject(RM8);
    expect(report.resumedAt).toBeGreaterThan(0);
  }, 300_000);
});

describe('checkpoints with --workers (TwoPhase rm=5: 8,832 states, 58,146 generated, depth 17)', () => {
  const rm5 = ['check', 'protocols/two-phase.ts', '--param', 'rm=5'];
  const RM5 = { distinctStates: 8832, generatedStates: 58146, depth: 17 };
  const workers = ['--workers', '2'];

  it('one thread ↔ workers: a checkpoint written by either resumes on the other, to the counts and goals of one run', () => {
    const one = folder();
    expect(cli(...rm5, '--checkpoint', one, '--max-states', '3000', '--json').status).toBe(3);
    const onWorkers = cli(...rm5, ...workers, '--resume', one, '--json');
    expect(onWorkers.status).toBe(0);
    const a = JSON.parse(onWorkers.stdout);
    expect(a).toMatchObject({ result: 'pass', workers: 2, resumedAt: 3000, stats: RM5, unreached: [] });
    // SomeAborted was reached (in 1 step) before the checkpoint: its shortest witness is kept.
    expect(a.reached.map((g: { goal: string; length: number }) => `${g.goal}:${g.length}`).sort()).toEqual(['AllCommitted:16', 'SomeAborted:1']);

    const many = folder();
    expect(cli(...rm5, ...workers, '--checkpoint', many, '--max-states', '500', '--json').status).toBe(3);
    // Workers, then workers again, then one thread, then workers: each leg goes on where the last stopped.
    const leg = JSON.parse(cli(...rm5, ...workers, '--resume', many, '--max-states', '4000', '--json').stdout);
    expect(leg).toMatchObject({ result: 'incomplete', incomplete: 'max-states' });
    const alone = cli(...rm5, '--resume', many, '--max-states', '6000', '--json');
    expect(alone.status).toBe(3);
    expect(JSON.parse(alone.stdout).resumedAt).toBe(leg.stats.distinctStates);
    const end = JSON.parse(cli(...rm5, ...workers, '--resume', many, '--json').stdout);
    expect(end).toMatchObject({ result: 'pass', stats: RM5, unreached: [] });
    expect(end.reached.map((g: { goal: string; length: number }) => `${g.goal}:${g.length}`).sort()).toEqual(['AllCommitted:16', 'SomeAborted:1']);
  });

  it('periodic checkpoints at level barriers leave the run exact, and the last one resumes to the same counts', () => {
    const dir = folder();
    const run = cli(...rm5, ...workers, '--checkpoint', dir, '--checkpoint-every', '0.001', '--json');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).stats).toMatchObject(RM5);
    const again = cli(...rm5, ...workers, '--resume', dir, '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ result: 'pass', stats: RM5 });
  });

  it('the memory budget stops the workers with a checkpoint (exit 3); a run with more memory resumes it', () => {
    const dir = folder();
    const first = cli(...rm5, ...workers, '--checkpoint', dir, '--max-memory', '10MB', '--json');
    expect(first.status).toBe(3);
    expect(JSON.parse(first.stdout)).toMatchObject({ result: 'incomplete', incomplete: 'memory', workers: 2 });
    expect(existsSync(path.join(dir, 'checkpoint.bin'))).toBe(true);
    const rest = cli(...rm5, ...workers, '--resume', dir, '--json');
    expect(rest.status).toBe(0);
    expect(JSON.parse(rest.stdout).stats).toMatchObject(RM5);
  });

  it('a violation found after resuming on workers is a shortest one, and its trace replays', () => {
    const dir = folder();
    const args = ['check', 'protocols/paxos.ts', '--param', 'variant=forget-promise', '--crashes', '1', '--recover', ...workers];
    expect(cli(...args, '--checkpoint', dir, '--max-states', '20000', '--json').status).toBe(3);
    const resumed = cli(...args, '--resume', dir, '--json', '--out', path.join(dir, 'traces'));
    expect(resumed.status).toBe(1);
    const report = JSON.parse(resumed.stdout);
    // With workers, the states counted before a violation stops them depend on the threads' timing; the length does not.
    expect(report.stats.depth).toBe(15);
    expect(report.violations[0]).toMatchObject({ property: 'Agreement', length: 14 });
    expect(cli('replay', path.join(dir, 'traces', 'paxos-variant=forget-promise-Agreement.json')).status).toBe(1);
  });

  it('refuses a checkpoint of another check with workers too — one line, exit 2', () => {
    const dir = folder();
    expect(cli(...rm5, ...workers, '--checkpoint', dir, '--max-states', '100').status).toBe(3);
    const run = cli('check', 'protocols/two-phase.ts', '--param', 'rm=4', ...workers, '--resume', dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/cannot resume this check from that checkpoint: its params are \[\["rm",5\]\], not \[\["rm",4\]\]/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('checkpoints refused and bounded', () => {
  const rm5 = ['check', 'protocols/two-phase.ts', '--param', 'rm=5'];

  it('a bound writes a checkpoint; resuming without it finishes with the counts of one run (rm=5: 8,832 states)', () => {
    const dir = folder();
    const first = cli(...rm5, '--checkpoint', dir, '--max-states', '3000', '--json');
    expect(first.status).toBe(3);
    expect(JSON.parse(first.stdout).stats.distinctStates).toBe(3000);
    const rest = cli(...rm5, '--resume', dir, '--json');
    expect(rest.status).toBe(0);
    expect(JSON.parse(rest.stdout)).toMatchObject({ result: 'pass', resumedAt: 3000, stats: { distinctStates: 8832, generatedStates: 58146, depth: 17 } });
  });

  it('the memory budget writes a checkpoint and stops with exit 3; a run with more memory resumes it', () => {
    const dir = folder();
    const first = cli(...rm5, '--checkpoint', dir, '--max-memory', '10MB', '--json');
    expect(first.status).toBe(3);
    expect(JSON.parse(first.stdout)).toMatchObject({ result: 'incomplete', incomplete: 'memory' });
    expect(existsSync(path.join(dir, 'checkpoint.bin'))).toBe(true);
    const rest = cli(...rm5, '--resume', dir, '--json');
    expect(rest.status).toBe(0);
    expect(JSON.parse(rest.stdout).stats).toMatchObject({ distinctStates: 8832, generatedStates: 58146, depth: 17 });
  });

  it('a violation found after resuming is the shortest one, and its trace replays', () => {
    const dir = folder();
    const args = ['check', 'protocols/paxos.ts', '--param', 'variant=forget-promise', '--crashes', '1', '--recover'];
    expect(cli(...args, '--checkpoint', dir, '--max-states', '20000', '--json').status).toBe(3);
    const resumed = cli(...args, '--resume', dir, '--json', '--out', path.join(dir, 'traces'));
    expect(resumed.status).toBe(1);
    const report = JSON.parse(resumed.stdout);
    expect(report.stats).toMatchObject({ distinctStates: 54467, generatedStates: 202957, depth: 15 });
    expect(report.violations[0].length).toBe(14);
    expect(cli('replay', path.join(dir, 'traces', 'paxos-variant=forget-promise-Agreement.json')).status).toBe(1);
  });

  it('refuses a checkpoint of another check, a missing or damaged one, and what cannot be checkpointed — one line, exit 2', () => {
    const dir = folder();
    expect(cli(...rm5, '--checkpoint', dir, '--max-states', '100').status).toBe(3);
    const cases: [string[], RegExp][] = [
      [['check', 'protocols/two-phase.ts', '--param', 'rm=4', '--resume', dir], /cannot resume this check from that checkpoint: its params are \[\["rm",5\]\], not \[\["rm",4\]\]/],
      [[...rm5, '--max-depth', '3', '--resume', dir], /its search options are/],
      [['check', 'protocols/die-hard.ts', '--resume', dir], /it checks TwoPhase, not DieHard/],
      [[...rm5, '--resume', folder()], /no checkpoint here \(checkpoint.bin is missing\)/],
      [[...rm5, '--checkpoint', dir, '--strategy', 'dfs'], /--checkpoint and --resume need --strategy bfs/],
      [[...rm5, '--checkpoint', dir, '--coverage'], /--checkpoint and --resume do not combine with --coverage/],
    ];
    for (const [args, message] of cases) {
      const run = cli(...args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
    const file = path.join(dir, 'checkpoint.bin');
    const bytes = readFileSync(file);
    bytes[bytes.length - 50] ^= 0xff;
    writeFileSync(file, bytes);
    const damaged = cli(...rm5, '--resume', dir);
    expect(damaged.status).toBe(2);
    expect(damaged.stderr).toMatch(/damaged checkpoint \(its checksum does not match\)/);
  });
});
