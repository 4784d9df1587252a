import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { check as checkSpec } from '../../api/index.ts';
import { dfs } from '../../checker/index.ts';
import type { WorldState } from '../../specs/index.ts';
import causalBroadcast, { about, type CausalNode } from '../../protocols/causal-broadcast.ts';
import { check, NONE } from './helpers.ts';

/** Follows the actions whose labels are `labels`, from the first initial state. */
function walk(labels: string[], params = {}) {
  const m = causalBroadcast(params);
  let state = [...m.init()][0] as WorldState;
  for (const label of labels) {
    const action = [...m.actions(state)].find((a) => m.describe!(a) === label);
    if (!action) throw new Error(`no action "${label}"`);
    state = m.next(state, action)!;
  }
  return state;
}

describe('causal-broadcast (vector clocks)', () => {
  it.each([
    { flags: 'no faults', env: {}, distinct: 690, generated: 1552, depth: 10 },
    { flags: '--max-dups 1', env: { maxDups: 1 }, distinct: 5242, generated: 15505, depth: 12 },
  ])('CausalOrder, DeliveredOnce and AllDelivered hold with $flags: $distinct distinct, $generated generated, depth $depth', ({ env, distinct, generated, depth }) => {
    const { result } = check(causalBroadcast(), env);
    expect(result.verdict).toBe('pass');
    expect(result.stats).toMatchObject({ distinctStates: distinct, generatedStates: generated, depth });
  });

  it('DFS reaches the same states as BFS (no faults and --max-dups 1)', () => {
    expect(dfs(causalBroadcast()).stats).toMatchObject({ distinctStates: 690, generatedStates: 1552 });
    expect(dfs(causalBroadcast().configure({ environment: { maxDups: 1 } })).stats).toMatchObject({ distinctStates: 5242, generatedStates: 15505 });
  });

  it('buffers a reply that arrives before the message it replies to, and delivers both in causal order (the pass is not vacuous)', () => {
    const prefix = [
      'timer broadcast @node-1',
      'deliver Bcast(id=node-1, stamp=[1,0,0], deps=[]) node-1→node-2',
      'timer broadcast @node-2',
      'deliver Bcast(id=node-2, stamp=[1,1,0], deps=["node-1"]) node-2→node-3',
    ];
    const waiting = walk(prefix).nodes['node-3'] as CausalNode;
    expect(waiting.delivered).toEqual([]);
    expect(waiting.buffer.map((b) => b.id)).toEqual(['node-2']);
    const after = walk([...prefix, 'deliver Bcast(id=node-1, stamp=[1,0,0], deps=[]) node-1→node-3']).nodes['node-3'] as CausalNode;
    expect(after.delivered.map((d) => d.id)).toEqual(['node-1', 'node-2']);
    expect(after.buffer).toEqual([]);
    expect(after.vc).toEqual([1, 1, 0]);
  });

  it('with one drop a message waits forever in a buffer: AllDelivered fails in 9 steps', () => {
    const { result, faults } = check(causalBroadcast(), { maxDrops: 1 });
    expect(result.verdict).toBe('violation');
    expect(result.violations[0].property).toBe('AllDelivered');
    expect(result.violations[0].path.actions).toHaveLength(9);
    expect(faults).toEqual({ ...NONE, drops: 1 });
    expect(result.stats).toMatchObject({ distinctStates: 1938, generatedStates: 4932, depth: 10 });
  });
});

describe('causal-broadcast variant lamport: scalar clocks deliver out of causal order', () => {
  const labels = [
    'timer broadcast @node-1',
    'deliver Bcast(id=node-1, stamp=[1], deps=[]) node-1→node-2',
    'timer broadcast @node-2',
    'timer broadcast @node-3',
    'deliver Bcast(id=node-2, stamp=[2], deps=["node-1"]) node-2→node-3',
  ];

  it('node-3 broadcasts, then delivers node-2\'s reply before node-1\'s message: CausalOrder fails in 5 steps, no fault', () => {
    const { result, labels: got, faults } = check(causalBroadcast({ variant: 'lamport' }));
    expect(result.verdict).toBe('violation');
    expect(result.violations[0].property).toBe('CausalOrder');
    expect(got).toEqual(labels);
    expect(faults).toEqual(NONE);
    expect(result.stats).toMatchObject({ distinctStates: 96, generatedStates: 148, depth: 6 });
    const node3 = result.violations[0].path.states.at(-1)!.nodes['node-3'] as CausalNode;
    expect(node3.delivered.map((d) => d.id)).toEqual(['node-3', 'node-2']);
  });

  it('the same 5 steps with --max-dups 1', () => {
    const { result, labels: got } = check(causalBroadcast({ variant: 'lamport' }), { maxDups: 1 });
    expect(got).toEqual(labels);
    expect(result.stats).toMatchObject({ distinctStates: 224, generatedStates: 366, depth: 6 });
  });

  it('CLI: exits 1 with the 5-step violation; lint is clean', () => {
    const run = spawnSync('node', ['bin/faultline.js', 'check', 'protocols/causal-broadcast.ts', '--param', 'variant=lamport', '--json'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.stats).toMatchObject({ distinctStates: 96, generatedStates: 148, depth: 6 });
    expect(out.violations[0]).toMatchObject({ property: 'CausalOrder', length: 5, faults: NONE });
    const lint = spawnSync('node', ['bin/faultline.js', 'lint', 'protocols/causal-broadcast.ts'], { encoding: 'utf8' });
    expect(lint.status).toBe(0);
    expect(lint.stdout).toContain('no findings');
  });
});

describe('causal-broadcast params', () => {
  it('about lists n and the lamport variant with its flags', () => {
    expect(Object.keys(about.params)).toEqual(['n']);
    expect(about.variants.lamport).toMatchObject({ flags: [], expect: 'violation' });
  });

  it('rejects bad params with a clear error', () => {
    expect(() => causalBroadcast({ n: 2 })).toThrow('causal-broadcast: n must be 3–4, got 2');
    expect(() => causalBroadcast({ variant: 'scalar' })).toThrow('causal-broadcast: unknown variant "scalar" (known: lamport)');
  });
});

describe('causal-broadcast reachability goals: the pass is not vacuous', () => {
  it('a message waits for its causal past (4 steps) and everyone delivers everything (9)', async () => {
    const report = await checkSpec(causalBroadcast(), { environment: {} });
    expect(report.result).toBe('pass');
    expect(report.stats.distinctStates).toBe(690);
    expect(report.reached!.map((g) => [g.goal, g.length])).toEqual([['CausalWait', 4], ['AllDeliveredEverywhere', 9]]);
  });
});
