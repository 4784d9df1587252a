import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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

/** Bad input: exit 2, nothing on stdout, one line on stderr naming `file`, no stack trace. Returns the line. */
function expectBadInput(r: Run, file?: string): string {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(/^ {4}at /m);
  expect(r.stderr.endsWith('\n')).toBe(true);
  const lines = r.stderr.slice(0, -1).split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0].startsWith('faultline: ')).toBe(true);
  if (file) expect(lines[0]).toContain(file);
  return lines[0];
}

let tmp: string;
/** `check --json` output of Two Generals (3 rounds, 1 drop), as written by check. */
let checkJson: string;
/** Its first violation's bare trace. */
let traceFile: string;
/** A kernel trace (DieHard), small enough for --state-graph. */
let dieHardFile: string;
/** A kernel trace whose model is too big for --state-graph's default cap. */
let twoPhaseFile: string;

async function checkTo(file: string, ...args: string[]): Promise<string> {
  const r = await faultline('check', ...args, '--json');
  expect(r.code).toBe(1);
  const target = path.join(tmp, file);
  writeFileSync(target, r.stdout);
  return target;
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'faultline-report-'));
  [checkJson, dieHardFile, twoPhaseFile] = await Promise.all([
    checkTo('two-generals-check.json', 'protocols/two-generals.ts', '--param', 'rounds=3', '--max-drops', '1'),
    checkTo('die-hard.json', 'protocols/die-hard.ts'),
    checkTo('two-phase.json', 'protocols/two-phase.ts', '--param', 'variant=commit-early'),
  ]);
  traceFile = path.join(tmp, 'two-generals-trace.json');
  writeFileSync(traceFile, JSON.stringify(JSON.parse(readFileSync(checkJson, 'utf8')).violations[0].trace, null, 2));
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.concurrent('faultline report: each format', () => {
  const FIRST_LINES: [string, string][] = [
    ['text', 'violation: terminal Agreement fails after 3 steps (1 drop)'],
    ['md', '# terminal Agreement violated in TwoGenerals(rounds=3)'],
    ['mermaid', 'sequenceDiagram'],
    ['html', '<!DOCTYPE html>'],
    ['dot', 'digraph trace {'],
  ];
  for (const [format, first] of FIRST_LINES) {
    it(`--format ${format} → exit 0, "${first}" first, the same from a bare trace and from check --json output`, async () => {
      const [bare, wrapped] = await Promise.all([faultline('report', traceFile, '--format', format), faultline('report', checkJson, '--format', format)]);
      expect(bare.code).toBe(0);
      expect(bare.stderr).toBe('');
      expect(bare.stdout.split('\n')[0]).toBe(first);
      expect(bare.stdout.endsWith('\n')).toBe(true);
      expect(wrapped).toEqual(bare);
    });
  }

  it('text is the default format: the violation, where it was found, then the steps with their diffs', async () => {
    const r = await faultline('report', traceFile);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'violation: terminal Agreement fails after 3 steps (1 drop)',
      '  spec      TwoGenerals(rounds=3) (protocols/two-generals.ts)',
      '  params    rounds=3',
      '  strategy  bfs',
      '  network   unordered network, drops ≤ 1, dups ≤ 0, crashes ≤ 0 (crash-stop), partitions ≤ 0',
    ]);
    expect(r.stdout).toMatch(/\n {2}3 {2}drop Messenger\(n=3\) general-A→general-B {2,}faults\.drops: 0 → 1\n/);
  });

  it('-o FILE writes the report there and nothing on stdout', async () => {
    const out = path.join(tmp, 'report.html');
    const [written, printed] = await Promise.all([faultline('report', traceFile, '--format', 'html', '-o', out), faultline('report', traceFile, '--format', 'html')]);
    expect(written.code).toBe(0);
    expect(written.stdout).toBe('');
    expect(written.stderr).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(printed.stdout);
  });

  it('--format dot --state-graph draws the small model\'s whole state graph with the trace highlighted', async () => {
    const r = await faultline('report', dieHardFile, '--format', 'dot', '--state-graph');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toBe('digraph states {');
    expect(r.stdout.split('\n').filter((l) => /^ {2}s\d+ \[/.test(l))).toHaveLength(16);
    expect(r.stdout).toContain('fillcolor="#ffebe9"');
  });
});

describe.concurrent('faultline report: bad input → exit 2, one line, no stack trace', () => {
  function write(name: string, text: string): string {
    const file = path.join(tmp, name);
    writeFileSync(file, text);
    return file;
  }

  it('a missing file', async () => {
    const line = expectBadInput(await faultline('report', 'nope/trace.json'), 'nope/trace.json');
    expect(line).toMatch(/cannot read/);
  });

  it('a file that is not JSON', async () => {
    const file = write('not-json.json', '{ "format": ');
    expect(expectBadInput(await faultline('report', file, '--format', 'md'), file)).toMatch(/not JSON/);
  });

  it('JSON that is not a trace', async () => {
    const file = write('not-trace.json', '{"hello": 1}');
    expect(expectBadInput(await faultline('report', file, '--format', 'md'), file)).toMatch(/not a faultline trace/);
  });

  it('a check result without a violation', async () => {
    const file = write('pass.json', JSON.stringify({ result: 'pass', stats: {}, violations: [] }));
    expect(expectBadInput(await faultline('report', file, '--format', 'html'), file)).toMatch(/no violation/);
  });

  it('a trace of another version', async () => {
    const trace = JSON.parse(readFileSync(traceFile, 'utf8'));
    const file = write('v2.json', JSON.stringify({ ...trace, version: 2 }));
    expect(expectBadInput(await faultline('report', file, '--format', 'mermaid'), file)).toMatch(/version 2 is not supported/);
  });

  it('a trace with a malformed step', async () => {
    const trace = JSON.parse(readFileSync(traceFile, 'utf8'));
    trace.steps[1] = { label: 7 };
    const file = write('bad-step.json', JSON.stringify(trace));
    expect(expectBadInput(await faultline('report', file, '--format', 'dot'), file)).toMatch(/step 2 must have a string "label"/);
  });

  it('an unknown format', async () => {
    const line = expectBadInput(await faultline('report', traceFile, '--format', 'pdf'));
    expect(line).toBe('faultline: --format pdf: unknown format (use one of: text, md, mermaid, html, dot)');
  });

  it('--state-graph without --format dot', async () => {
    expect(expectBadInput(await faultline('report', dieHardFile, '--state-graph'))).toMatch(/--state-graph: .*\(add --format dot\)/);
  });

  it('--state-graph on a model past the cap', async () => {
    const line = expectBadInput(await faultline('report', twoPhaseFile, '--format', 'dot', '--state-graph'), 'protocols/two-phase.ts');
    expect(line).toMatch(/more than 500 reachable states.*--max-states/);
  });

  it('-o into a directory that does not exist', async () => {
    const out = path.join(tmp, 'missing-dir', 'r.md');
    expect(expectBadInput(await faultline('report', traceFile, '--format', 'md', '-o', out), out)).toMatch(/cannot write the report: ENOENT/);
  });
});
