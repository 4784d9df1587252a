import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LOG = path.join(ROOT, 'test/fixtures/runtime/two-phase-commit.jsonl');
const TEXT = readFileSync(LOG, 'utf8');
const HEADER = TEXT.split('\n')[0];
const dir = mkdtempSync(path.join(tmpdir(), 'faultline-conform-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

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

/** Bad input: exit 2, nothing on stdout, one line on stderr. */
function badInput(r: Run): string {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0];
}

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('faultline conform', () => {
  it('exit 0 on a real log, with the counts', async () => {
    const r = await faultline('conform', 'two-phase-commit', LOG);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^conforms: all 39 events of .*two-phase-commit\.jsonl are steps of TwoPhaseCommit\(n=2\) with retries=2\n  24 model steps, 1 model state consistent with the log at the end, /);
  });

  it('exit 1 on a tampered log: the event, why, and the longest matched prefix', async () => {
    const tampered = TEXT.replace('"seq":12,"t":307,"kind":"recover","state":{"state":"committed"}', '"seq":12,"t":307,"kind":"recover","state":{"state":"working"}');
    expect(tampered).not.toBe(TEXT);
    const r = await faultline('conform', 'two-phase-commit', file('tampered.jsonl', tampered));
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^does not conform: .*tampered\.jsonl:40: participant-1#12 recover$/);
    expect(lines[1]).toBe('  state differs in field state: logged "working", model "committed"');
    expect(lines[2]).toBe('longest matched prefix: 38 of 39 events (23 model steps), the last 8:');
    expect(lines.at(-1)).toBe('  participant-1#11 crash');
  });

  it('--json prints the report', async () => {
    const r = await faultline('conform', 'two-phase-commit', LOG, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ result: 'conforms', events: 39, matched: 39, steps: 24, params: { retries: 2 } });
  });

  it('bad input: one line naming file:line and the fix, never executing the log', async () => {
    const cases: [string, string, RegExp][] = [
      ['not-json', `${HEADER}\nnot json`, /not-json\.jsonl:2: not JSON: "not json"/],
      ['version', `${HEADER}\n{"v":2,"kind":"start","node":"coordinator","seq":1,"t":0}`, /version\.jsonl:2: log version 2: this faultline reads version 1/],
      ['proto-node', `${HEADER}\n{"v":1,"kind":"start","node":"__proto__","seq":1,"t":0}`, /proto-node\.jsonl:2: unknown node "__proto__" \(the log is not of this protocol's nodes/],
      ['constructor-kind', `${HEADER}\n{"v":1,"kind":"constructor","node":"coordinator","seq":1,"t":0}`, /constructor-kind\.jsonl:2: unknown event kind "constructor"/],
      ['escape', `${HEADER}\n{"v":1,"kind":"start","node":"\\u001b[2Jevil","seq":1,"t":0}`, /escape\.jsonl:2: unknown node "\\u001b\[2Jevil"/],
      ['no-msg', `${HEADER}\n{"v":1,"kind":"deliver","node":"coordinator","seq":1,"t":0,"from":"participant-1"}`, /no-msg\.jsonl:2: a deliver event needs a well-formed "msg"/],
      ['seq', `${HEADER}\n{"v":1,"kind":"start","node":"coordinator","seq":0,"t":0}`, /seq\.jsonl:2: "seq" must be the node's sequence number/],
      ['twice', TEXT + TEXT.split('\n').slice(1).join('\n'), /twice\.jsonl:\d+: coordinator has two events with seq 1 .*a log concatenated twice\?/],
      ['empty', `${HEADER}\n`, /empty\.jsonl: no events/],
      ['array', `${HEADER}\n[1,2]`, /array\.jsonl:2: expected a JSON object/],
      ['skew', `${HEADER.slice(0, -1)},"skew":-1}\n{"v":1,"kind":"start","node":"coordinator","seq":1,"t":0}`, /skew\.jsonl:1: the run header's "skew" must be a whole number of ticks from 0 to 1000/],
    ];
    const results = await Promise.all(cases.map(([name, text]) => faultline('conform', 'two-phase-commit', file(`${name}.jsonl`, text))));
    results.forEach((r, i) => {
      const line = badInput(r);
      expect(line).toMatch(cases[i][2]);
      expect(line).not.toMatch(/\u001b/);
    });
    expect(badInput(await faultline('conform', 'two-phase-commit', path.join(dir, 'missing.jsonl')))).toMatch(/missing\.jsonl: no such file/);
    expect(badInput(await faultline('conform', 'two-phase-commit', dir))).toMatch(/not a file/);
    const start = file('start.jsonl', '{"v":1,"kind":"start","node":"coordinator","seq":1,"t":0}\n');
    expect(badInput(await faultline('conform', 'protocols/die-hard.ts', start))).toMatch(/die-hard\.ts: not an actor protocol/);
  });

  it('a huge line is refused as malformed, not crashed on', async () => {
    const huge = `${HEADER}\n{"v":1,"kind":"start","node":"${'x'.repeat(2_000_000)}","seq":1,"t":0}`;
    expect(badInput(await faultline('conform', 'two-phase-commit', file('huge.jsonl', huge)))).toMatch(/^faultline: .*huge\.jsonl:2: unknown node "x{56}…" \(the log is not/);
  });
});

describe('faultline run', () => {
  it('runs, writes the log, prints the final states, and the log conforms', async () => {
    const log = path.join(dir, 'run.jsonl');
    const r = await faultline('run', 'two-phase-commit', '--for', '0.6', '--tick-ms', '50', '--log', log, '--seed', '4', '--crash', 'participant-1@0.2');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ran TwoPhaseCommit\(n=2\) for 0\.\d s over memory: \d+ events → /);
    expect(r.stdout).toContain('  participant-1    {"state":"committed"}');
    expect((await faultline('conform', 'two-phase-commit', log)).code).toBe(0);
  });

  it("conform --history writes the run's client operations for faultline history (quorum-kv: linearizable)", async () => {
    const log = path.join(dir, 'kv.jsonl');
    const history = path.join(dir, 'kv-history.jsonl');
    expect((await faultline('run', 'quorum-kv', '--for', '0.5', '--log', log, '--seed', '2')).code).toBe(0);
    const r = await faultline('conform', 'quorum-kv', log, '--history', history);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`faultline: wrote 2 client operations to ${history}: check them with faultline history ${history} --model …\n`);
    expect(readFileSync(history, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))).toEqual([
      { process: 'writer', type: 'invoke', f: 'write', value: 'v1' },
      { process: 'writer', type: 'ok', f: 'write', value: null },
      { process: 'reader', type: 'invoke', f: 'read' },
      { process: 'reader', type: 'ok', f: 'read', value: 'v1' },
    ]);
    const checked = await faultline('history', history, '--model', 'register');
    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(/linearizable \(register model, 2 operations/);
    expect(badInput(await faultline('conform', 'quorum-kv', log, '--history', log))).toMatch(/--history .*kv\.jsonl: that is the log itself/);
    expect(readFileSync(log, 'utf8')).toContain('"kind":"run"');
  });

  it('bad flags: one line', async () => {
    expect(badInput(await faultline('run', 'two-phase-commit', '--crash', 'nobody'))).toBe('faultline: --crash nobody: expected NODE@SECONDS, e.g. --crash participant-1@0.5');
    expect(badInput(await faultline('run', 'two-phase-commit', '--crash', 'nobody@1'))).toBe('faultline: --crash nobody@1: no node "nobody" (nodes: coordinator, participant-1, participant-2)');
    expect(badInput(await faultline('run', 'two-phase-commit', '--transport', 'tcp'))).toBe('faultline: --transport tcp: unknown (use memory or udp)');
    expect(badInput(await faultline('run', 'two-phase-commit', '--drop-rate', '2'))).toMatch(/--drop-rate takes a probability in \[0, 1\), got "2"/);
  });
});
