import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { check as checkSpec } from '../../api/index.ts';
import { dfs } from '../../checker/index.ts';
import type { ActorModel, WorldState } from '../../specs/index.ts';
import capRegister, { about, type CapReplica } from '../../protocols/cap-register.ts';
import { check, NONE } from './helpers.ts';

/** Every reachable state of a small protocol (no property stops the walk). */
function reachable(m: ActorModel): WorldState[] {
  const seen = new Map<string, WorldState>();
  const queue = [...m.init()];
  while (queue.length > 0) {
    const s = queue.pop()!;
    const key = JSON.stringify(s);
    if (seen.has(key)) continue;
    seen.set(key, s);
    for (const a of m.actions(s)) queue.push(m.next(s, a)!);
  }
  return [...seen.values()];
}

describe('cap-register mode=cp: linearizable, not available under a partition', () => {
  it.each([
    { flags: 'no faults', env: {}, distinct: 109, generated: 114, depth: 9 },
    { flags: '--max-dups 1', env: { maxDups: 1 }, distinct: 544, generated: 858, depth: 11 },
  ])('Linearizable and EveryOperationCompletes hold with $flags: $distinct distinct', ({ env, distinct, generated, depth }) => {
    const { result } = check(capRegister(), env);
    expect(result.verdict).toBe('pass');
    expect(result.stats).toMatchObject({ distinctStates: distinct, generatedStates: generated, depth });
    expect(dfs(capRegister().configure({ environment: env })).stats).toMatchObject({ distinctStates: distinct, generatedStates: generated });
  });

  it('--partitions 1: replica-2\'s write waits on the far side: EveryOperationCompletes fails in 4 steps', () => {
    const { result, labels, faults } = check(capRegister(), { partitions: 1 });
    expect(result.verdict).toBe('violation');
    expect(result.violations[0].property).toBe('EveryOperationCompletes');
    expect(labels).toEqual(['timer write @replica-1', 'timer read @replica-1', 'timer write @replica-2', 'partition {replica-1} | {replica-2}']);
    expect(faults).toEqual({ ...NONE, partitions: 1 });
    expect(result.stats).toMatchObject({ distinctStates: 26, generatedStates: 33, depth: 5 });
  });

  it('--partitions 1 --max-dups 1: every reachable history is still linearizable (the failure is availability alone)', () => {
    const m = capRegister().configure({ environment: { partitions: 1, maxDups: 1 } });
    const states = reachable(m);
    expect(states).toHaveLength(1632); // told apart by their JSON text, not canonically as the checker does
    expect(states.every((s) => m.invariants!.Linearizable(s))).toBe(true);
    expect(states.filter((s) => m.quiescent(s) && !m.invariants!.EveryOperationCompletes(s)).length).toBeGreaterThan(0);
  });
});

describe('cap-register mode=ap: available, not linearizable', () => {
  it('replica-1 answers c1 after the write of c2 completed at replica-2: Linearizable fails in 3 steps, no fault', () => {
    const { result, labels, faults } = check(capRegister({ mode: 'ap' }));
    expect(result.verdict).toBe('violation');
    expect(result.violations[0].property).toBe('Linearizable');
    expect(labels).toEqual(['timer write @replica-1', 'timer write @replica-2', 'timer read @replica-1']);
    expect(faults).toEqual(NONE);
    expect(result.stats).toMatchObject({ distinctStates: 15, generatedStates: 16, depth: 4 });
    expect(check(capRegister({ mode: 'ap' }), { partitions: 1 }).result.stats).toMatchObject({ distinctStates: 21, generatedStates: 24, depth: 4 });
  });

  it('--partitions 1: every operation completes in every quiescent state, partitioned or not', () => {
    const m = capRegister({ mode: 'ap' }).configure({ environment: { partitions: 1 } });
    const states = reachable(m);
    const quiet = states.filter((s) => m.quiescent(s));
    expect(states).toHaveLength(339); // told apart by their JSON text
    expect(quiet.some((s) => s.split.length > 0)).toBe(true);
    expect(quiet.every((s) => (Object.values(s.nodes) as CapReplica[]).every((r) => r.phase === 'done'))).toBe(true);
    expect(states.some((s) => !m.invariants!.Linearizable(s))).toBe(true);
  });

  it('CLI: --param mode=ap exits 1 (Linearizable); mode=cp --partitions 1 exits 1 (EveryOperationCompletes); lint is clean', () => {
    const ap = spawnSync('node', ['bin/faultline.js', 'check', 'protocols/cap-register.ts', '--param', 'mode=ap', '--partitions', '1', '--json'], { encoding: 'utf8' });
    expect(ap.status).toBe(1);
    expect(JSON.parse(ap.stdout).violations[0]).toMatchObject({ property: 'Linearizable', length: 3 });
    const cp = spawnSync('node', ['bin/faultline.js', 'check', 'protocols/cap-register.ts', '--partitions', '1', '--json'], { encoding: 'utf8' });
    expect(cp.status).toBe(1);
    expect(JSON.parse(cp.stdout).violations[0]).toMatchObject({ property: 'EveryOperationCompletes', kind: 'terminal', length: 4 });
    expect(spawnSync('node', ['bin/faultline.js', 'lint', 'protocols/cap-register.ts'], { encoding: 'utf8' }).status).toBe(0);
  });
});

describe('cap-register params', () => {
  it('about lists mode and the documented check', () => {
    expect(Object.keys(about.params)).toEqual(['mode']);
    expect(about).toMatchObject({ flags: ['--partitions', '1'], expect: 'violation' });
  });

  it('rejects a bad mode with a clear error', () => {
    expect(() => capRegister({ mode: 'ca' })).toThrow('cap-register: mode must be cp or ap, got ca');
  });
});

describe('cap-register reachability goals: the pass is not vacuous', () => {
  it('both clients wrote and read back (8 steps)', async () => {
    const report = await checkSpec(capRegister(), { environment: {} });
    expect(report.result).toBe('pass');
    expect(report.stats.distinctStates).toBe(109);
    expect(report.reached!.map((g) => [g.goal, g.length])).toEqual([['BothClientsDone', 8]]);
  });
});
