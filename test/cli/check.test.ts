import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = 'test/fixtures/specs';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command from the repo root and collects its output. */
function run(command: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Runs the real CLI, `node bin/faultline.js …`, from the repo root. Asynchronous (not
 * spawnSync) so that the tests of each describe block run concurrently: every spawn
 * costs ~0.4 s of tsx start-up, and the suite must stay fast.
 */
function faultline(...args: string[]): Promise<Run> {
  return run(process.execPath, ['bin/faultline.js', ...args]);
}

function json(r: Run): any {
  return JSON.parse(r.stdout);
}

/** Bad input: exit 2, nothing on stdout, one line on stderr, no stack trace. Returns the line. */
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

const NO_FAULTS = { drops: 0, dups: 0, crashes: 0, recoveries: 0, partitions: 0 };

describe.concurrent('faultline check: verdicts and exit codes', () => {
  it('pass → exit 0, with a header and a summary', async () => {
    const r = await faultline('check', 'protocols/two-phase.ts');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    // The header's wording is free; its content is not.
    expect(lines[0]).toBe('faultline check protocols/two-phase.ts');
    expect(lines.slice(1, 4).map((l) => l.trim().split(/\s+/)[0])).toEqual(['spec', 'params', 'strategy']);
    expect(lines[1]).toMatch(/ TwoPhase$/);
    expect(lines[3]).toMatch(/ bfs$/);
    expect(lines.find((l) => l.startsWith('pass: '))).toBeDefined();
    expect(r.stdout).toMatch(/\n288 distinct states, 1,146 generated, depth 11, \d+\.\d\d s/);
    // TLC's optimistic estimate: 288 × (1146 − 288) / 2^64.
    expect(r.stdout).toContain('\nfingerprint collision probability (optimistic, as TLC computes it): 1.3e-14\n');
  });

  it('--exact compares full states: same TLC numbers, collisions counted (text and JSON)', async () => {
    const text = await faultline('check', 'protocols/two-phase.ts', '--param', 'rm=5', '--exact');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/\n8,832 distinct states, 58,146 generated, depth 17, .*\nexact: states compared in full; 0 fingerprint collisions among them\n/);
    const r = await faultline('check', 'protocols/two-phase.ts', '--exact', '--json');
    expect(json(r).stats).toMatchObject({ distinctStates: 288, generatedStates: 1146, depth: 11, fingerprintCollisions: 0 });
    const random = await faultline('check', 'protocols/two-phase.ts', '--exact', '--strategy', 'random');
    expect(random.code).toBe(2);
    expect(random.stderr.trim()).toBe('faultline: --exact needs an exhaustive search (--strategy bfs or dfs)');
  });

  it('violation → exit 1, with the property, the step count and the trace', async () => {
    const r = await faultline('check', 'protocols/two-phase.ts', '--param', 'variant=commit-early');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('faultline check protocols/two-phase.ts');
    expect(lines[1]).toMatch(/ TwoPhase\/commit-early$/);
    expect(lines[2]).toMatch(/ variant=commit-early$/);
    expect(lines[5]).toMatch(/^violation: .*TCConsistent.* 3 steps/);
    expect(lines[6]).toMatch(/^49 distinct states, 77 generated, depth 4, /);
    expect(lines.slice(7).join('\n')).toBe(
      [
        '',
        // TwoPhase's reachability goals: the search stopped at the violation before AllCommitted.
        'reachable SomeAborted: reached in 1 step',
        '',
        '  0  initial state         msgs.abort = false',
        '                           msgs.commit = false',
        '                           msgs.prepared = [false,false,false]',
        '                           rmState = ["working","working","working"]',
        '                           tmPrepared = [false,false,false]',
        '                           tmState = "init"',
        '  1  TMCommit              msgs.commit: false → true',
        '                           tmState: "init" → "committed"',
        '  2  RMChooseToAbort(rm1)  rmState[0]: "working" → "aborted"',
        '  3  RMRcvCommitMsg(rm2)   rmState[1]: "working" → "committed"',
        '',
      ].join('\n'),
    );
  });

  it('--max-states 10 → exit 3 (incomplete)', async () => {
    const r = await faultline('check', 'protocols/two-phase.ts', '--max-states', '10');
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/\nincomplete: .*--max-states/);
    expect(r.stdout).toMatch(/\n10 distinct states, 10 generated, depth 3, /);
  });

  it('--max-depth: 9 steps cut TwoPhase rm=3 (exit 3), 10 steps cut nothing (exit 0)', async () => {
    const cut = await faultline('check', 'protocols/two-phase.ts', '--max-depth', '9', '--json');
    expect(cut.code).toBe(3);
    expect(json(cut).result).toBe('incomplete');
    expect(json(cut).stats.depth).toBe(10);
    const whole = await faultline('check', 'protocols/two-phase.ts', '--max-depth', '10', '--json');
    expect(whole.code).toBe(0);
    // The states 10 steps away are checked but not expanded: 6 fewer successors than TLC's 1146.
    expect(json(whole)).toMatchObject({ result: 'pass', stats: { distinctStates: 288, generatedStates: 1140, depth: 11 } });
  });

  it('--timeout → exit 3 (incomplete)', async () => {
    const r = await faultline('check', 'protocols/two-phase.ts', '--param', 'rm=5', '--timeout', '0.000001', '--json');
    expect(r.code).toBe(3);
    expect(json(r).result).toBe('incomplete');
    expect(json(r).stats.distinctStates).toBeLessThan(8832);
  });

  it('--strategy dfs reaches the same states', async () => {
    const r = await faultline('check', 'protocols/two-phase.ts', '--strategy', 'dfs', '--json');
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ result: 'pass', stats: { distinctStates: 288, generatedStates: 1146 } });
  });
});

describe.concurrent('faultline check --json', () => {
  it('pass: exactly { result, stats, violations } with TLC numbers (rm=3 and rm=5)', async () => {
    for (const [rm, distinct, generated, depth] of [
      [3, 288, 1146, 11],
      [5, 8832, 58146, 17],
    ]) {
      const r = await faultline('check', 'protocols/two-phase.ts', '--param', `rm=${rm}`, '--json');
      expect(r.code).toBe(0);
      expect(r.stdout.trim().split('\n')).toHaveLength(1);
      const out = json(r);
      // reached / unreached: TwoPhase declares reachability goals.
      expect(Object.keys(out)).toEqual(['result', 'stats', 'violations', 'reached', 'unreached']);
      expect(Object.keys(out.stats)).toEqual(['distinctStates', 'generatedStates', 'depth', 'seconds']);
      const { reached, ...rest } = out;
      expect(rest).toEqual({
        result: 'pass',
        stats: { distinctStates: distinct, generatedStates: generated, depth, seconds: out.stats.seconds },
        violations: [],
        unreached: [],
      });
      expect(reached.map((g: { goal: string; length: number }) => [g.goal, g.length])).toEqual([['AllCommitted', rm === 3 ? 10 : 16], ['SomeAborted', 1]]);
      expect(typeof out.stats.seconds).toBe('number');
      expect(out.stats.seconds).toBeGreaterThanOrEqual(0);
    }
  });

  it('violation: property, length (steps), faults and the trace', async () => {
    const r = await faultline('check', 'protocols/two-phase.ts', '--param', 'variant=commit-early', '--json');
    expect(r.code).toBe(1);
    const out = json(r);
    expect(Object.keys(out)).toEqual(['result', 'stats', 'violations', 'reached', 'unreached']);
    expect(out.result).toBe('violation');
    expect(out.stats).toMatchObject({ distinctStates: 49, generatedStates: 77, depth: 4 });
    expect(out.violations).toHaveLength(1);
    const v = out.violations[0];
    expect(Object.keys(v)).toEqual(['property', 'kind', 'length', 'faults', 'trace']);
    expect(v.property).toBe('TCConsistent');
    expect(v.length).toBe(3);
    expect(v.faults).toEqual(NO_FAULTS);
    expect(v.trace).toMatchObject({
      format: 'faultline-trace',
      version: 1,
      spec: { path: 'protocols/two-phase.ts', name: 'TwoPhase/commit-early' },
      params: { variant: 'commit-early' },
      strategy: 'bfs',
      property: { name: 'TCConsistent', kind: 'invariant' },
      faults: NO_FAULTS,
      initial: { index: 0 },
    });
    expect(v.trace.steps.map((s: { label: string; index: number }) => [s.label, s.index])).toEqual([
      ['TMCommit', 0],
      ['RMChooseToAbort(rm1)', 1],
      ['RMRcvCommitMsg(rm2)', 3],
    ]);
    expect(v.trace.steps[2].state.rmState).toEqual(['aborted', 'committed', 'working']);
  });

  it('die-hard: NotFour after 6 steps ending in { small: 3, big: 4 }', async () => {
    const r = await faultline('check', 'protocols/die-hard.ts', '--json');
    expect(r.code).toBe(1);
    const out = json(r);
    expect(out.stats).toMatchObject({ distinctStates: 14, generatedStates: 73, depth: 7 });
    expect(out.violations[0]).toMatchObject({ property: 'NotFour', length: 6, faults: NO_FAULTS });
    expect(out.violations[0].trace.steps.map((s: { label: string }) => s.label)).toEqual([
      'FillBig',
      'BigToSmall',
      'EmptySmall',
      'BigToSmall',
      'FillBig',
      'BigToSmall',
    ]);
    expect(out.violations[0].trace.steps[5].state).toEqual({ small: 3, big: 4 });
  });

  it('incomplete: result "incomplete" with the stats so far', async () => {
    const r = await faultline('check', 'protocols/two-phase.ts', '--max-states', '10', '--json');
    expect(r.code).toBe(3);
    const out = json(r);
    expect(out.result).toBe('incomplete');
    expect(out.stats).toMatchObject({ distinctStates: 10, generatedStates: 10, depth: 3 });
    expect(out.violations).toEqual([]);
  });

  it('`npx --no-install faultline check protocols/two-phase.ts --json` works from the repo root', async () => {
    const r = await run('npx', ['--no-install', 'faultline', 'check', 'protocols/two-phase.ts', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      result: 'pass',
      stats: { distinctStates: 288, generatedStates: 1146, depth: 11 },
      violations: [],
    });
  });
});

describe.concurrent('faultline check: bad input → exit 2, one line, no stack trace', () => {
  let tmp: string;
  let moduleDir: string;

  beforeAll(() => {
    // The syntax-error fixture is kept as .txt so that `tsc -p .` does not parse it.
    tmp = mkdtempSync(path.join(tmpdir(), 'faultline-cli-'));
    moduleDir = path.join(tmp, 'esm');
    mkdirSync(moduleDir);
    writeFileSync(path.join(moduleDir, 'package.json'), '{ "type": "module" }\n');
    copyFileSync(path.join(ROOT, FIXTURES, 'syntax-error.ts.txt'), path.join(moduleDir, 'syntax-error.ts'));
    copyFileSync(path.join(ROOT, FIXTURES, 'syntax-error.ts.txt'), path.join(tmp, 'syntax-error.ts'));
  });

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('missing file', async () => {
    const line = expectBadInput(await faultline('check', `${FIXTURES}/nope.ts`), `${FIXTURES}/nope.ts`);
    expect(line).toBe(`faultline: ${FIXTURES}/nope.ts: no such file (give the path to a spec, e.g. protocols/two-phase.ts, or a bundled protocol's name, e.g. two-phase)`);
  });

  it('a directory', async () => {
    expectBadInput(await faultline('check', FIXTURES), FIXTURES);
  });

  it('default export not a Model', async () => {
    const line = expectBadInput(await faultline('check', `${FIXTURES}/not-a-model.ts`), `${FIXTURES}/not-a-model.ts`);
    expect(line).toBe(
      `faultline: ${FIXTURES}/not-a-model.ts: the default export is not a Model (export default a Model (defineModel({...})), a protocol({...}) or a factory (params) => Model)`,
    );
  });

  it('syntax error in the spec', async () => {
    const file = path.join(moduleDir, 'syntax-error.ts');
    const line = expectBadInput(await faultline('check', file), file);
    expect(line).toContain('syntax error');
  });

  it('syntax error: the line says where and what the error is', async () => {
    const file = path.join(moduleDir, 'syntax-error.ts');
    const line = expectBadInput(await faultline('check', file), file);
    expect(line).toContain('syntax-error.ts:8:6');
    expect(line).toContain('Expected "]" but found ":"');
  });

  it('syntax error in a spec outside an ESM package: the line still says what the error is', async () => {
    const file = path.join(tmp, 'syntax-error.ts');
    const line = expectBadInput(await faultline('check', file), file);
    expect(line).toContain('Expected "]" but found ":"');
  });

  it('spec factory throws', async () => {
    const line = expectBadInput(await faultline('check', `${FIXTURES}/factory-throws.ts`), `${FIXTURES}/factory-throws.ts`);
    expect(line).toBe(
      `faultline: ${FIXTURES}/factory-throws.ts: the spec factory threw: param n is required (check the --param values)`,
    );
    const bundled = expectBadInput(await faultline('check', 'protocols/two-phase.ts', '--param', 'rm=0'), 'protocols/two-phase.ts');
    expect(bundled).toBe(
      'faultline: protocols/two-phase.ts: the spec factory threw: rm must be a positive integer, got 0 (check the --param values)',
    );
  });

  it('spec throws in next: the message line, then the trace to the state', async () => {
    const r = await faultline('check', `${FIXTURES}/throws-in-next.ts`);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/^ {4}at /m);
    expect(r.stderr).toBe(
      [
        `faultline: ${FIXTURES}/throws-in-next.ts: the spec threw in next() on action "inc": counter overflow at n=2 (fix the spec; --debug shows the stack)`,
        'the state it threw on, and how it was reached:',
        '  0  initial state  n = 0',
        '  1  inc            n: 0 → 1',
        '  2  inc            n: 1 → 2',
        '',
      ].join('\n'),
    );
  });

  it('a spec whose next writes to its input (past the lint): one line saying so, and the trace', async () => {
    for (const workers of ['1', '2']) {
      const r = await faultline('check', `${FIXTURES}/mutates-state.ts`, '--no-lint', '--workers', workers);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        [
          `faultline: ${FIXTURES}/mutates-state.ts: the spec threw in next() on action "inc": next() changed the state it was given (states are immutable: return a new state, copying what changes) (fix the spec; --debug shows the stack)`,
          'the state it threw on, and how it was reached:',
          '  0  initial state  n = 0',
          '',
        ].join('\n'),
      );
    }
  });

  it('spec throws in next with --debug: the stack follows', async () => {
    const r = await faultline('--debug', 'check', `${FIXTURES}/throws-in-next.ts`);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toContain('counter overflow at n=2');
    expect(r.stderr).toMatch(/^ {4}at /m);
    expect(r.stderr).toContain('throws-in-next.ts');
  });

  it('nondeterministic spec', async () => {
    const line = expectBadInput(await faultline('check', `${FIXTURES}/nondeterministic.ts`, '--no-lint'), `${FIXTURES}/nondeterministic.ts`);
    expect(line).toBe(
      `faultline: ${FIXTURES}/nondeterministic.ts: replaying step 1 produced a different state than the search saw: the spec is nondeterministic (Date.now, Math.random, or mutable state shared between calls?)`,
    );
  });

  it('an actor spec whose handler is not deterministic (past the lint): the handler named, the two runs, and the trace', async () => {
    const r = await faultline('check', `${FIXTURES}/nondeterministic-handler.ts`, '--no-lint');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const [first, second] = r.stderr.split('\n');
    expect(first).toMatch(
      new RegExp(
        `^faultline: ${FIXTURES}/nondeterministic-handler\\.ts: the spec threw in actions\\(\\): counter\\.on\\.Tick is not deterministic at counter handling Tick from pinger-[12]: run twice on the same local state, timers and message, it did different things \\(first .*, then .*\\); does it read Date\\.now, Math\\.random or a variable outside its local state\\? \\(fix the spec; --debug shows the stack\\)$`,
      ),
    );
    expect(second).toBe('the state it threw on, and how it was reached:');
    expect(r.stderr).not.toMatch(/^ {4}at /m);
  });

  it('unknown flag', async () => {
    const line = expectBadInput(await faultline('check', 'protocols/two-phase.ts', '--bogus'));
    expect(line).toBe("faultline: unknown option '--bogus' (see faultline --help)");
  });

  it('unknown flag close to a known one: still one line', async () => {
    const line = expectBadInput(await faultline('check', 'protocols/two-phase.ts', '--jsn'));
    expect(line).toContain('--json');
  });

  it('unknown strategy', async () => {
    const line = expectBadInput(await faultline('check', 'protocols/two-phase.ts', '--strategy', 'annealing'));
    expect(line).toBe('faultline: --strategy annealing: unknown strategy (use one of: bfs, dfs, random)');
  });

  it('malformed --param', async () => {
    expect(expectBadInput(await faultline('check', 'protocols/two-phase.ts', '--param', 'rm'))).toBe(
      'faultline: --param rm: expected key=value, e.g. --param rm=5',
    );
    expect(expectBadInput(await faultline('check', 'protocols/two-phase.ts', '--param', '=3'))).toBe(
      'faultline: --param =3: expected key=value, e.g. --param rm=5',
    );
  });

  it('malformed --max-states', async () => {
    const line = expectBadInput(await faultline('check', 'protocols/two-phase.ts', '--max-states', 'abc'));
    expect(line).toContain('--max-states takes a whole number, got "abc"');
  });
});

describe.concurrent('faultline list', () => {
  it('lists two-phase with its parameter and its variant, and die-hard', async () => {
    const r = await faultline('list');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(
      [
        'protocols/two-phase.ts',
        "  Lamport's TwoPhase.tla: a TM and N resource managers commit or abort together",
        '  --param rm=…  number of resource managers (default 3)',
        '  check:  faultline check protocols/two-phase.ts  → pass',
        '  --param variant=commit-early  the TM commits before every RM is prepared: TCConsistent fails in 3 steps',
        '    check:  faultline check protocols/two-phase.ts --param variant=commit-early  → violation',
        '',
      ].join('\n'),
    );
    expect(r.stdout).toContain('protocols/die-hard.ts\n  The Die Hard jugs puzzle: the invariant "big ≠ 4" fails in 6 steps\n  check:  faultline check protocols/die-hard.ts  → violation\n');
  });
});
