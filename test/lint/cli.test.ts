import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = 'test/fixtures/lint';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI from the repo root (asynchronously, so the tests of a block run concurrently). */
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

const FINDING_LINE = /^(\S+):(\d+):(\d+): (error|warning) ([a-z-]+): .+ \(fix: .+\)$/;

describe.concurrent('faultline lint: exit codes and output', () => {
  it('errors → exit 1, one line per finding and a summary', async () => {
    const r = await faultline('lint', `${FIXTURES}/world-mutation.ts`);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(0, -1).map((l) => FINDING_LINE.exec(l)?.slice(1, 6))).toEqual([
      [`${FIXTURES}/world-mutation.ts`, '20', '7', 'error', 'no-world-mutation'],
      [`${FIXTURES}/world-mutation.ts`, '24', '46', 'error', 'no-world-mutation'],
      [`${FIXTURES}/world-mutation.ts`, '30', '22', 'error', 'no-world-mutation'],
    ]);
    expect(lines.at(-1)).toMatch(/^3 errors, 0 warnings in 1 file \(\d+\.\d\d s\)$/);
  });

  it('only warnings → exit 0', async () => {
    const r = await faultline('lint', `${FIXTURES}/unsent-message.ts`);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => FINDING_LINE.test(l)).map((l) => FINDING_LINE.exec(l)![4])).toEqual(['warning', 'warning']);
  });

  it('clean → exit 0; several files at once', async () => {
    const r = await faultline('lint', 'protocols/two-generals.ts', 'protocols/paxos.ts');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^clean: 2 files, no findings \(\d+\.\d\d s\)\n$/);
  });

  it('--json: one object with the findings, counts and what it read from the types', async () => {
    const r = await faultline('lint', `${FIXTURES}/module-state.ts`, '--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['result', 'errors', 'warnings', 'seconds', 'files', 'findings', 'protocols']);
    expect(out).toMatchObject({ result: 'errors', errors: 2, warnings: 1, files: [`${FIXTURES}/module-state.ts`] });
    expect(out.seconds).toBeTypeOf('number');
    expect(out.findings[0]).toEqual({
      rule: 'no-module-state',
      severity: 'warning',
      file: `${FIXTURES}/module-state.ts`,
      line: 8,
      column: 5,
      message: expect.any(String),
      fix: 'declare it const',
    });
    expect(out.findings.map((f: { rule: string; line: number }) => `${f.line} ${f.rule}`)).toEqual(['8 no-module-state', '19 no-module-state', '20 no-module-state']);
    expect(out.protocols[0].messageTypes).toEqual(['Req']);
  });

  it('--json on a clean spec: result clean, exit 0', async () => {
    const r = await faultline('lint', 'protocols/two-phase-commit.ts', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ result: 'clean', errors: 0, warnings: 0, findings: [] });
  });

  it('a missing file → exit 2, one line', async () => {
    const r = await faultline('lint', 'no/such/spec.ts');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('faultline: no/such/spec.ts: no such file (give the path to a spec, e.g. protocols/two-phase.ts)\n');
  });
});

describe.concurrent('faultline check: lints the spec first', () => {
  it('a spec with Date.now() in a handler is refused: exit 2 with the lint lines', async () => {
    const r = await faultline('check', `${FIXTURES}/wall-clock.ts`);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^faultline: ${FIXTURES}/wall-clock\\.ts:14:48: error no-wall-clock: Date\\.now\\(\\) in client\\.onStart`));
    expect(lines[1]).toMatch(new RegExp(`^${FIXTURES}/wall-clock\\.ts:21:20: error no-wall-clock: new Date\\(\\)`));
    expect(lines[2]).toContain('--no-lint');
    expect(lines).toHaveLength(3);
  });

  it('--no-lint checks it anyway', async () => {
    const r = await faultline('check', `${FIXTURES}/wall-clock.ts`, '--no-lint');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pass: ');
  });

  it('--json: the refusal is still bad input on stderr, stdout stays empty', async () => {
    const r = await faultline('check', `${FIXTURES}/state-mutation.ts`, '--json');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^faultline: test\/fixtures\/lint\/state-mutation\.ts:15:5: error no-state-mutation: /);
  });

  it('warnings do not stop a check', async () => {
    const r = await faultline('check', `${FIXTURES}/unsent-message.ts`);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });
});
