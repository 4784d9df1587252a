import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bfs, dfs } from '../../checker/index.ts';
import payments, { about } from '../../protocols/payments.ts';
import { check, NONE } from './helpers.ts';

describe('payments with an idempotency key (retries=2)', () => {
  it.each([
    { flags: 'no faults', env: {}, distinct: 5, generated: 5, depth: 3 },
    { flags: '--max-drops 1', env: { maxDrops: 1 }, distinct: 14, generated: 15, depth: 5 },
    { flags: '--max-drops 2', env: { maxDrops: 2 }, distinct: 20, generated: 23, depth: 7 },
    { flags: '--loss', env: { maxDrops: Infinity }, distinct: 22, generated: 26, depth: 7 },
    { flags: '--max-dups 1', env: { maxDups: 1 }, distinct: 14, generated: 16, depth: 5 },
  ])('charges exactly once with $flags: $distinct distinct, $generated generated, depth $depth', ({ env, distinct, generated, depth }) => {
    const { result } = check(payments(), env);
    expect(result.verdict).toBe('pass');
    expect(result.violations).toEqual([]);
    expect(result.stats).toMatchObject({ distinctStates: distinct, generatedStates: generated, depth });
  });

  it('a timeout that fires before the round trip is over is checked but not expanded', () => {
    const model = payments({ variant: 'naive-retry' });
    const [init] = model.init();
    expect(model.constraint!(init)).toBe(true);
    const early = Array.from(model.actions(init)).find((a) => model.describe!(a) === 'timer timeout @client')!;
    const after = model.next(init, early)!;
    expect(after.net.map((e) => model.describe!({ ...early, kind: 'deliver', envelope: e }))).toEqual([
      'deliver Charge(attempt=1) client→service',
      'deliver Charge(attempt=2) client→service',
    ]);
    expect(model.constraint!(after)).toBe(false);
  });

  it('DFS reaches the same states as BFS under --max-drops 1', () => {
    const r = dfs(payments().configure({ environment: { maxDrops: 1 } }));
    expect(r.verdict).toBe('pass');
    expect(r.stats).toMatchObject({ distinctStates: 14, generatedStates: 15 });
  });
});

describe('payments, variant naive-retry', () => {
  const naive = () => payments({ variant: 'naive-retry' });

  it('is named after its variant', () => {
    expect(naive().name).toBe('Payments/naive-retry');
    expect(payments().name).toBe('Payments');
  });

  it('passes with --max-drops 0: a timeout never fires before a round trip is over', () => {
    const { result } = check(naive(), { maxDrops: 0 });
    expect(result.verdict).toBe('pass');
    expect(result.stats).toMatchObject({ distinctStates: 5, generatedStates: 5, depth: 3 });
  });

  it('charges twice with --max-drops 1: a lost receipt and a retry, in 4 steps', () => {
    const { result, labels, faults } = check(naive(), { maxDrops: 1 });
    expect(result.verdict).toBe('violation');
    expect(result.violations[0].property).toBe('ChargedAtMostOnce');
    expect(labels).toEqual([
      'deliver Charge(attempt=1) client→service',
      'drop Receipt(attempt=1) service→client',
      'timer timeout @client',
      'deliver Charge(attempt=2) client→service',
    ]);
    expect(faults).toEqual({ ...NONE, drops: 1 });
    expect(result.stats).toMatchObject({ distinctStates: 12, generatedStates: 12, depth: 5 });
    expect(result.violations[0].path.states.at(-1)!.nodes.service).toEqual({ ledger: ['-', '-'] });
  });

  it('charges twice with --max-dups 1 and no loss: a duplicated request, in 3 steps', () => {
    const { result, labels, faults } = check(naive(), { maxDups: 1 });
    expect(result.violations[0].property).toBe('ChargedAtMostOnce');
    expect(labels).toEqual([
      'duplicate Charge(attempt=1) client→service',
      'deliver Charge(attempt=1) client→service',
      'deliver Charge(attempt=1) client→service',
    ]);
    expect(faults).toEqual({ ...NONE, dups: 1 });
    expect(result.stats).toMatchObject({ distinctStates: 12, generatedStates: 12, depth: 4 });
  });
});

describe('payments: parameters and CLI', () => {
  it('without retries a lost message leaves the client to give up, charged at most once', () => {
    const { result } = check(payments({ retries: 0 }), { maxDrops: 1 });
    expect(result.verdict).toBe('pass');
    expect(result.stats).toMatchObject({ distinctStates: 5, generatedStates: 5, depth: 3 });
  });

  it('rejects bad parameters', () => {
    expect(() => payments({ retries: 4 })).toThrow('retries must be an integer 0–3, got 4');
    expect(() => payments({ variant: 'nope' })).toThrow('unknown variant "nope" (known: naive-retry)');
  });

  it('describes itself for `faultline list`', () => {
    expect(about.params).toHaveProperty('retries');
    expect(Object.keys(about.variants)).toEqual(['naive-retry']);
  });

  it('CLI: naive-retry charges twice with --max-drops 1 (exit 1, 1 drop)', () => {
    const run = spawnSync(
      'node',
      ['bin/faultline.js', 'check', 'protocols/payments.ts', '--param', 'variant=naive-retry', '--max-drops', '1', '--json'],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.result).toBe('violation');
    expect(out.stats).toMatchObject({ distinctStates: 12, generatedStates: 12, depth: 5 });
    expect(out.violations[0]).toMatchObject({ property: 'ChargedAtMostOnce', length: 4, faults: { ...NONE, drops: 1 } });
  });

  it('CLI: naive-retry passes with --max-drops 0 (exit 0)', () => {
    const run = spawnSync('node', ['bin/faultline.js', 'check', 'protocols/payments.ts', '--param', 'variant=naive-retry', '--max-drops', '0', '--json'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ result: 'pass', stats: { distinctStates: 5, generatedStates: 5, depth: 3 } });
  });
});

describe('reachability goals: the pass is not vacuous', () => {
  it('reaches every goal it declares, with pinned witness lengths', () => {
    const r = bfs(payments({}));
    expect(r.verdict).toBe('pass');
    expect(r.reached?.map((g) => [g.goal, g.path.actions.length])).toEqual([['Paid', 2]]);
    expect(r.unreached).toEqual([]);
  });
});
