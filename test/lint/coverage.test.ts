import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bfs, dfs } from '../../checker/index.ts';
import { renderCoverage, withCoverage } from '../../checker/coverage.ts';
import { isActorModel, type ActorModel, type Params } from '../../specs/index.ts';
import twoGenerals from '../../protocols/two-generals.ts';
import unreached from '../fixtures/lint/coverage-unreached.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const zero = { states: 0, transitions: 0 };

describe('check --coverage: counts', () => {
  it('Two Generals (rounds=2), default bounds: pinned', () => {
    const { model, report } = withCoverage(twoGenerals({ rounds: 2 }));
    const result = bfs(model);
    expect(result.stats).toMatchObject({ distinctStates: 3, generatedStates: 3 });
    expect(report()).toEqual({
      counting: 'distinct-states',
      handlers: [
        { role: 'general', kind: 'start', name: 'onStart', label: 'general.onStart', states: 1, transitions: 1 },
        { role: 'general', kind: 'message', name: 'Messenger', label: 'general.on.Messenger', states: 2, transitions: 2 },
      ],
      messages: [{ type: 'Messenger', delivered: { states: 2, transitions: 2 }, dropped: zero, duplicated: zero }],
      faults: [],
      properties: [{ name: 'Agreement', kind: 'terminal', states: 1 }],
      neverReached: { handlers: [], messages: [], faults: [], properties: [] },
    });
  });

  it('Two Generals (rounds=2) with one duplicate: pinned, and BFS and DFS count alike', () => {
    const model = twoGenerals({ rounds: 2 }).configure({ environment: { maxDups: 1 } });
    const viaBfs = withCoverage(model);
    expect(bfs(viaBfs.model).stats).toMatchObject({ distinctStates: 9, generatedStates: 11 });
    const viaDfs = withCoverage(model);
    dfs(viaDfs.model);
    expect(viaDfs.report()).toEqual(viaBfs.report());
    const r = viaBfs.report();
    expect(r.handlers!.map((h) => [h.label, h.states, h.transitions])).toEqual([
      ['general.onStart', 1, 1],
      ['general.on.Messenger', 7, 8],
    ]);
    expect(r.messages).toEqual([{ type: 'Messenger', delivered: { states: 7, transitions: 8 }, dropped: zero, duplicated: { states: 2, transitions: 2 } }]);
    expect(r.faults).toEqual([{ kind: 'dups', states: 2, transitions: 2 }]);
    expect(r.properties).toEqual([{ name: 'Agreement', kind: 'terminal', states: 2 }]);
  });

  it('a violation: counts cover the search, not the replay that rebuilds the trace', () => {
    const { model, report } = withCoverage(twoGenerals({ rounds: 2 }).configure({ environment: { maxDrops: 1 } }));
    expect(bfs(model).verdict).toBe('violation');
    const r = report();
    expect(r.messages).toEqual([{ type: 'Messenger', delivered: { states: 2, transitions: 2 }, dropped: { states: 2, transitions: 2 }, duplicated: zero }]);
    expect(r.faults).toEqual([{ kind: 'drops', states: 2, transitions: 2 }]);
  });

  it('lists the handlers, message types and faults never reached', () => {
    const { model, report } = withCoverage(unreached.configure({ environment: { maxDups: 1 } }), { messageTypes: ['Req', 'Resp', 'Retry'] });
    bfs(model);
    const r = report();
    expect(r.neverReached).toEqual({
      handlers: ['client.timers.retry', 'client.onRecover', 'server.on.Retry'],
      messages: ['Retry'],
      faults: [],
      properties: [],
    });
    expect(r.handlers!.filter((h) => h.states > 0).map((h) => h.label)).toEqual(['client.onStart', 'client.on.Resp', 'server.on.Req']);
    expect(r.faults!.map((f) => f.kind)).toEqual(['drops', 'dups']);
    const text = renderCoverage(r);
    expect(text).toContain('never reached (bounds too small?): handler client.timers.retry; handler client.onRecover; handler server.on.Retry; message Retry (never delivered)');
  });

  it('a fault the environment allows but the search never injects is never reached', () => {
    // A partition is allowed, but the search is cut before any step is taken.
    const model = unreached.configure({ environment: { partitions: 1, maxDrops: 0 } });
    const { model: counted, report } = withCoverage(model);
    bfs(counted, { maxDepth: 0 });
    expect(report().neverReached.faults).toEqual(['partitions']);
  });

  it('kernel models: per action and per invariant', () => {
    const { model, report } = withCoverage({
      name: 'counter',
      init: () => [0],
      actions: (n: number) => (n < 3 ? ['inc', 'reset'] : ['reset']),
      next: (n: number, a: string) => (a === 'inc' ? n + 1 : 0),
      invariants: { small: (n: number) => n <= 3 },
    });
    bfs(model);
    expect(report()).toEqual({
      counting: 'distinct-states',
      actions: [
        { action: 'inc', states: 3, transitions: 3 },
        { action: 'reset', states: 4, transitions: 4 },
      ],
      properties: [{ name: 'small', kind: 'invariant', states: 4 }],
      neverReached: { handlers: [], messages: [], faults: [], properties: [] },
    });
  });
});

describe('the bundled zoo: every handler is reached under its default bounds', () => {
  /**
   * Handlers a protocol cannot reach under its defaults, by design of its defaults: recovery
   * handlers need --crashes/--recover, retry timers need loss, a detector's timeout firing is
   * the bug its safe defaults rule out. Each entry is a finding, not a goal.
   */
  const KNOWN: Record<string, string[]> = {
    'heartbeat-detector.ts': ['monitor.timers.timeout'],
    'paxos.ts': ['proposer.timers.start', 'proposer.onRecover'],
    'two-phase-commit.ts': ['coordinator.on.Inquire', 'coordinator.onRecover', 'participant.onRecover'],
    'consensus-timeout.ts': ['node.on.Estimate', 'node.timers.timeout'],
    'raft.ts': ['server.onRecover'],
    // Replicate is sent only with --param mode=ap; the default mode=cp forwards to one primary.
    'cap-register.ts': ['replica.on.Replicate'],
  };
  const files = readdirSync(path.join(ROOT, 'protocols'))
    .filter((f) => f.endsWith('.ts'))
    .sort();

  it.each(files)('%s', async (file) => {
    const mod = (await import(pathToFileURL(path.join(ROOT, 'protocols', file)).href)) as { default: unknown };
    const exported = mod.default;
    const built = typeof exported === 'function' && !isActorModel(exported) ? (exported as (p: Params) => unknown)({}) : exported;
    if (!isActorModel(built)) return; // a kernel model: no handlers
    const { model, report } = withCoverage(built as ActorModel);
    const result = bfs(model, { timeoutSeconds: 60 });
    expect(result.verdict === 'incomplete').toBe(false);
    expect(report().neverReached.handlers).toEqual(KNOWN[file] ?? []);
  });
});

describe('check --coverage: the CLI', () => {
  function faultline(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['bin/faultline.js', ...args], { cwd: ROOT });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it.concurrent('--json has a coverage field; text has a coverage section', async () => {
    const [json, text] = await Promise.all([
      faultline('check', 'protocols/two-generals.ts', '--param', 'rounds=2', '--coverage', '--json'),
      faultline('check', 'test/fixtures/lint/coverage-unreached.ts', '--coverage'),
    ]);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    expect(out.result).toBe('pass');
    expect(out.coverage.handlers.map((h: { label: string; states: number }) => [h.label, h.states])).toEqual([
      ['general.onStart', 1],
      ['general.on.Messenger', 2],
    ]);
    expect(out.coverage.neverReached).toEqual({ handlers: [], messages: [], faults: [], properties: [] });
    expect(text.code).toBe(0);
    const section = text.stdout.slice(text.stdout.indexOf('\ncoverage '));
    expect(section).toMatch(/\n {4}server\.on\.Retry +0 +states\n/);
    expect(section).toMatch(/\n {4}drops +2 +injected, from 2 states\n/);
    expect(section).toContain('never reached (bounds too small?): handler client.timers.retry; handler client.onRecover; handler server.on.Retry; message Retry (never delivered)');
  });

  it.concurrent('without --coverage there is no coverage field', async () => {
    const r = await faultline('check', 'protocols/two-generals.ts', '--json');
    expect(JSON.parse(r.stdout).coverage).toBeUndefined();
  });
});

describe('the handlers only a param reaches', () => {
  it('cap-register.ts with mode=ap reaches Replicate, and only the cp handlers stay unreached', async () => {
    const mod = (await import(pathToFileURL(path.join(ROOT, 'protocols', 'cap-register.ts')).href)) as { default: (p: Params) => unknown };
    const { model, report } = withCoverage(mod.default({ mode: 'ap' }) as ActorModel);
    const result = bfs(model, { timeoutSeconds: 60 });
    expect(result.verdict === 'incomplete').toBe(false);
    expect(report().neverReached.handlers).toEqual(['replica.on.Forward', 'replica.on.Relay']);
  });
});
