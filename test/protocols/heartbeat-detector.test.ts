import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bfs } from '../../checker/index.ts';
import { describeAction, type Params } from '../../specs/index.ts';
import heartbeatDetector, { about } from '../../protocols/heartbeat-detector.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Checks the detector with `params` in the default environment changed by `environment`. */
function check(params: Params, environment: Record<string, number | boolean>) {
  const m = heartbeatDetector(params).configure({ environment });
  const r = bfs(m);
  return { m, r, labels: r.violations.map((v) => v.path.actions.map((a) => describeAction(m, a))) };
}

describe('HeartbeatDetector', () => {
  it('defaults: period 2, timeout 4, prompt timers, delay ≤ 1, time 0..8', () => {
    const m = heartbeatDetector();
    expect(m.name).toBe('HeartbeatDetector');
    expect(m.topology.ids).toEqual(['monitor', 'monitored']);
    expect(m.environment).toMatchObject({ maxTime: 8, maxDelay: 1, promptTimers: true, skew: 0, drift: 0 });
  });

  it.each<{ name: string; params: Params; env: Record<string, number>; distinct: number; generated: number; depth: number }>([
    { name: 'defaults (4 > 2 + 1)', params: {}, env: {}, distinct: 28, generated: 32, depth: 15 },
    { name: '--skew 1 without drift: constant offsets measure durations exactly', params: {}, env: { skew: 1 }, distinct: 252, generated: 288, depth: 15 },
    { name: '--skew 1 --drift 1 --param timeout=8 (8 > 2 + 1 + 4·1)', params: { timeout: 8 }, env: { skew: 1, drift: 1 }, distinct: 2148, generated: 5574, depth: 15 },
  ])('passes: $name', ({ params, env, distinct, generated, depth }) => {
    const { r } = check(params, env);
    expect(r.verdict).toBe('pass');
    expect(r.stats).toMatchObject({ distinctStates: distinct, generatedStates: generated, depth });
  });

  it('--skew 1 --drift 1: the monitor clock runs fast and its timeout of 4 lasts 2 ticks (3 steps)', () => {
    const { m, r, labels } = check({}, { skew: 1, drift: 1 });
    expect(r.verdict).toBe('violation');
    expect(r.stats).toMatchObject({ distinctStates: 155, generatedStates: 288, depth: 4 });
    expect(r.violations[0].property).toBe('NeverSuspectLive');
    expect(labels[0]).toEqual(['tick → t=1 (drift monitor +1)', 'tick → t=2 (drift monitor +1)', 'timer timeout @monitor']);
    expect(r.violations[0].path.states.map((s) => m.clocks(s))).toEqual([
      { t: 0, local: { monitor: -1, monitored: -1 } },
      { t: 1, local: { monitor: 1, monitored: 0 } },
      { t: 2, local: { monitor: 3, monitored: 1 } },
      { t: 2, local: { monitor: 3, monitored: 1 } },
    ]);
  });

  it.each([2, 3])('--max-delay %i: the heartbeat of t=2 is still in flight when the timeout fires at t=4 (6 steps)', (maxDelay) => {
    const { r, labels } = check({}, { maxDelay });
    expect(r.verdict).toBe('violation');
    expect(r.stats).toMatchObject({ distinctStates: 13, generatedStates: 13, depth: 7 });
    expect(r.violations[0].property).toBe('NeverSuspectLive');
    expect(labels[0]).toEqual(['tick → t=1', 'tick → t=2', 'timer beat @monitored', 'tick → t=3', 'tick → t=4', 'timer timeout @monitor']);
  });

  it('--skew 1 --drift 1 --param timeout=6 still fails (6 ≤ 2 + 1 + 4·1): the beat clock slows, then the monitor clock speeds up (5 steps)', () => {
    const { m, r, labels } = check({ timeout: 6 }, { skew: 1, drift: 1 });
    expect(r.verdict).toBe('violation');
    expect(r.stats).toMatchObject({ distinctStates: 510, generatedStates: 1098, depth: 6 });
    expect(r.violations[0].property).toBe('NeverSuspectLive');
    expect(labels[0]).toEqual([
      'tick → t=1 (drift monitored -1)',
      'tick → t=2 (drift monitored -1)',
      'tick → t=3 (drift monitor +1)',
      'tick → t=4 (drift monitor +1)',
      'timer timeout @monitor',
    ]);
    expect(m.clocks(r.violations[0].path.states[0])).toEqual({ t: 0, local: { monitor: -1, monitored: 1 } });
  });

  it('--skew 1 --drift 1 --param timeout=7 fails too, on the boundary: the timeout beats the first heartbeat (7 steps)', () => {
    const { r, labels } = check({ timeout: 7 }, { skew: 1, drift: 1 });
    expect(r.verdict).toBe('violation');
    expect(r.stats).toMatchObject({ distinctStates: 958, generatedStates: 2288, depth: 8 });
    expect(r.violations[0].property).toBe('NeverSuspectLive');
    expect(labels[0]).toEqual([
      'tick → t=1 (drift monitored -1)',
      'tick → t=2 (drift monitored -1)',
      'tick → t=3',
      'tick → t=4 (drift monitor +1)',
      'timer beat @monitored',
      'tick → t=5 (drift monitor +1)',
      'timer timeout @monitor',
    ]);
  });

  it('rejects bad parameters and describes itself', () => {
    expect(() => heartbeatDetector({ period: 0 })).toThrow('period must be a positive integer, got 0');
    expect(() => heartbeatDetector({ timeout: 'x' })).toThrow('timeout must be a positive integer, got x');
    expect(() => heartbeatDetector({ variant: 'nope' })).toThrow('unknown variant "nope"');
    expect(Object.keys(about.params)).toEqual(['period', 'timeout']);
    expect(about.variants).toEqual({});
  });

  it('CLI: check --skew 1 --drift 1 --json exits 1 with the 3-step false suspicion', () => {
    const r = spawnSync(
      'node',
      ['bin/faultline.js', 'check', 'protocols/heartbeat-detector.ts', '--skew', '1', '--drift', '1', '--json'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.result).toBe('violation');
    expect(out.stats).toMatchObject({ distinctStates: 155, generatedStates: 288, depth: 4 });
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatchObject({ property: 'NeverSuspectLive', length: 3 });
    expect(out.violations[0].trace.steps.map((s: { label: string }) => s.label)).toEqual([
      'tick → t=1 (drift monitor +1)',
      'tick → t=2 (drift monitor +1)',
      'timer timeout @monitor',
    ]);
    expect(out.violations[0].trace.steps.at(-1).clocks).toEqual({ t: 2, local: { monitor: 3, monitored: 1 } });
  });
});
