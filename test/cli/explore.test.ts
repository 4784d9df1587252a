import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[]): ChildProcess {
  return spawn(process.execPath, ['bin/faultline.js', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
}

/** Runs the real CLI to its end (bad input ends it at once). */
function faultline(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = start(args);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `faultline explore …`, waits for its URL, hands it to `use`, then stops it with SIGINT. */
async function serving(args: string[], use: (url: string, stdout: string) => Promise<void>): Promise<Run> {
  const child = start(['explore', ...args]);
  let stdout = '';
  let stderr = '';
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const m = /open (http:\/\/\S+)/.exec(stdout);
      if (m && stdout.includes('Ctrl-C')) resolve(m[1]);
    });
    child.on('close', () => reject(new Error(`explore ended early: ${stderr}`)));
  });
  try {
    await use(url, stdout);
  } finally {
    child.kill('SIGINT');
  }
  return { code: await closed, stdout, stderr };
}

const dir = mkdtempSync(path.join(tmpdir(), 'faultline-explore-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.concurrent('faultline explore', () => {
  it('prints the URL, serves the API, and stops on Ctrl-C (exit 130: no verdict)', async () => {
    const run = await serving(['two-phase', '--param', 'variant=commit-early', '--port', '0'], async (url) => {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const view = (await (await fetch(new URL('/api/state/0/0/1/3', url))).json()) as { properties: Record<string, boolean> };
      expect(view.properties).toEqual({ TCConsistent: false });
    });
    expect(run.stdout.split('\n')).toEqual(['faultline explore: TwoPhase/commit-early', `  open ${/open (\S+)/.exec(run.stdout)![1]}`, '  Ctrl-C stops the server', '']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(130);
  });

  it('--trace opens a saved counterexample at its last step, with its params', async () => {
    const out = path.join(dir, 'traces');
    const checked = await faultline('check', 'protocols/two-phase.ts', '--param', 'variant=commit-early', '--out', out);
    expect(checked.code).toBe(1);
    const trace = path.join(out, 'two-phase-variant=commit-early-TCConsistent.json');
    const run = await serving(['--trace', trace, '--port', '0'], async (url) => {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#\/0\/0\/1\/3$/);
      const about = (await (await fetch(new URL('/api/spec', url))).json()) as { start: number[]; trace: { property: string }; params: unknown };
      expect(about).toMatchObject({ start: [0, 0, 1, 3], trace: { file: trace, property: 'invariant TCConsistent' }, params: { variant: 'commit-early' } });
    });
    expect(run.code).toBe(130);
    // A trace whose path no longer applies: one line naming the file and the position.
    const stale = JSON.parse(readFileSync(trace, 'utf8')) as { steps: { index: number }[] };
    stale.steps[1].index = 42;
    const staleFile = path.join(dir, 'stale.json');
    writeFileSync(staleFile, JSON.stringify(stale));
    // --trace takes the trace's params and environment.
    const [r, mixed, other] = await Promise.all([
      faultline('explore', '--trace', staleFile, '--port', '0'),
      faultline('explore', '--trace', trace, '--param', 'variant=correct'),
      faultline('explore', 'protocols/paxos.ts', '--trace', trace),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `faultline: ${staleFile}: the path no longer applies at position 2 (index 42): the state after 1 step has 9 actions (the spec changed: re-run faultline check for a new trace)\n`,
    );
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toBe(`faultline: ${trace}: --trace takes the params and environment the trace was recorded with (drop --param and the environment flags)\n`);
    expect(other.code).toBe(2);
    expect(other.stderr).toBe(`faultline: ${trace}: the trace was recorded on protocols/two-phase.ts, not protocols/paxos.ts (drop the spec argument, or give the trace's spec)\n`);
  });

  it('bad input is one line naming the file and the fix (exit 2)', async () => {
    const cases: [string[], string][] = [
      [[], 'faultline: explore: give the spec to explore (e.g. faultline explore protocols/two-phase.ts) or a trace file (--trace FILE.json)\n'],
      [['protocols/nope.ts'], 'faultline: protocols/nope.ts: no such file (give the path to a spec, e.g. protocols/two-phase.ts, or a bundled protocol\'s name, e.g. two-phase)\n'],
      [['protocols/two-phase.ts', '--param', 'bogus=1'], 'faultline: protocols/two-phase.ts: --param bogus: unknown parameter (this spec declares: rm, variant)\n'],
      [['protocols/two-phase.ts', '--crashes', '1'], 'faultline: protocols/two-phase.ts: environment options (crashes) apply only to actor protocols; this spec is a plain Model (drop them, or write it with protocol())\n'],
      [['protocols/two-phase.ts', '--port', 'x'], 'faultline: option \'--port <n>\' argument \'x\' is invalid. --port takes a whole number, got "x" (see faultline --help)\n'],
      [['--trace', path.join(dir, 'missing.json')], `faultline: ${path.join(dir, 'missing.json')}: cannot read the trace file (give the path to a .json trace)\n`],
    ];
    const runs = await Promise.all(cases.map(([args]) => faultline('explore', ...args)));
    for (const [i, [args, stderr]] of cases.entries()) {
      const r = runs[i];
      expect(r.stderr, args.join(' ')).toBe(stderr);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
    }
    const garbage = path.join(dir, 'garbage.json');
    writeFileSync(garbage, '{"format":"faultline-trace","version":1,"__proto__":{"x":1}}');
    const r = await faultline('explore', '--trace', garbage);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^faultline: ${garbage.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: .+\\n$`));
  });

  it('a port in use is bad input naming the port and the fix', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const r = await faultline('explore', 'two-phase', '--port', String(port));
      expect(r.stderr).toBe(`faultline: port ${port}: already in use (pass --port N for another one, or --port 0 for any free port)\n`);
      expect(r.code).toBe(2);
    } finally {
      taken.close();
    }
  });

  it('escape sequences in a spec\'s name are printed inert', async () => {
    const run = await serving(['test/fixtures/specs/explorer/hostile-names.ts', '--port', '0'], async () => {});
    expect(run.stdout.split('\n')[0]).toBe('faultline explore: Hostile <script>alert("x")</script> & <img src=x onerror=alert(1)> \\u001b[2J\\u202e');
    expect(run.stdout).not.toMatch(/[\u001b\u202e]/);
    expect(run.code).toBe(130);
  });
});
