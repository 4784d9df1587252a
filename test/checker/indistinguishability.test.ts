import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generals } from '../../api/index.ts';
import { indistinguishabilityChain, type GeneralsRun } from '../../checker/index.ts';
import { describeAction, protocol, type ActorModel } from '../../specs/index.ts';
import twoGenerals, { indistinguishability } from '../../protocols/two-generals.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = (name: string): string => path.join(ROOT, 'test/fixtures/specs/generals', `${name}.ts`);

const steps = (m: ActorModel, run: GeneralsRun): string[] => run.path.actions.map((a) => describeAction(m, a));
const d = (n: number): string => `deliver Messenger(n=${n}) ${n % 2 === 1 ? 'general-A→general-B' : 'general-B→general-A'}`;
const x = (n: number): string => `drop Messenger(n=${n}) ${n % 2 === 1 ? 'general-A→general-B' : 'general-B→general-A'}`;
const received = (n: number): string => `received Messenger(n=${n}) from ${n % 2 === 1 ? 'general-A' : 'general-B'}`;

/** Two Generals with `rounds` messengers over a link that may lose `maxDrops` of them. */
function chainOf(rounds: number, maxDrops: number) {
  const model = twoGenerals({ rounds }).configure({ environment: { maxDrops } });
  return { model, report: indistinguishabilityChain(model, model.generals!) };
}

describe('the Two Generals chain on protocols/two-generals.ts', () => {
  // Run k of the chain delivers rounds − k messengers and loses the next: rounds + 1 runs.
  const expected: Record<number, { runs: string[][]; decisions: [string, string][]; sameView: (string | undefined)[]; verdict: string; failsAt: number }> = {
    1: {
      runs: [[d(1)], [x(1)]],
      decisions: [['attack', 'attack'], ['attack', 'hold']],
      sameView: [undefined, 'general-A'],
      verdict: 'violates Agreement in run 2 of 2 (0 delivered, 1 lost): general-A → attack, general-B → hold',
      failsAt: 1,
    },
    2: {
      runs: [[d(1), d(2)], [d(1), x(2)], [x(1)]],
      decisions: [['attack', 'attack'], ['hold', 'attack'], ['hold', 'hold']],
      sameView: [undefined, 'general-B', 'general-A'],
      verdict: 'violates Agreement in run 2 of 3 (1 delivered, 1 lost): general-A → hold, general-B → attack',
      failsAt: 2,
    },
    3: {
      runs: [[d(1), d(2), d(3)], [d(1), d(2), x(3)], [d(1), x(2)], [x(1)]],
      decisions: [['attack', 'attack'], ['attack', 'hold'], ['hold', 'hold'], ['hold', 'hold']],
      sameView: [undefined, 'general-A', 'general-B', 'general-A'],
      verdict: 'violates Agreement in run 2 of 4 (2 delivered, 1 lost): general-A → attack, general-B → hold',
      failsAt: 3,
    },
  };

  for (const rounds of [1, 2, 3]) {
    const want = expected[rounds];
    it(`rounds=${rounds}, one loss allowed: ${want.runs.length} runs, each pair indistinguishable to one general; agreement fails in run 2`, () => {
      const { model, report } = chainOf(rounds, 1);
      expect(report.generals).toEqual(['general-A', 'general-B']);
      expect(report.agreement).toEqual({ name: 'Agreement', kind: 'terminal' });
      expect(report.chain).toHaveLength(rounds + 1);
      expect(report.chain.map((r) => steps(model, r))).toEqual(want.runs);
      expect(report.chain.map((r) => [r.delivered, r.lost])).toEqual(want.runs.map((_, i) => [rounds - i, i === 0 ? 0 : 1]));
      expect(report.chain.map((r) => [r.decisions['general-A'], r.decisions['general-B']])).toEqual(want.decisions);
      expect(report.chain.map((r) => r.sameViewAsPrevious)).toEqual(want.sameView);
      expect(report.chain.map((r) => r.end)).toEqual(want.runs.map(() => 'quiescent'));
      // Only the run losing the last messenger disagrees (with rounds=1 that is also the run where none arrives).
      expect(report.chain.map((r) => r.failsAt)).toEqual(want.runs.map((_, i) => (i === 1 ? want.failsAt : undefined)));
      expect(report.failure).toEqual({ run: 1, state: want.failsAt });
      expect(report.chainEnds).toBeUndefined();
      expect(report.search).toBeUndefined();
      expect(report.verdict).toBe(want.verdict);
    });

    it(`rounds=${rounds}: the failing run is the protocol's own lossy execution and the shortest violation, with the same sender`, () => {
      const { model, report } = chainOf(rounds, 1);
      const view = indistinguishability({ rounds });
      const failing = report.chain[report.failure!.run];
      expect(steps(model, failing)).toEqual(view.lossy.steps);
      expect(steps(model, report.chain[0])).toEqual(view.twin.steps);
      expect(failing.sameViewAsPrevious).toBe(view.sender);
    });

    it(`rounds=${rounds}, any number of losses (--loss): the same chain and verdict`, () => {
      const lossy = chainOf(rounds, Infinity);
      const one = chainOf(rounds, 1);
      expect(lossy.report.chain.map((r) => steps(lossy.model, r))).toEqual(one.report.chain.map((r) => steps(one.model, r)));
      expect(lossy.report.verdict).toBe(one.report.verdict);
    });

    it(`rounds=${rounds}, no loss possible: one run, and a search of every state agrees (${rounds + 1} states)`, () => {
      const { report } = chainOf(rounds, 0);
      expect(report.chain).toHaveLength(1);
      expect(report.chain[0].delivered).toBe(rounds);
      expect(report.chainEnds).toBe('no message can be lost on this link (the environment allows no drops: pass --loss or --max-drops N)');
      expect(report.search).toMatchObject({ verdict: 'pass', stats: { distinctStates: rounds + 1, generatedStates: rounds + 1, depth: rounds + 1 } });
      expect(report.verdict).toBe(`agrees: Agreement holds in every reachable state (${rounds + 1} states) — no message can be lost on this link`);
    });
  }

  it('a view is the general\'s own steps and local states: general-B in run 2 of rounds=2 saw Messenger 1 only', () => {
    const { report } = chainOf(2, 1);
    expect(report.chain[1].views['general-B']).toEqual([
      { event: 'start', state: { received: 0, attack: false } },
      { event: received(1), state: { received: 1, attack: true } },
    ]);
    expect(report.chain[1].views['general-A']).toEqual([{ event: 'start', state: { received: 0, attack: false } }]);
    expect(report.chain[0].views['general-A'].map((e) => e.event)).toEqual(['start', received(2)]);
  });
});

describe('the Two Generals chain on other protocols', () => {
  it('generals that never attack agree in every run: the chain holds and the search passes (7 states)', async () => {
    const { report } = await generals(fixture('never-attack'), { environment: { maxDrops: Infinity } });
    expect(report.chain).toHaveLength(4);
    expect(report.chain.map((r) => [r.delivered, r.lost])).toEqual([[3, 0], [2, 1], [1, 1], [0, 1]]);
    expect(report.chain.map((r) => r.sameViewAsPrevious)).toEqual([undefined, 'general-A', 'general-B', 'general-A']);
    expect(report.failure).toBeUndefined();
    expect(report.search).toMatchObject({ verdict: 'pass', stats: { distinctStates: 7, generatedStates: 7, depth: 4 } });
    expect(report.verdict).toBe(
      'agrees: Agreement holds in every reachable state (7 states) — whatever is lost, general-A → hold, general-B → hold: the decision does not depend on the link',
    );
  });

  it('agreement broken off the chain: the chain holds, the search finds the shortest violation', () => {
    // Agreement fails only when A gets two acks: the network must duplicate one, which the chain never does.
    const model = protocol<{ type: 'Go' } | { type: 'Ack' }>()({
      name: 'OffChain',
      nodes: { general: ['A', 'B'] },
      roles: {
        general: {
          init: () => ({ acks: 0, gos: 0 }),
          onStart(g, ctx) {
            if (ctx.self === 'general-A') ctx.send('general-B', { type: 'Go' });
          },
          on: {
            Go(g, _m, ctx) {
              g.gos++;
              ctx.reply({ type: 'Ack' });
            },
            Ack(g) {
              g.acks++;
            },
          },
        },
      },
      invariants: { Agreement: (w) => w.node<{ acks: number }>('general-A').acks < 2 },
      generals: { role: 'general', decision: (g) => g.gos + g.acks, agreement: 'Agreement' },
      environment: { maxDups: 1 },
    });
    const report = indistinguishabilityChain(model, model.generals!);
    expect(report.chain).toHaveLength(1);
    expect(report.failure).toBeUndefined();
    expect(report.search?.verdict).toBe('violation');
    expect(report.search?.violation?.actions.map((a) => describeAction(model, a))).toEqual([
      'deliver Go general-A→general-B',
      'duplicate Ack general-B→general-A',
      'deliver Ack general-B→general-A',
      'deliver Ack general-B→general-A',
    ]);
    expect(report.verdict).toBe('violates Agreement outside the chain: agreement holds in every run of the chain, but a 4-step run breaks it');
  });

  it('a run that never ends is cut at maxSteps: incomplete (max-depth), not a verdict', async () => {
    const { report } = await generals(fixture('forever'), { maxSteps: 40 });
    expect(report.chain).toHaveLength(1);
    expect(report.chain[0].end).toBe('max-steps');
    expect(report.chain[0].path.actions).toHaveLength(40);
    expect(report.incomplete).toBe('max-depth');
    expect(report.verdict).toBe('incomplete: the run where every message arrives is still going after 40 steps (raise --max-steps)');
  });

  it('api generals() takes a protocol object and environment knobs, as well as a file', async () => {
    const { report, model, specPath } = await generals(twoGenerals({ rounds: 3 }), { environment: { maxDrops: 1 } });
    expect(model.environment.maxDrops).toBe(1);
    expect(specPath).toBe('TwoGenerals(rounds=3)');
    expect(report.chain).toHaveLength(4);
    expect(report.verdict).toBe('violates Agreement in run 2 of 4 (2 delivered, 1 lost): general-A → attack, general-B → hold');
  });

  it('--timeout bounds the walk: incomplete (timeout), never a verdict', async () => {
    const { report } = await generals(fixture('forever'), { timeout: 0.000001 });
    expect(report.incomplete).toBe('timeout');
    expect(report.verdict).toMatch(/^incomplete: the timeout passed/);
  });

  it('a loss budget smaller than a run needs ends the chain there', () => {
    // A sends two messengers at once: losing both after none delivered takes two drops.
    const model = protocol<{ type: 'Go'; n: number }>()({
      name: 'TwoAtOnce',
      nodes: { general: ['A', 'B'] },
      roles: {
        general: {
          init: () => ({ got: 0 }),
          onStart(g, ctx) {
            if (ctx.self === 'general-A') {
              ctx.send('general-B', { type: 'Go', n: 1 });
              ctx.send('general-B', { type: 'Go', n: 2 });
            }
          },
          on: {
            Go(g) {
              g.got++;
            },
          },
        },
      },
      terminal: { Agreement: () => true },
      generals: { role: 'general', decision: (g) => g.got, agreement: 'Agreement' },
      environment: { maxDrops: 1 },
    });
    const report = indistinguishabilityChain(model, model.generals!);
    expect(report.chain.map((r) => [r.delivered, r.lost])).toEqual([[2, 0], [1, 1]]);
    expect(report.chainEnds).toBe('the run delivering 0 messages would lose more than the 1 message the link may lose (--max-drops 1)');
    expect(report.search).toMatchObject({ verdict: 'pass', stats: { distinctStates: 7, generatedStates: 11, depth: 3 } });
  });

  it('bad input: three generals, no declaration, a plain Model, an agreement property that does not exist', async () => {
    await expect(generals(fixture('three-generals'))).rejects.toThrow(/needs exactly two generals, and generals names 3 \(general-A, general-B, general-C\): declare generals: /);
    await expect(generals(path.join(ROOT, 'protocols/two-phase-commit.ts'))).rejects.toThrow(/needs the protocol's two generals: declare generals: \{ role: 'general'/);
    await expect(generals(path.join(ROOT, 'protocols/die-hard.ts'))).rejects.toThrow(/needs a protocol \(a plain Model has no messages to lose\)/);
    await expect(generals(fixture('unknown-agreement'))).rejects.toThrow(/generals\.agreement: no property "Agrement" \(declare it in terminal: \{ Agrement: \(w\) => … \}\)/);
    await expect(generals(fixture('unknown-agreement'), { params: { name: '__proto__' } })).rejects.toThrow(/generals\.agreement: no property "__proto__"/);
    await expect(generals(fixture('unknown-agreement'), { params: { name: 'constructor' } })).rejects.toThrow(/generals\.agreement: no property "constructor"/);
    await expect(generals(path.join(ROOT, 'protocols/two-generals.ts'), { maxSteps: 0 })).rejects.toThrow('maxSteps takes a whole number of at least 1, got 0');
  });
});
