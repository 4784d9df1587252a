/**
 * Hostile inputs to `faultline check`, `replay` and `report`: every run is bounded, exit 0
 * means a verdict, a violation is never lost, a trace never runs code from elsewhere, and no
 * output overwrites an input. Each case runs the real CLI.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const HOSTILE = 'test/fixtures/specs/hostile';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI from the repo root; `onStderr` may act on the output as it comes (e.g. send SIGINT). */
function faultline(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; onStderr?: (text: string, kill: (s: NodeJS.Signals) => void) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/faultline.js'), ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      options.onStderr?.(stderr, (s) => child.kill(s));
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('exit 0 means a verdict', () => {
  it('init() returning no state is bad input, not a vacuous pass', async () => {
    const r = await faultline(['check', `${HOSTILE}/no-init.ts`]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`faultline: ${HOSTILE}/no-init.ts: the spec threw in init(): init() returned no initial state (return a list of at least one state) (fix the spec; --debug shows the stack)`);
  });

  it('actions() returning an object is bad input, not "no action"', async () => {
    const r = await faultline(['check', `${HOSTILE}/actions-object.ts`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the spec threw in actions(): actions() returned object, not a list (return an array of the enabled actions)');
  });

  it('a spec that calls process.exit(0) is refused with exit 2, not a silent pass', async () => {
    const r = await faultline(['check', `${HOSTILE}/exits.ts`, '--no-lint']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the spec threw in next() on action "step": the spec called process.exit(0)');
  });

  it('an unknown --param is refused, naming the parameters the spec declares', async () => {
    const r = await faultline(['check', 'protocols/two-phase.ts', '--param', 'rmm=5']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('faultline: protocols/two-phase.ts: --param rmm: unknown parameter (this spec declares: rm, variant)');
    const variant = await faultline(['check', 'protocols/two-phase.ts', '--param', 'variant=commit-erly']);
    expect(variant.code).toBe(2);
    expect(variant.stderr.trim()).toBe('faultline: protocols/two-phase.ts: --param variant=commit-erly: unknown variant (use one of: correct, commit-early)');
  });

  it('a parameter given to a spec that is not a factory is refused', async () => {
    const r = await faultline(['check', `${HOSTILE}/counter.ts`, '--param', 'n=3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--param n: this spec takes no parameters');
  });
});

describe('every run is bounded', () => {
  it('--timeout ends spec code that never returns: exit 3 with the counts so far', async () => {
    const started = Date.now();
    const r = await faultline(['check', `${HOSTILE}/hang.ts`, '--timeout', '1', '--no-lint']);
    expect(r.code).toBe(3);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.stdout).toContain('incomplete: stopped at the time limit (--timeout), inside spec code that never returned');
    expect(r.stdout).toContain('a call into the spec (init, actions, next or a property) never returned');
  });

  it('Ctrl-C stops the search with its partial counts, exit 130', async () => {
    let sent = false;
    const r = await faultline(['check', `${HOSTILE}/counter.ts`, '--progress', '--strategy', 'dfs'], {
      onStderr: (text, kill) => {
        if (!sent && text.includes('distinct')) {
          sent = true;
          kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stdout).toContain('incomplete: stopped at an interrupt (Ctrl-C) before exploring every state');
    const distinct = Number(/([\d,]+) distinct states/.exec(r.stdout)![1].replace(/,/g, ''));
    expect(distinct).toBeGreaterThan(0);
    expect(distinct).toBeLessThan(2_000_001);
  });

  it('memory that fills stops the search with its counts, exit 3, not a V8 fatal error', async () => {
    const r = await faultline(['check', `${HOSTILE}/grows.ts`, '--no-lint', '--max-memory', '300MB']);
    expect(r.stderr).not.toContain('FATAL ERROR');
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('incomplete: stopped at the memory limit (--max-memory, or a nearly full heap)');
    expect(Number(/([\d,]+) distinct states/.exec(r.stdout)![1].replace(/,/g, ''))).toBeGreaterThan(1000);
  });

  it('a heap too small for the search ends the search thread, not the process: exit 3', async () => {
    const r = await faultline(['check', `${HOSTILE}/leaks.ts`, '--no-lint'], { env: { NODE_OPTIONS: '--max-old-space-size=64' } });
    expect(r.stderr).not.toContain('FATAL ERROR');
    expect(r.code).toBe(3);
  });

  it('--workers above the machine\'s cores is capped, with a note', async () => {
    const r = await faultline(['check', 'protocols/two-phase.ts', '--workers', '999']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\n {2}workers {3}\d+ \(999 asked, capped at the machine's \d+ cores\)\n/);
    expect(r.stdout).toContain('288 distinct states, 1,146 generated, depth 11');
  });
});

describe('a found violation is always reported', () => {
  it('--out onto a file is refused before the search', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'faultline-out-'));
    const file = path.join(dir, 'not-a-dir');
    writeFileSync(file, 'keep me');
    const r = await faultline(['check', 'protocols/two-phase.ts', '--param', 'variant=commit-early', '--out', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`faultline: --out ${file}: not a directory (give a directory to write traces into)`);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });

  it('--out onto a dangling link is refused before the search', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'faultline-out-'));
    const link = path.join(dir, 'dangling');
    symlinkSync(path.join(dir, 'nowhere'), link);
    const r = await faultline(['check', 'protocols/two-phase.ts', '--param', 'variant=commit-early', '--out', link]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`faultline: --out ${link}: a link to nothing (give a directory to write traces into)`);
  });

  it('files named by params: two runs with different params keep both traces, and check says what it wrote', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'faultline-out-'));
    const a = await faultline(['check', 'protocols/two-phase.ts', '--param', 'variant=commit-early', '--out', dir]);
    const b = await faultline(['check', 'protocols/two-phase.ts', '--param', 'variant=commit-early', '--param', 'rm=4', '--out', dir]);
    expect([a.code, b.code]).toEqual([1, 1]);
    // Beside each counterexample, the witness of the reachability goal the search reached first.
    expect(readdirSync(dir).sort()).toEqual([
      'two-phase-variant=commit-early-SomeAborted-witness.json',
      'two-phase-variant=commit-early-SomeAborted-witness.md',
      'two-phase-variant=commit-early-TCConsistent.json',
      'two-phase-variant=commit-early-TCConsistent.md',
      'two-phase-variant=commit-early-rm=4-SomeAborted-witness.json',
      'two-phase-variant=commit-early-rm=4-SomeAborted-witness.md',
      'two-phase-variant=commit-early-rm=4-TCConsistent.json',
      'two-phase-variant=commit-early-rm=4-TCConsistent.md',
    ]);
    expect(a.stdout).toContain(`\nwrote ${path.join(dir, 'two-phase-variant=commit-early-TCConsistent.json')}\n`);
  });
});

describe('traces are data', () => {
  it('a liveness trace written by check --out replays (exit 1: still fails)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'faultline-live-'));
    const c = await faultline(['check', 'protocols/consensus-wait-all.ts', '--crashes', '1', '--out', dir]);
    expect(c.code).toBe(1);
    expect(c.stdout).toContain('violation: liveness Termination fails after 5 steps (1 crash)');
    const trace = path.join(dir, 'consensus-wait-all-Termination.json');
    expect(JSON.parse(readFileSync(trace, 'utf8')).loop).toEqual({ start: 5 });
    const r = await faultline(['replay', trace]);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe('reproduced: liveness Termination fails after 5 steps (1 crash)');
  });

  it('a trace naming a spec outside the project is not run', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'faultline-evil-'));
    const marker = path.join(outside, 'ran');
    writeFileSync(path.join(outside, 'evil.ts'), `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport default {};\n`);
    const dir = mkdtempSync(path.join(tmpdir(), 'faultline-trace-'));
    const good = await faultline(['check', 'protocols/two-phase.ts', '--param', 'variant=commit-early', '--out', dir]);
    expect(good.code).toBe(1);
    const file = path.join(dir, 'two-phase-variant=commit-early-TCConsistent.json');
    const trace = JSON.parse(readFileSync(file, 'utf8'));
    trace.spec.path = path.join(outside, 'evil.ts');
    const project = mkdtempSync(path.join(tmpdir(), 'faultline-project-'));
    writeFileSync(path.join(project, 'package.json'), '{}');
    mkdirSync(path.join(project, 'traces'));
    const sent = path.join(project, 'traces', 'sent.json');
    writeFileSync(sent, JSON.stringify(trace));
    for (const args of [['replay', sent], ['report', sent, '--format', 'dot', '--state-graph']]) {
      const r = await faultline(args, { cwd: project });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('is outside this project and the trace\'s folder; faultline will not run it (pass --allow-spec-outside if you trust this trace)');
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('report -o onto its own trace is refused; the trace survives', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'faultline-report-'));
    await faultline(['check', 'protocols/two-phase.ts', '--param', 'variant=commit-early', '--out', dir]);
    const file = path.join(dir, 'two-phase-variant=commit-early-TCConsistent.json');
    const before = readFileSync(file, 'utf8');
    const link = path.join(dir, 'link.json');
    symlinkSync(file, link);
    for (const output of [file, link]) {
      const r = await faultline(['report', file, '--format', 'md', '-o', output]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('that is the trace being reported; not overwritten');
    }
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});

describe('output is inert', () => {
  it('escape sequences in a spec cannot paint a fake verdict over the real one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'faultline-ansi-'));
    const spec = path.join(dir, 'ansi.ts');
    writeFileSync(
      spec,
      `import { defineModel } from 'faultline';\nexport default defineModel<number, string>({ name: 'x\\u001b[2J\\u001b[1Apass', init: () => [0], actions: () => ['\\u001b[32mok\\u001b[0m\\r'], next: (n) => n + 1, invariants: { ['\\u202epass']: (n) => n < 1 } });\n`,
    );
    const r = await faultline(['check', spec, '--no-lint']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/[\u001b\r\u202e]/);
    expect(r.stdout).toContain('\\u001b[2J');
  });
});
