import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bfs } from '../../checker/index.ts';
import { describeAction } from '../../specs/index.ts';
import leaseLock, { about } from '../../protocols/lease-lock.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The shortest split brain at skew 3: both clients' clocks run 3 behind the service's.
 * client-1 still believes its lease (expiring at 5) valid at t=4 (its clock reads 1 < 5 − 3)
 * and writes; the write is in flight while the lease expires and client-2 gets the next one.
 */
const SPLIT_BRAIN = [
  'deliver Acquire client-1→service',
  'deliver Acquire client-2→service',
  'deliver Grant(token=1, expiresAt=5) service→client-1',
  'deliver Deny service→client-2',
  'tick → t=1',
  'tick → t=2',
  'tick → t=3',
  'tick → t=4',
  'timer write @client-1',
  'timer retry @client-2',
  'tick → t=5',
  'deliver Acquire client-2→service',
  'deliver Grant(token=2, expiresAt=10) service→client-2',
  'timer write @client-2',
  'deliver Write(token=2) client-2→storage',
  'deliver Write(token=1) client-1→storage',
];

describe('LeaseLock', () => {
  it('defaults: a clockless service and storage, two clocked clients, time 0..7, delay ≤ 1', () => {
    const m = leaseLock();
    expect(m.name).toBe('LeaseLock');
    expect(m.topology.ids).toEqual(['service', 'client-1', 'client-2', 'storage']);
    expect(m.environment).toMatchObject({ maxTime: 7, maxDelay: 1, skew: 0 });
  });

  it('--skew 0: writes from successive leases never interleave (884 distinct, 1480 generated, depth 19)', () => {
    const r = bfs(leaseLock().configure({ environment: { skew: 0 } }));
    expect(r.verdict).toBe('pass');
    expect(r.stats).toMatchObject({ distinctStates: 884, generatedStates: 1480, depth: 19 });
  });

  it('--skew 3: split brain in 16 steps (37176 distinct, 65235 generated, depth 17)', () => {
    const m = leaseLock().configure({ environment: { skew: 3 } });
    const r = bfs(m);
    expect(r.verdict).toBe('violation');
    expect(r.stats).toMatchObject({ distinctStates: 37176, generatedStates: 65235, depth: 17 });
    expect(r.violations).toHaveLength(1);
    const v = r.violations[0];
    expect(v.property).toBe('NoSplitBrainWrites');
    expect(v.path.actions.map((a) => describeAction(m, a))).toEqual(SPLIT_BRAIN);
    expect(m.world(v.path.states.at(-1)!).node('storage')).toEqual({ accepted: [2, 1] });
  });

  it('variant fencing at --skew 3: storage refuses the stale token (39670 distinct, 68606 generated, depth 19)', () => {
    const m = leaseLock({ variant: 'fencing' });
    expect(m.name).toBe('LeaseLock/fencing');
    const r = bfs(m.configure({ environment: { skew: 3 } }));
    expect(r.verdict).toBe('pass');
    expect(r.stats).toMatchObject({ distinctStates: 39670, generatedStates: 68606, depth: 19 });
  });

  it('rejects an unknown variant and describes itself', () => {
    expect(() => leaseLock({ variant: 'nope' })).toThrow('unknown variant "nope" (known: fencing)');
    expect(Object.keys(about.params)).toEqual(['clients', 'lease', 'margin']);
    expect(Object.keys(about.variants)).toEqual(['fencing']);
  });

  it('CLI: check --skew 3 --json exits 1; every step of the trace carries t and both clients\' local clocks', () => {
    const r = spawnSync('node', ['bin/faultline.js', 'check', 'protocols/lease-lock.ts', '--skew', '3', '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.result).toBe('violation');
    expect(out.stats).toMatchObject({ distinctStates: 37176, generatedStates: 65235, depth: 17 });
    expect(out.violations).toHaveLength(1);
    const v = out.violations[0];
    expect(v).toMatchObject({ property: 'NoSplitBrainWrites', length: 16 });
    expect(v.faults).toEqual({ drops: 0, dups: 0, crashes: 0, recoveries: 0, partitions: 0 });
    const steps: { label: string; clocks: { t: number; local: Record<string, number> } }[] = v.trace.steps;
    expect(steps.map((s) => s.label)).toEqual(SPLIT_BRAIN);
    // Only clocked nodes appear: the service and storage are the reference clock.
    expect(v.trace.initial.clocks).toEqual({ t: 0, local: { 'client-1': -3, 'client-2': -3 } });
    const ts = [0, 0, 0, 0, 1, 2, 3, 4, 4, 4, 5, 5, 5, 5, 5, 5];
    expect(steps.map((s) => s.clocks)).toEqual(ts.map((t) => ({ t, local: { 'client-1': t - 3, 'client-2': t - 3 } })));
    // client-1 writes at t=4 believing its lease (expiresAt 5, margin 3) valid: its clock reads 1.
    expect(steps[8]).toMatchObject({ label: 'timer write @client-1', clocks: { t: 4, local: { 'client-1': 1 } } });
  });
});

describe('reachability goals: the pass is not vacuous', () => {
  it('reaches every goal it declares, with pinned witness lengths', () => {
    const r = bfs(leaseLock({}));
    expect(r.verdict).toBe('pass');
    expect(r.reached?.map((g) => [g.goal, g.path.actions.length])).toEqual([['LeasedWrite', 4]]);
    expect(r.unreached).toEqual([]);
  });
});
