import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bfs } from '../../checker/index.ts';
import { describeAction } from '../../specs/index.ts';
import lwwRegister, { about } from '../../protocols/lww-register.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The shortest lost update at skew 2: replica-1's clock runs 2 ahead of replica-2's. */
const LOST_UPDATE = [
  'deliver Write(value=v1) client→replica-1',
  'deliver Ack(value=v1, ts=[0,1]) replica-1→client',
  'deliver Replicate(value=v1, ts=[0,1]) replica-1→replica-2',
  'tick → t=1',
  'timer next @client',
  'deliver Read client→replica-1',
  'deliver ReadReply(value=v1, ts=[0,1]) replica-1→client',
  'deliver Write(value=v2) client→replica-2',
  'deliver Ack(value=v2, ts=[-1,2]) replica-2→client',
  'deliver Replicate(value=v2, ts=[-1,2]) replica-2→replica-1',
];

describe('LWWRegister', () => {
  it('defaults: two clocked replicas, a clockless client, time 0..2', () => {
    const m = lwwRegister();
    expect(m.name).toBe('LWWRegister');
    expect(m.topology.ids).toEqual(['replica-1', 'replica-2', 'client']);
    expect(m.environment).toMatchObject({ maxTime: 2, skew: 0 });
  });

  it('--skew 0: the later write gets the larger stamp (55 distinct, 69 generated, depth 12)', () => {
    const r = bfs(lwwRegister().configure({ environment: { skew: 0 } }));
    expect(r.verdict).toBe('pass');
    expect(r.stats).toMatchObject({ distinctStates: 55, generatedStates: 69, depth: 12 });
  });

  it('--skew 2: the acknowledged, causally later v2 loses to v1 in 10 steps (no faults)', () => {
    const m = lwwRegister().configure({ environment: { skew: 2 } });
    const r = bfs(m);
    expect(r.verdict).toBe('violation');
    expect(r.stats).toMatchObject({ distinctStates: 1291, generatedStates: 1611, depth: 11 });
    expect(r.violations).toHaveLength(1);
    const v = r.violations[0];
    expect(v.property).toBe('NoLostUpdate');
    expect(m.propertyKinds.NoLostUpdate).toBe('terminal');
    expect(v.path.actions.map((a) => describeAction(m, a))).toEqual(LOST_UPDATE);
    expect(m.clocks(v.path.states[0])).toEqual({ t: 0, local: { 'replica-1': 0, 'replica-2': -2 } });
    const last = v.path.states.at(-1)!;
    expect(m.quiescent(last)).toBe(true);
    expect(last.nodes).toEqual({
      'replica-1': { value: 'v1', ts: [0, 1] },
      'replica-2': { value: 'v1', ts: [0, 1] },
      client: { acked: { value: 'v2', ts: [-1, 2] }, read: 'v1' },
    });
  });

  it('--skew 2 --param read=false: the same loss without the read, in 8 steps', () => {
    const m = lwwRegister({ read: 'false' }).configure({ environment: { skew: 2 } });
    const r = bfs(m);
    expect(r.verdict).toBe('violation');
    expect(r.stats).toMatchObject({ distinctStates: 1091, generatedStates: 1361, depth: 9 });
    expect(r.violations[0].property).toBe('NoLostUpdate');
    expect(r.violations[0].path.actions.map((a) => describeAction(m, a))).toEqual(
      LOST_UPDATE.filter((l) => !l.includes('Read')),
    );
  });

  it('variant hlc at --skew 2: no update is lost (1735 distinct, 2073 generated, depth 12)', () => {
    const m = lwwRegister({ variant: 'hlc' });
    expect(m.name).toBe('LWWRegister/hlc');
    const r = bfs(m.configure({ environment: { skew: 2 } }));
    expect(r.verdict).toBe('pass');
    expect(r.stats).toMatchObject({ distinctStates: 1735, generatedStates: 2073, depth: 12 });
  });

  it('variant hlc at --skew 0 passes too (83 distinct, 96 generated, depth 12)', () => {
    const r = bfs(lwwRegister({ variant: 'hlc' }).configure({ environment: { skew: 0 } }));
    expect(r.verdict).toBe('pass');
    expect(r.stats).toMatchObject({ distinctStates: 83, generatedStates: 96, depth: 12 });
  });

  it('rejects bad parameters and describes itself', () => {
    expect(() => lwwRegister({ variant: 'nope' })).toThrow('unknown variant "nope" (known: hlc)');
    expect(() => lwwRegister({ read: 'maybe' })).toThrow('read must be true or false, got maybe');
    expect(Object.keys(about.params)).toEqual(['read']);
    expect(Object.keys(about.variants)).toEqual(['hlc']);
  });

  it('CLI: check --skew 2 --json exits 1 with the 10-step lost update', () => {
    const r = spawnSync('node', ['bin/faultline.js', 'check', 'protocols/lww-register.ts', '--skew', '2', '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.result).toBe('violation');
    expect(out.stats).toMatchObject({ distinctStates: 1291, generatedStates: 1611, depth: 11 });
    expect(out.violations).toHaveLength(1);
    const v = out.violations[0];
    expect(v).toMatchObject({ property: 'NoLostUpdate', length: 10 });
    expect(v.faults).toEqual({ drops: 0, dups: 0, crashes: 0, recoveries: 0, partitions: 0 });
    expect(v.trace.steps.map((s: { label: string }) => s.label)).toEqual(LOST_UPDATE);
    expect(v.trace.steps.at(-1).clocks).toEqual({ t: 1, local: { 'replica-1': 1, 'replica-2': -1 } });
  });
});
