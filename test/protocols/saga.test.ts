import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { check as checkSpec } from '../../api/index.ts';
import { dfs } from '../../checker/index.ts';
import saga, { about, type Payment } from '../../protocols/saga.ts';
import { check, NONE } from './helpers.ts';

describe('saga (reserve, charge, ship; refund and release)', () => {
  it.each([
    { flags: 'no faults', env: {}, distinct: 902, generated: 3352, depth: 21 },
    { flags: '--max-drops 1', env: { maxDrops: 1 }, distinct: 2229, generated: 10908, depth: 21 },
    { flags: '--max-dups 1', env: { maxDups: 1 }, distinct: 6171, generated: 28904, depth: 22 },
    { flags: '--max-drops 1 --max-dups 1', env: { maxDrops: 1, maxDups: 1 }, distinct: 14559, generated: 89158, depth: 22 },
  ])('NoMoneyLost, ChargedAtMostOnce and Settled hold with $flags: $distinct distinct, $generated generated, depth $depth', ({ env, distinct, generated, depth }) => {
    const { result } = check(saga(), env);
    expect(result.verdict).toBe('pass');
    expect(result.stats).toMatchObject({ distinctStates: distinct, generatedStates: generated, depth });
  });

  it('DFS reaches the same states as BFS with --max-drops 1 --max-dups 1', () => {
    expect(dfs(saga().configure({ environment: { maxDrops: 1, maxDups: 1 } })).stats).toMatchObject({ distinctStates: 14559, generatedStates: 89158 });
  });

  it('both endings are reached: completed (shipped, charged once) and compensated (refunded, released)', () => {
    const { result } = check(saga());
    expect(result.verdict).toBe('pass');
    const m = saga();
    const outcomes = new Set<string>();
    const seen = new Set<string>();
    const queue = [...m.init()];
    while (queue.length > 0) {
      const s = queue.pop()!;
      const key = JSON.stringify(s);
      if (seen.has(key)) continue;
      seen.add(key);
      const o = s.nodes.orchestrator as { outcome: string | null };
      if (o.outcome) outcomes.add(`${o.outcome}: ${JSON.stringify(s.nodes.payment as Payment)}`);
      for (const a of m.actions(s)) queue.push(m.next(s, a)!);
    }
    expect([...outcomes].sort()).toEqual(['compensated: {"charged":1,"refunded":1}', 'completed: {"charged":1,"refunded":0}']);
  });

  it('more drops than retries: the saga cannot settle (Settled fails in 3 steps, 2 drops)', () => {
    const { result, labels, faults } = check(saga(), { maxDrops: 2 });
    expect(result.verdict).toBe('violation');
    expect(result.violations[0].property).toBe('Settled');
    expect(labels).toEqual(['timer retry @orchestrator', 'drop Reserve orchestrator→inventory', 'drop Reserve orchestrator→inventory']);
    expect(faults).toEqual({ ...NONE, drops: 2 });
    // With retries=2 it settles again: 95,453 states.
    expect(check(saga({ retries: 2 }), { maxDrops: 2 }).result).toMatchObject({ verdict: 'pass', stats: { distinctStates: 95453, generatedStates: 781000, depth: 31 } });
  });
});

describe('saga variant non-idempotent-compensation: a retried Refund pays twice', () => {
  const toRefund = [
    'deliver Reserve orchestrator→inventory',
    'deliver Reserved inventory→orchestrator',
    'deliver Charge orchestrator→payment',
    'deliver Charged payment→orchestrator',
    'deliver Ship orchestrator→shipping [chose failed]',
    'deliver ShipResult(ok=false) shipping→orchestrator',
  ];

  it('the retry timer fires before the Refunded reply: NoMoneyLost fails in 9 steps, no fault', () => {
    const { result, labels, faults } = check(saga({ variant: 'non-idempotent-compensation' }));
    expect(result.verdict).toBe('violation');
    expect(result.violations[0].property).toBe('NoMoneyLost');
    expect(labels).toEqual([...toRefund, 'deliver Refund orchestrator→payment', 'timer retry @orchestrator', 'deliver Refund orchestrator→payment']);
    expect(faults).toEqual(NONE);
    expect(result.stats).toMatchObject({ distinctStates: 104, generatedStates: 170, depth: 10 });
    expect(result.violations[0].path.states.at(-1)!.nodes.payment).toEqual({ charged: 1, refunded: 2 });
  });

  it('without retries, a duplicated Refund does it (--max-dups 1, retries=0); without either it passes', () => {
    const { result, labels, faults } = check(saga({ variant: 'non-idempotent-compensation', retries: 0 }), { maxDups: 1 });
    expect(labels).toEqual([...toRefund, 'duplicate Refund orchestrator→payment', 'deliver Refund orchestrator→payment', 'deliver Refund orchestrator→payment']);
    expect(faults).toEqual({ ...NONE, dups: 1 });
    expect(result.stats).toMatchObject({ distinctStates: 70, generatedStates: 101, depth: 10 });
    expect(check(saga({ variant: 'non-idempotent-compensation', retries: 0 })).result).toMatchObject({ verdict: 'pass', stats: { distinctStates: 13, generatedStates: 13, depth: 11 } });
  });

  it('CLI: exits 1 with the 9-step violation; lint is clean', () => {
    const run = spawnSync('node', ['bin/faultline.js', 'check', 'protocols/saga.ts', '--param', 'variant=non-idempotent-compensation', '--json'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.stats).toMatchObject({ distinctStates: 104, generatedStates: 170, depth: 10 });
    expect(out.violations[0]).toMatchObject({ property: 'NoMoneyLost', length: 9, faults: NONE });
    const lint = spawnSync('node', ['bin/faultline.js', 'lint', 'protocols/saga.ts'], { encoding: 'utf8' });
    expect(lint.status).toBe(0);
  });
});

describe('saga params', () => {
  it('about lists retries and the twin with its flags', () => {
    expect(Object.keys(about.params)).toEqual(['retries']);
    expect(about.flags).toEqual(['--max-drops', '1', '--max-dups', '1']);
    expect(about.variants['non-idempotent-compensation']).toMatchObject({ flags: [], expect: 'violation' });
  });

  it('rejects bad params with a clear error', () => {
    expect(() => saga({ retries: 3 })).toThrow('saga: retries must be an integer 0–2, got 3');
    expect(() => saga({ variant: '__proto__' })).toThrow('saga: unknown variant "__proto__" (known: non-idempotent-compensation)');
  });
});

describe('saga reachability goals: the pass is not vacuous', () => {
  it('the saga completes (6 steps) and compensates (10) under --max-drops 1 --max-dups 1', async () => {
    const report = await checkSpec(saga(), { environment: {maxDrops: 1, maxDups: 1} });
    expect(report.result).toBe('pass');
    expect(report.stats.distinctStates).toBe(14559);
    expect(report.reached!.map((g) => [g.goal, g.length])).toEqual([['Completed', 6], ['Compensated', 10]]);
  });
});
