import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { linkSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKvHistory, serializeJsonl } from '../../checker/history/index.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CORPUS = path.resolve(ROOT, 'test/fixtures/histories/porcupine');
const ETCD_OK = path.join(CORPUS, 'etcd/etcd_002.log'); // linearizable upstream
const ETCD_BAD = path.join(CORPUS, 'etcd/etcd_000.log'); // not linearizable upstream

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/faultline.js …` from the repo root (asynchronously, so tests run concurrently). */
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

/** Bad input: exit 2, nothing on stdout, exactly one line on stderr. Returns the line. */
function badInput(r: Run): string {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0].startsWith('faultline: ')).toBe(true);
  return lines[0];
}

const dir = mkdtempSync(path.join(tmpdir(), 'faultline-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}
const jsonl = (events: object[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';

// A read of the old value after the write completed: sequentially consistent, not linearizable.
const stale = file(
  'stale.jsonl',
  jsonl([
    { process: 0, type: 'invoke', f: 'write', value: 1 },
    { process: 0, type: 'ok', f: 'write', value: 1 },
    { process: 1, type: 'invoke', f: 'read' },
    { process: 1, type: 'ok', f: 'read', value: null },
  ]),
);

describe.concurrent('faultline history: verdicts and exit codes', () => {
  it('linearizable → exit 0, one verdict line', async () => {
    const r = await faultline('history', ETCD_OK, '--format', 'porcupine-etcd', '--model', 'cas-register');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/etcd_002\.log: linearizable \(cas-register model, 77 operations, \d+\.\d+ s\)\n$/);
  });

  it('not linearizable → exit 1, with the explanation', async () => {
    const r = await faultline('history', ETCD_BAD, '--format', 'porcupine-etcd', '--model', 'cas-register');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('not linearizable');
    expect(r.stdout).toContain('Failing window');
    expect(r.stdout).toContain('Longest partial linearization');
  });

  it('--json prints one object', async () => {
    const r = await faultline('history', ETCD_BAD, '--format', 'porcupine-etcd', '--model', 'cas-register', '--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ linearizable: false, result: 'violation', ops: 85, model: 'cas-register', format: 'porcupine-etcd' });
    expect(typeof out.seconds).toBe('number');
    expect(out.failure.failingOp).toMatchObject({ line: 85, op: 'read() → 2' });
    expect(out.failure.window.map((o: { id: number }) => o.id)).toContain(out.failure.failingOp.id);
    expect(out.failure.possibleStates).toEqual(['0', '1', '3', '4']);
  });

  it('--json on a linearizable history', async () => {
    const r = await faultline('history', ETCD_OK, '-f', 'porcupine-etcd', '-m', 'cas-register', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ linearizable: true, ops: 77 });
  });

  it('kv histories with the kv model', async () => {
    const ok = await faultline('history', path.join(CORPUS, 'kv/c01-ok.txt'), '--format', 'porcupine-kv', '--model', 'kv');
    const bad = await faultline('history', path.join(CORPUS, 'kv/c01-bad.txt'), '--format', 'porcupine-kv', '--model', 'kv', '--json');
    expect(ok.code).toBe(0);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).failure.partition).toBe('"7"');
  });

  it('--consistency sequential shows the difference', async () => {
    const lin = await faultline('history', stale, '--format', 'jsonl', '--model', 'register', '--json');
    const sc = await faultline('history', stale, '--format', 'jsonl', '--model', 'register', '--json', '--consistency', 'sequential');
    expect(lin.code).toBe(1);
    expect(JSON.parse(lin.stdout).linearizable).toBe(false);
    expect(sc.code).toBe(0);
    expect(JSON.parse(sc.stdout)).toMatchObject({ sequentiallyConsistent: true, consistency: 'sequential' });
  });

  it('--init sets the initial value (JSON or EDN)', async () => {
    const h = file('init.jsonl', jsonl([{ process: 0, type: 'invoke', f: 'read' }, { process: 0, type: 'ok', f: 'read', value: 5 }]));
    expect((await faultline('history', h, '--format', 'jsonl', '--model', 'cas-register')).code).toBe(1);
    expect((await faultline('history', h, '--format', 'jsonl', '--model', 'cas-register', '--init', '5')).code).toBe(0);
    expect((await faultline('history', h, '--format', 'jsonl', '--model', 'cas-register', '--init', 'nil')).code).toBe(1);
  });

  it('the format follows from a .jsonl extension', async () => {
    expect((await faultline('history', stale, '--model', 'register', '--consistency', 'sequential')).code).toBe(0);
  });

  it('--timeout gives up → exit 3', async () => {
    const events: object[] = [];
    for (let p = 0; p < 24; p++) events.push({ process: p, type: 'invoke', f: 'write', value: p });
    events.push({ process: 99, type: 'invoke', f: 'read' });
    for (let p = 0; p < 24; p++) events.push({ process: p, type: 'ok', f: 'write', value: p });
    events.push({ process: 99, type: 'ok', f: 'read', value: 1000 });
    const hard = file('hard.jsonl', jsonl(events));
    const r = await faultline('history', hard, '--format', 'jsonl', '--model', 'register', '--timeout', '0.2', '--json');
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ linearizable: null, result: 'timeout', gaveUp: true });
  });
});

describe.concurrent('faultline history --out', () => {
  it('writes Markdown', async () => {
    const out = path.join(dir, 'report.md');
    const r = await faultline('history', ETCD_BAD, '-f', 'porcupine-etcd', '-m', 'cas-register', '--out', out);
    expect(r.code).toBe(1);
    const md = readFileSync(out, 'utf8');
    expect(md).toMatch(/^# History check: /);
    expect(md).toContain('## Failing window');
  });

  it('writes an HTML timeline', async () => {
    const out = path.join(dir, 'report.html');
    const r = await faultline('history', ETCD_BAD, '-f', 'porcupine-etcd', '-m', 'cas-register', '--out', out);
    expect(r.code).toBe(1);
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('class="timeline"');
  });
});

describe.concurrent('faultline history: bad input → exit 2, one line', () => {
  it('a malformed line: file:line and what was expected', async () => {
    const bad = file('bad.log', 'INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:read\n');
    const line = badInput(await faultline('history', bad, '--format', 'porcupine-etcd', '--model', 'cas-register'));
    expect(line).toBe(`faultline: ${bad}:2: expected a value after :read (nil when there is none), found end of line`);
  });

  it('a malformed jsonl line', async () => {
    const bad = file('bad.jsonl', '{"process": 0, "type": "invoke", "f": "read"}\n{"process": 0, "type": "ok"\n');
    expect(badInput(await faultline('history', bad, '--format', 'jsonl', '--model', 'register'))).toMatch(new RegExp(`^faultline: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: expected a JSON object`));
  });

  it('a malformed EDN history', async () => {
    const bad = file('bad.edn', '[{:process 0, :type :invoke, :f :read, :value nil}\n {:process 0, :type :ok, :f :read, :value}]\n');
    expect(badInput(await faultline('history', bad, '--format', 'knossos-edn', '--model', 'register'))).toContain(`${bad}:2: expected a value for map key :value`);
  });

  it('a malformed porcupine-kv line', async () => {
    const bad = file('bad-kv.txt', '{:process 0, :type :invoke, :f :get, :key "1", :value nil}\n{:process 0 :type :ok :f :get :key}\n');
    expect(badInput(await faultline('history', bad, '--format', 'porcupine-kv', '--model', 'kv'))).toContain(`${bad}:2: expected a value for map key :key`);
  });

  it('an operation the model does not have', async () => {
    expect(badInput(await faultline('history', ETCD_BAD, '--format', 'porcupine-etcd', '--model', 'register'))).toMatch(/etcd_000\.log:19: the register model has read and write, not :cas$/);
  });

  it('unknown format, model or consistency', async () => {
    expect(badInput(await faultline('history', ETCD_OK, '--format', 'csv', '--model', 'register'))).toBe(
      'faultline: --format csv: unknown (use one of: porcupine-etcd, porcupine-kv, knossos-edn, jsonl)',
    );
    expect(badInput(await faultline('history', ETCD_OK, '--format', 'porcupine-etcd', '--model', 'queue'))).toBe(
      'faultline: --model queue: unknown (use one of: register, cas-register, kv)',
    );
    expect(badInput(await faultline('history', ETCD_OK, '-f', 'porcupine-etcd', '-m', 'register', '--consistency', 'eventual'))).toContain('--consistency eventual: unknown');
  });

  it('missing options and files', async () => {
    expect(badInput(await faultline('history', ETCD_OK, '--model', 'register'))).toContain('give --format');
    expect(badInput(await faultline('history', ETCD_OK, '--format', 'porcupine-etcd'))).toContain('give --model');
    expect(badInput(await faultline('history', 'no/such/file.log', '-f', 'porcupine-etcd', '-m', 'register'))).toBe('faultline: no/such/file.log: cannot read the history file');
    expect(badInput(await faultline('history', ETCD_OK, '-f', 'porcupine-etcd', '-m', 'register', '--out', 'x.pdf'))).toContain('give a .md (Markdown) or .html');
    expect(badInput(await faultline('history', ETCD_OK, '-f', 'porcupine-etcd', '-m', 'register', '--timeout', '-1'))).toContain('--timeout');
  });
});

describe.concurrent('faultline history: never overwrites the history, and the HTML report is inert', () => {
  const history = () => jsonl([
    { process: 0, type: 'invoke', f: 'write', value: 1 },
    { process: 0, type: 'ok', f: 'write', value: 1 },
    { process: 1, type: 'invoke', f: 'read' },
    { process: 1, type: 'ok', f: 'read', value: 2 },
  ]);

  it('--out naming the history file is refused before checking: exit 2, the file untouched', async () => {
    const h = file('self.html', history());
    const line = badInput(await faultline('history', h, '-f', 'jsonl', '-m', 'register', '--out', h));
    expect(line).toBe(`faultline: --out ${h}: that is the history file itself; give another file name (it would be overwritten)`);
    expect(readFileSync(h, 'utf8')).toBe(history());
    // The same file by another path: relative with dots, a symbolic link, a hard link.
    const dotted = path.join(dir, '.', '..', path.basename(dir), 'self.html');
    expect(badInput(await faultline('history', h, '-f', 'jsonl', '-m', 'register', '--out', dotted))).toContain('that is the history file itself');
    const sym = path.join(dir, 'sym.html');
    symlinkSync(h, sym);
    expect(badInput(await faultline('history', h, '-f', 'jsonl', '-m', 'register', '--out', sym))).toContain('that is the history file itself');
    expect(badInput(await faultline('history', sym, '-f', 'jsonl', '-m', 'register', '--out', h))).toContain('that is the history file itself');
    const hard = path.join(dir, 'hard.md');
    linkSync(h, hard);
    expect(badInput(await faultline('history', h, '-f', 'jsonl', '-m', 'register', '--out', hard))).toContain('that is the history file itself');
    expect(readFileSync(h, 'utf8')).toBe(history());
  });

  it('the HTML report carries a hash-based CSP: no unsafe-inline, no scripts, no style attributes', async () => {
    const out = path.join(dir, 'csp.html');
    const r = await faultline('history', ETCD_BAD, '-f', 'porcupine-etcd', '-m', 'cas-register', '--out', out);
    expect(r.code).toBe(1);
    const html = readFileSync(out, 'utf8');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
    expect(csp).toBeDefined();
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("default-src 'none'; script-src 'none'; style-src 'sha256-");
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]);
    expect(styles).toHaveLength(1);
    const digest = createHash('sha256').update(styles[0], 'utf8').digest('base64');
    expect(csp).toContain(`style-src 'sha256-${digest}';`);
    expect(html).not.toMatch(/<script|\sstyle=|\son[a-z]+=/i);
  });
});

describe.concurrent('faultline history: Knossos EDN and large histories', () => {
  const KNOSSOS = path.resolve(ROOT, 'test/fixtures/histories/knossos');

  it("an EDN history follows Knossos's rules: nil reads match any state", async () => {
    const r = await faultline('history', path.join(KNOSSOS, 'nil-reads.edn'), '--model', 'cas-register', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ linearizable: true, ops: 5, format: 'knossos-edn' });
    const stale = await faultline('history', path.join(KNOSSOS, 'stale-read.edn'), '--model', 'cas-register', '--json');
    expect(stale.code).toBe(1);
    expect(JSON.parse(stale.stdout).failure.failingOp).toEqual({ id: 3, line: 9, process: 2, op: 'read() → 1', outcome: 'ok' });
  });

  it('deeply nested EDN or JSON lines: one line, exit 2', async () => {
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    const edn = file('deep.edn', `[{:process 0, :type :invoke, :f :write, :value ${deep}}]\n`);
    expect(badInput(await faultline('history', edn, '-m', 'register'))).toBe(`faultline: ${edn}:1: expected at most 200 levels of nested collections, found deeper nesting`);
    const lines = file('deep.jsonl', `{"process": 0, "type": "invoke", "f": "write", "value": ${deep}}\n`);
    expect(badInput(await faultline('history', lines, '-m', 'register'))).toBe(
      `faultline: ${lines}:1: expected a "value" and "key" with at most 200 levels of nesting, found deeper nesting`,
    );
  });

  it('a 50-client history of 5,000 operations is decided; a hard one is bounded by --timeout (exit 3)', async () => {
    const easy = file('c50.jsonl', serializeJsonl(generateKvHistory({ clients: 50, ops: 5000, keys: 10 }).history));
    const ok = await faultline('history', easy, '-m', 'kv', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ linearizable: true, ops: 5000, partitions: 10 });
    const hard = file('c50-hard.jsonl', serializeJsonl(generateKvHistory({ clients: 50, ops: 5000, keys: 10, latency: 1, seed: 2 }).history));
    const r = await faultline('history', hard, '-m', 'kv', '--timeout', '1', '--json');
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ linearizable: null, result: 'timeout', gaveUp: true, ops: 5000 });
  });
});
