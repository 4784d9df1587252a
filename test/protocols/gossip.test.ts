import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { check as checkSpec } from '../../api/index.ts';
import { bfs, checkLiveness, dfs } from '../../checker/index.ts';
import { describeAction } from '../../specs/index.ts';
import gossip, { about } from '../../protocols/gossip.ts';

describe('gossip (push-pull anti-entropy): every replica eventually holds the update', () => {
  it.each([
    { flags: 'no faults', env: {}, distinct: 1022, generated: 3074, depth: 12, edges: 3066 },
    { flags: '--max-drops 1', env: { maxDrops: 1 }, distinct: 2016, generated: 7218, depth: 12, edges: 7210 },
    { flags: '--max-dups 1', env: { maxDups: 1 }, distinct: 12984, generated: 49952, depth: 18, edges: 49944 },
  ])('Converges with $flags: $distinct distinct, $generated generated, depth $depth', ({ env, distinct, generated, depth, edges }) => {
    const m = gossip().configure({ environment: env });
    expect(bfs(m)).toMatchObject({ verdict: 'pass', stats: { distinctStates: distinct, generatedStates: generated, depth } });
    expect(checkLiveness(m, 'Converges')).toMatchObject({ verdict: 'pass', stats: { distinctStates: distinct, edges } });
  });

  it('DFS reaches the same states as BFS', () => {
    expect(dfs(gossip()).stats).toMatchObject({ distinctStates: 1022, generatedStates: 3074 });
  });

  it('n=2: 18 states', () => {
    expect(checkLiveness(gossip({ n: 2 }), 'Converges')).toMatchObject({ verdict: 'pass', stats: { distinctStates: 18, edges: 36 } });
  });

  it('--loss: every exchange may be lost, and Converges fails with a 6-step lasso', () => {
    const m = gossip().configure({ environment: { maxDrops: Infinity } });
    const r = checkLiveness(m, 'Converges');
    expect(r.verdict).toBe('violation');
    expect(r.stats).toMatchObject({ distinctStates: 2360 });
    expect(r.violation!.path.actions.map((a) => describeAction(m, a))).toEqual([
      'timer gossip @replica-1',
      'timer gossip @replica-2',
      'timer gossip @replica-3',
      'drop Gossip(value=update) replica-1→replica-2',
      'drop Gossip(value=null) replica-2→replica-1',
      'drop Gossip(value=null) replica-3→replica-1',
    ]);
  });
});

describe('gossip variant stop-after-first-contact: the rumor dies out', () => {
  it('replica-3 asks replica-2 before replica-2 heard from replica-1, then everyone stops: a 9-step lasso, no fault', () => {
    const m = gossip({ variant: 'stop-after-first-contact' });
    expect(bfs(m)).toMatchObject({ verdict: 'pass', stats: { distinctStates: 752, generatedStates: 1628, depth: 10 } });
    const r = checkLiveness(m, 'Converges');
    expect(r.verdict).toBe('violation');
    expect(r.stats).toMatchObject({ distinctStates: 752, edges: 1620 });
    expect(r.violation!.path.actions.map((a) => describeAction(m, a))).toEqual([
      'timer gossip @replica-1',
      'timer gossip @replica-2',
      'deliver Gossip(value=null) replica-2→replica-1',
      'timer gossip @replica-3',
      'deliver Gossip(value=null) replica-3→replica-2',
      'deliver Gossip(value=update) replica-1→replica-2',
      'deliver GossipReply(value=update) replica-1→replica-2',
      'deliver GossipReply(value=update) replica-2→replica-1',
      'deliver GossipReply(value=null) replica-2→replica-3',
    ]);
    expect(r.violation).toMatchObject({ loop: { start: 9 }, reason: 'deadlock' });
    expect(r.violation!.path.states.at(-1)!.nodes['replica-3']).toMatchObject({ value: null });
  });

  it('CLI: exits 1 with the liveness lasso; lint is clean', () => {
    const run = spawnSync('node', ['bin/faultline.js', 'check', 'protocols/gossip.ts', '--param', 'variant=stop-after-first-contact', '--json'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.violations[0]).toMatchObject({ property: 'Converges', kind: 'liveness', length: 9 });
    expect(spawnSync('node', ['bin/faultline.js', 'lint', 'protocols/gossip.ts'], { encoding: 'utf8' }).status).toBe(0);
  });
});

describe('gossip params', () => {
  it('about lists n and the twin with its flags', () => {
    expect(Object.keys(about.params)).toEqual(['n']);
    expect(about.variants['stop-after-first-contact']).toMatchObject({ flags: [], expect: 'violation' });
  });

  it('rejects bad params with a clear error', () => {
    expect(() => gossip({ n: 5 })).toThrow('gossip: n must be 2–4, got 5');
    expect(() => gossip({ variant: 'constructor' })).toThrow('gossip: unknown variant "constructor" (known: stop-after-first-contact)');
  });
});

describe('gossip reachability goals: the pass is not vacuous', () => {
  it('every replica holds the update (4 steps) with --max-drops 1', async () => {
    const report = await checkSpec(gossip(), { environment: {maxDrops: 1} });
    expect(report.result).toBe('pass');
    expect(report.stats.distinctStates).toBe(2016);
    expect(report.reached!.map((g) => [g.goal, g.length])).toEqual([['Converged', 4]]);
  });
});
