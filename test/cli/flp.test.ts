import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI, `node bin/faultline.js …`, from the repo root (asynchronously, so tests run concurrently). */
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

/** The lines of a printed run, trimmed, from the heading that starts with `title` to the next blank line. */
function section(out: string, title: string): string[] {
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.startsWith(title));
  expect(start, `section "${title}"`).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end).map((l) => l.trim().replace(/\s+/g, ' '));
}

describe.concurrent('faultline flp', () => {
  it('consensus-wait-all: bivalent initial configuration, critical configuration, the crash, and the verdict (exit 1)', async () => {
    const r = await faultline('flp', 'protocols/consensus-wait-all.ts');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('faultline flp protocols/consensus-wait-all.ts');
    expect(r.stdout).toMatch(/graph +2,916 states, 9,477 edges: 169 bivalent, 2,504 univalent, 243 /);
    expect(r.stdout).toMatch(/crashes ≤ 1 \(crash-stop\)/);
    expect(section(r.stdout, '1. Initial configurations (1)')).toEqual([
      '#0 no inputs yet {0,1}',
      'bivalent initial configuration: #0 {0,1} — both decisions are still possible',
    ]);
    const critical = section(r.stdout, '2. Critical configuration {0,1} after 6 steps');
    expect(r.stdout).toContain("node-3's next step decides");
    expect(critical).toEqual([
      'timer propose @node-3 [chose 0] → {0}',
      'timer propose @node-3 [chose 1] → {1}',
      '0 initial state {0,1}',
      '1 timer propose @node-1 [chose 1] {0,1}',
      '2 deliver Input(v=1) node-1→node-2 {0,1}',
      '3 deliver Input(v=1) node-1→node-3 {0,1}',
      '4 timer propose @node-2 [chose 1] {0,1}',
      '5 deliver Input(v=1) node-2→node-1 {0,1}',
      '6 deliver Input(v=1) node-2→node-3 {0,1}',
    ]);
    const crash = section(r.stdout, '3. Crash node-3 at the critical configuration');
    expect(crash).toHaveLength(4);
    expect(crash[0]).toBe('⋮ steps 1–5 as above');
    expect(crash[1]).toBe('6 deliver Input(v=1) node-2→node-3 {0,1}');
    expect(crash[2]).toMatch(/^✖ node-3 crashes here/);
    expect(crash[3]).toMatch(/^⟲ stays here forever/);
    expect(lines.at(-1)).toBe('verdict: violates termination: bivalent forever with 1 crash');
  });

  it('--json: the report with replayable traces; the crash run is a lasso (loop start 6 = its length: it stays)', async () => {
    const r = await faultline('flp', 'protocols/consensus-wait-all.ts', '--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.verdict).toBe('violates termination: bivalent forever with 1 crash');
    expect(out.stats).toMatchObject({ distinctStates: 2916, edges: 9477, bivalent: 169 });
    expect(out.values).toEqual([0, 1]);
    expect(out.initial).toEqual([{ index: 0, inputs: {}, valency: '{0,1}' }]);
    expect(out.critical).toMatchObject({ node: 'node-3', valency: '{0,1}', run: { length: 6 } });
    expect(out.crash).toMatchObject({ node: 'node-3', at: 'critical', mode: 'silent', outcome: 'non-termination' });
    expect(out.crash.run).toMatchObject({ length: 6, loop: { start: 6 }, reason: 'quiescent', crashAt: 6 });
    expect(out.crash.run.valency).toEqual(Array(7).fill('{0,1}'));
    expect(out.crash.run.trace).toMatchObject({ format: 'faultline-trace', loop: { start: 6 } });
    expect(out.crash.run.trace.steps).toHaveLength(6);
    expect(out.nonTermination).toMatchObject({ crashes: 1, length: 5, loop: { start: 5 }, reason: 'deadlock' });
    expect(out.disagreement).toBeNull();
  });

  it('--md: Markdown with tables and Mermaid sequence diagrams, for design reviews', async () => {
    const r = await faultline('flp', 'protocols/consensus-wait-all.ts', '--md');
    expect(r.code).toBe(1);
    expect(r.stdout.startsWith('# FLP walk-through: ConsensusWaitAll(n=3)\n')).toBe(true);
    expect(r.stdout).toContain('| # | step | valency | decided |');
    expect(r.stdout).toContain('```mermaid\nsequenceDiagram\n');
    expect(r.stdout).toContain('Note over node_3: ✖ crashes: no more steps');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('**Verdict: violates termination: bivalent forever with 1 crash**');
  });

  it('consensus-wait-all --param inputs=start: no bivalent initial configuration; Lemma 2 crashes node-1 at the start', async () => {
    const r = await faultline('flp', 'protocols/consensus-wait-all.ts', '--param', 'inputs=start');
    expect(r.code).toBe(1);
    expect(section(r.stdout, '1. Initial configurations (8)').slice(-1)).toEqual(["adjacent: #3 {0} and #7 {1} differ only in node-1's input"]);
    expect(r.stdout).toContain('3. Crash node-1 before its first step');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('verdict: violates termination: undecided forever with 1 crash');
  });

  it('consensus-wait-majority: violates agreement, with the 5-step disagreement', async () => {
    const r = await faultline('flp', 'protocols/consensus-wait-majority.ts');
    expect(r.code).toBe(1);
    const run = section(r.stdout, 'Disagreement, shortest (5 steps)');
    expect(run).toHaveLength(6);
    expect(run[5]).toBe('5 timer propose @node-3 [chose 1] {0,1} decided node-2=0 node-3=1');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('verdict: violates agreement');
  });

  it('consensus-timeout: the crashed coordinator is timed out: terminates and agrees (exit 0)', async () => {
    const r = await faultline('flp', 'protocols/consensus-timeout.ts');
    expect(r.code).toBe(0);
    const crash = section(r.stdout, '3. Crash node-1 at the critical configuration');
    expect(crash[0]).toBe('⋮ step 1 as above');
    expect(crash[2]).toBe('✖ 3 crash node-1 {0}');
    expect(crash.at(-1)).toBe('12 deliver Decide(v=0) node-2→node-3 {0} decided node-2=0 node-3=0');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(
      'verdict: terminates and agrees — this protocol is not asynchronous (it uses timing: partial synchrony)',
    );
  });

  it('bad input: a spec without a consensus declaration, or two output formats (exit 2, one line)', async () => {
    const r = await faultline('flp', 'protocols/two-phase.ts');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^faultline: protocols\/two-phase\.ts: faultline flp needs a consensus protocol: declare consensus: .*\n$/);
    const both = await faultline('flp', 'protocols/consensus-wait-all.ts', '--json', '--md');
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('faultline: --json and --md: choose one output format\n');
  });
});

describe.concurrent('faultline check: declared liveness properties after the safety search', () => {
  it('--crashes 1: Termination fails as a lasso; the text marks where the run stays forever', async () => {
    const r = await faultline('check', 'protocols/consensus-wait-all.ts', '--crashes', '1');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('violation: liveness Termination fails after 5 steps (1 crash)');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('  ⟲ forever: the run stays in the state after step 5 (no fair step is left to take)');
  });

  it('--json: the violation\'s trace carries the loop start', async () => {
    const r = await faultline('check', 'protocols/consensus-wait-all.ts', '--crashes', '1', '--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.result).toBe('violation');
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatchObject({ property: 'Termination', length: 5, faults: { crashes: 1 } });
    expect(out.violations[0].trace).toMatchObject({ property: { name: 'Termination', kind: 'liveness' }, loop: { start: 5 } });
  });

  it('no crash: safety and liveness pass (exit 0)', async () => {
    const r = await faultline('check', 'protocols/consensus-wait-all.ts');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pass: ');
  });
});
