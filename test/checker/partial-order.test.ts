/**
 * Partial-order reduction (checker/partial-order.ts): it reduces where deliveries are
 * invisible and nothing can reach their node first, it keeps every verdict — on hand-made
 * traps, and on small random actor protocols, property by property — and what it finds replays.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '../../api/index.ts';
import { bfs, partialOrderBfs, replayPath } from '../../checker/index.ts';
import { protocol, type ActorModel } from '../../specs/index.ts';
import { replayTrace } from '../../counterexamples/index.ts';

/** Three clients each ping their own server; only the clients' state is observed. */
function pingPairs(goal = true): ActorModel {
  return protocol<any>()({
    name: 'PingPairs',
    nodes: { client: 3, server: 3 },
    roles: {
      client: {
        init: ({ index }: { index: number }) => ({ got: false, index }),
        onStart(c: any, ctx: any) {
          ctx.send(`server-${c.index}`, { type: 'Ping' });
        },
        on: {
          Pong(c: any) {
            c.got = true;
          },
        },
      },
      server: {
        init: { pings: 0 },
        on: {
          Ping(s: any, _m: any, ctx: any) {
            s.pings++;
            ctx.reply({ type: 'Pong' });
          },
        },
      },
    },
    invariants: { AtMostThree: (w: any) => w.nodes('client').filter((c: any) => c.got).length <= 3 },
    ...(goal ? { reachable: { AllGot: (w: any) => w.nodes('client').every((c: any) => c.got) } } : {}),
  }) as ActorModel;
}

/**
 * The trap a pairwise "different nodes commute" reduction falls into: `target` may get X
 * alone first, but the alarm rings only if the relay's Y reaches it before X.
 */
function trap(): ActorModel {
  return protocol<any>()({
    name: 'Trap',
    nodes: { starter: 1, relay: 1, target: 1, alarm: 1 },
    roles: {
      starter: {
        init: {},
        onStart(_s: any, ctx: any) {
          ctx.send('target', { type: 'X' });
          ctx.send('relay', { type: 'Go' });
        },
      },
      relay: { init: {}, on: { Go: (_r: any, _m: any, ctx: any) => ctx.send('target', { type: 'Y' }) } },
      target: {
        init: { sawY: false },
        on: {
          Y(t: any) {
            t.sawY = true;
          },
          X(t: any, _m: any, ctx: any) {
            if (t.sawY) ctx.send('alarm', { type: 'Bad' });
          },
        },
      },
      alarm: {
        init: { rang: false },
        on: {
          Bad(a: any) {
            a.rang = true;
          },
        },
      },
    },
    invariants: { Quiet: (w: any) => !w.node('alarm').rang },
  }) as ActorModel;
}

/** Two servers get a Ping each; the invariant fails only where server-2 went first. */
function visibleOrder(): ActorModel {
  return protocol<any>()({
    name: 'VisibleOrder',
    nodes: { client: 1, server: 2 },
    roles: {
      client: { init: {}, onStart: (_c: any, ctx: any) => ctx.broadcast('server', { type: 'Ping' }) },
      server: {
        init: { done: false },
        on: {
          Ping(s: any) {
            s.done = true;
          },
        },
      },
    },
    invariants: { FirstGoesFirst: (w: any) => !(w.node('server-2').done && !w.node('server-1').done) },
  }) as ActorModel;
}

describe('partial-order reduction', () => {
  it('respects what properties read: a delivery that changes it is never postponed', () => {
    expect(bfs(visibleOrder()).verdict).toBe('violation');
    const reduced = partialOrderBfs(visibleOrder())!;
    expect(reduced.verdict).toBe('violation');
    expect(reduced.violations[0].property).toBe('FirstGoesFirst');
  });

  it('explores one order of invisible, independent deliveries (counts pinned both ways)', () => {
    const full = bfs(pingPairs());
    const reduced = partialOrderBfs(pingPairs())!;
    expect(full.verdict).toBe('pass');
    expect(reduced.verdict).toBe('pass');
    expect(full.stats.distinctStates).toBe(27);
    expect(reduced.stats.distinctStates).toBe(REDUCED_PING_PAIRS);
    expect(reduced.partialOrder.reducedStates).toBeGreaterThan(0);
    expect(reduced.reached?.map((r) => r.goal)).toEqual(['AllGot']);
  });

  it('does not fall into the trap: a message that can still arrive first keeps its order', () => {
    const full = bfs(trap());
    const reduced = partialOrderBfs(trap())!;
    expect(full.verdict).toBe('violation');
    expect(reduced.verdict).toBe('violation');
    expect(reduced.violations[0].property).toBe('Quiet');
    // The counterexample is real: it replays step by step, and its last state violates Quiet.
    const path = reduced.violations[0].path;
    const replayed = replayPath(trap(), path.initIndex, path.actionIndices);
    expect(trap().invariants!.Quiet(replayed.states.at(-1)!)).toBe(false);
  });

  it("a counterexample found under it replays as `faultline replay` replays it", async () => {
    const report = await check(trap(), { por: true });
    expect(report.result).toBe('violation');
    const outcome = replayTrace(trap(), report.violations[0].trace);
    expect(outcome.kind).toBe('reproduced');
  });

  it('is off by default, on with por: true, and says when it cannot apply', async () => {
    const off = await check(pingPairs());
    expect(off.partialOrder).toBeUndefined();
    expect(off.stats.distinctStates).toBe(27);
    const on = await check(pingPairs(), { por: true });
    expect(on.stats.distinctStates).toBe(REDUCED_PING_PAIRS);
    expect(on.partialOrder?.reducedStates).toBeGreaterThan(0);
    const dfs = await check(pingPairs(), { por: true, strategy: 'dfs' });
    expect(dfs.warnings).toContain('por: needs --strategy bfs (got dfs); the search ran unreduced');
    const timed = await check(pingPairs(), { por: true, environment: { maxTime: 2 } });
    expect(timed.warnings.some((w) => w.startsWith('por: applies to actor protocols without clocks'))).toBe(true);
  });
});

// ——— small random actor protocols: every property's verdict is the same with and without ———

interface Spec {
  counts: [number, number];
  /** Per role, per message type: per local value v (0..2), the next v and the sends (node index, type). */
  handlers: { next: number[]; sends: [number, number][][] }[][];
  starts: [number, number, number][]; // (node, to, type): onStart sends
  timer: number | undefined; // a node that arms a timer at start; it sends type 0 to node 0 once
  property: { kind: 'invariant' | 'goal' | 'terminal'; nodes: number[]; sum: number };
}

const TYPES = ['A', 'B', 'C'];

function build(spec: Spec): ActorModel {
  const ids = [...Array.from({ length: spec.counts[0] }, (_, i) => (spec.counts[0] === 1 ? 'p' : `p-${i + 1}`)), ...Array.from({ length: spec.counts[1] }, (_, i) => (spec.counts[1] === 1 ? 'q' : `q-${i + 1}`))];
  const at = (i: number): string => ids[i % ids.length];
  const role = (r: number): any => ({
    init: ({ self }: { self: string }) => ({ v: 0, sent: 0, self }),
    onStart(l: any, ctx: any) {
      for (const [node, to, type] of spec.starts) if (at(node) === l.self) ctx.send(at(to), { type: TYPES[type] });
      if (spec.timer !== undefined && at(spec.timer) === l.self) ctx.setTimer('t');
    },
    on: Object.fromEntries(
      TYPES.map((t, ti) => [
        t,
        (l: any, _m: any, ctx: any) => {
          const h = spec.handlers[r][ti];
          const v = l.v;
          l.v = h.next[v];
          // Each node sends at most twice in all: the state space stays finite.
          for (const [to, type] of h.sends[v]) {
            if (l.sent >= 2) break;
            l.sent++;
            ctx.send(at(to), { type: TYPES[type] });
          }
        },
      ]),
    ),
    timers: {
      t(_l: any, ctx: any) {
        ctx.send(at(0), { type: 'A' });
      },
    },
  });
  const sum = (w: any): number => spec.property.nodes.reduce((s, i) => s + (w.node(at(i)) as any).v, 0);
  const holds = (w: any): boolean => sum(w) !== spec.property.sum;
  return protocol<any>()({
    name: 'Random',
    nodes: { p: spec.counts[0], q: spec.counts[1] },
    roles: { p: role(0), q: role(1) },
    ...(spec.property.kind === 'invariant' ? { invariants: { P: holds } } : {}),
    ...(spec.property.kind === 'terminal' ? { terminal: { P: holds } } : {}),
    ...(spec.property.kind === 'goal' ? { reachable: { P: (w: any) => !holds(w) } } : {}),
  }) as ActorModel;
}

const value = fc.integer({ min: 0, max: 2 });
const node = fc.integer({ min: 0, max: 3 });
const type = fc.integer({ min: 0, max: 2 });
const handler = fc.record({
  next: fc.tuple(value, value, value),
  sends: fc.tuple(...[0, 1, 2].map(() => fc.array(fc.tuple(node, type), { maxLength: 2 }))),
});
const specs: fc.Arbitrary<Spec> = fc.record({
  counts: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
  handlers: fc.tuple(fc.tuple(handler, handler, handler), fc.tuple(handler, handler, handler)),
  starts: fc.array(fc.tuple(node, node, type), { minLength: 2, maxLength: 4 }),
  timer: fc.option(node, { nil: undefined }),
  property: fc.record({
    kind: fc.constantFrom('invariant' as const, 'goal' as const, 'terminal' as const),
    nodes: fc.array(node, { minLength: 1, maxLength: 3 }),
    sum: fc.integer({ min: 0, max: 4 }),
  }),
}) as fc.Arbitrary<Spec>;

/** The verdict of a check, with what it says of the property: violated, reached or not. */
async function verdict(model: ActorModel, por: boolean, environment = {}): Promise<string> {
  const r = await check(model, { por, environment, maxStates: 50_000 });
  return `${r.result}:${r.violations.map((v) => v.property).join(',')}:${(r.reached ?? []).map((g) => g.goal).join(',')}`;
}

describe('partial-order reduction on random actor protocols', () => {
  it('gives every property the verdict the unreduced search gives', async () => {
    let reducedSomewhere = 0;
    await fc.assert(
      fc.asyncProperty(specs, fc.boolean(), fc.constantFrom(0, 0, 1), fc.constantFrom(0, 0, 1), async (spec, fifo, maxDrops, crashes) => {
        const environment = { fifo, maxDrops, crashes };
        const full = await verdict(build(spec), false, environment);
        const reduced = await verdict(build(spec), true, environment);
        expect(reduced).toBe(full);
        const r = await check(build(spec), { por: true, environment });
        if ((r.partialOrder?.reducedStates ?? 0) > 0) reducedSomewhere++;
        for (const v of r.violations) if (v.trace.steps.length > 0) expect(v.trace.steps.length).toBe(v.length);
      }),
      { numRuns: 200, seed: 18 },
    );
    expect(reducedSomewhere).toBeGreaterThan(0);
  }, 120_000);
});

/** PingPairs' 27 states, reduced: one server at a time while another has a Ping waiting. */
const REDUCED_PING_PAIRS = 11;
