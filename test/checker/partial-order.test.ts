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

/** PingPairs' 27 states, reduced: one server at a time while another has a Ping waiting. */
const REDUCED_PING_PAIRS = 11;

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

/** The node the traps' invariants watch: it rings on Bad. */
function alarmRole() {
  return {
    init: { rang: false },
    on: {
      Bad(a: any) {
        a.rang = true;
      },
    },
  };
}

/** A target that sends the alarm Bad when X arrives after Y. */
function yThenXTarget() {
  return {
    init: { sawY: false },
    on: {
      Y(t: any) {
        t.sawY = true;
      },
      X(t: any, _m: any, ctx: any) {
        if (t.sawY) ctx.send('alarm', { type: 'Bad' });
      },
    },
  };
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
      target: yThenXTarget(),
      alarm: alarmRole(),
    },
    invariants: { Quiet: (w: any) => !w.node('alarm').rang },
  }) as ActorModel;
}

/**
 * The trap again, but what the relay causes shows only later: Go2 sends Y only after Go1. At
 * the start nothing seen says a message can reach `target`, so X alone is expanded; the search
 * must start again once it sees Go2 send Y.
 */
function lateTrap(): ActorModel {
  return protocol<any>()({
    name: 'LateTrap',
    nodes: { starter: 1, relay: 1, target: 1, alarm: 1 },
    roles: {
      starter: {
        init: {},
        onStart(_s: any, ctx: any) {
          ctx.send('target', { type: 'X' });
          ctx.send('relay', { type: 'Go1' });
          ctx.send('relay', { type: 'Go2' });
        },
      },
      relay: {
        init: { armed: false },
        on: {
          Go1(r: any) {
            r.armed = true;
          },
          Go2(r: any, _m: any, ctx: any) {
            if (r.armed) ctx.send('target', { type: 'Y' });
          },
        },
      },
      target: yThenXTarget(),
      alarm: alarmRole(),
    },
    invariants: { Quiet: (w: any) => !w.node('alarm').rang },
  }) as ActorModel;
}

/**
 * The invariant reads `target.x` only once the alarm rang: at the start X looks invisible and
 * is expanded alone; the search must start again when it sees the invariant read `x`.
 */
function lateRead(): ActorModel {
  return protocol<any>()({
    name: 'LateRead',
    nodes: { starter: 1, relay: 1, target: 1, alarm: 1 },
    roles: {
      starter: {
        init: {},
        onStart(_s: any, ctx: any) {
          ctx.send('target', { type: 'X' });
          ctx.send('relay', { type: 'Go' });
        },
      },
      relay: { init: {}, on: { Go: (_r: any, _m: any, ctx: any) => ctx.send('alarm', { type: 'Bad' }) } },
      target: {
        init: { x: false },
        on: {
          X(t: any) {
            t.x = true;
          },
        },
      },
      alarm: alarmRole(),
    },
    invariants: { XBeforeAlarm: (w: any) => !(w.node('alarm').rang && !w.node('target').x) },
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

  it('starts again when it learns that a handler can reach a node it postponed', () => {
    expect(bfs(lateTrap()).verdict).toBe('violation');
    const reduced = partialOrderBfs(lateTrap())!;
    expect(reduced.verdict).toBe('violation');
    expect(reduced.partialOrder.restarts).toBeGreaterThan(0);
  });

  it('starts again when a property reads what it assumed no property reads', () => {
    expect(bfs(lateRead()).verdict).toBe('violation');
    const reduced = partialOrderBfs(lateRead())!;
    expect(reduced.verdict).toBe('violation');
    expect(reduced.partialOrder.restarts).toBeGreaterThan(0);
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
  /** A node that arms a timer at start: when it fires, v becomes next[v], it sends `send` once, and re-arms if `again` (a cycle). */
  timer: { node: number; next: number[]; send: boolean; again: boolean } | undefined;
  /** Violated (or, for a goal, reached) where the nodes' v equal the values. */
  property: { kind: 'invariant' | 'goal' | 'terminal'; nodes: number[]; values: number[] };
}

const TYPES = ['A', 'B', 'C'];

function build(spec: Spec): ActorModel {
  const ids = [...Array.from({ length: spec.counts[0] }, (_, i) => (spec.counts[0] === 1 ? 'p' : `p-${i + 1}`)), ...Array.from({ length: spec.counts[1] }, (_, i) => (spec.counts[1] === 1 ? 'q' : `q-${i + 1}`))];
  const at = (i: number): string => ids[i % ids.length];
  const timer = spec.timer;
  const role = (r: number): any => ({
    init: ({ self }: { self: string }) => ({ v: 0, sent: 0, self }),
    onStart(l: any, ctx: any) {
      for (const [node, to, type] of spec.starts) if (at(node) === l.self) ctx.send(at(to), { type: TYPES[type] });
      if (timer !== undefined && at(timer.node) === l.self) ctx.setTimer('t');
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
      t(l: any, ctx: any) {
        l.v = timer!.next[l.v];
        if (timer!.send && l.sent < 2) {
          l.sent++;
          ctx.send(at(0), { type: 'A' });
        }
        if (timer!.again) ctx.setTimer('t');
      },
    },
  });
  const holds = (w: any): boolean => !spec.property.nodes.every((i, k) => (w.node(at(i)) as any).v === spec.property.values[k]);
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

/** Random protocols whose handlers send `dense`ly (long causal chains) or sparsely (much to reduce). */
function specs(dense: boolean): fc.Arbitrary<Spec> {
  const sends = dense
    ? fc.array(fc.tuple(node, type), { maxLength: 2 })
    : fc.oneof(fc.constant([] as [number, number][]), fc.constant([] as [number, number][]), fc.array(fc.tuple(node, type), { maxLength: 1 }));
  const handler = fc.record({ next: fc.tuple(value, value, value), sends: fc.tuple(sends, sends, sends) });
  return fc.record({
    counts: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    handlers: fc.tuple(fc.tuple(handler, handler, handler), fc.tuple(handler, handler, handler)),
    starts: fc.array(fc.tuple(node, node, type), { minLength: 2, maxLength: 4 }),
    timer: fc.option(fc.record({ node, next: fc.tuple(value, value, value), send: fc.boolean(), again: fc.boolean() }), { nil: undefined }),
    property: fc.record({
      kind: fc.constantFrom('invariant' as const, 'goal' as const, 'terminal' as const),
      nodes: fc.array(node, { minLength: 1, maxLength: 2 }),
      values: fc.tuple(value, value),
    }),
  }) as fc.Arbitrary<Spec>;
}

/** The verdict of a check, with what it says of the property: violated, reached or not. */
async function verdict(model: ActorModel, por: boolean, environment = {}): Promise<string> {
  const r = await check(model, { por, environment, maxStates: 50_000 });
  return `${r.result}:${r.violations.map((v) => v.property).join(',')}:${(r.reached ?? []).map((g) => g.goal).join(',')}`;
}

describe('partial-order reduction on random actor protocols', () => {
  // Each mutation of the reduction — no C1 (a message that can reach the node first), no C2
  // (visibility), no C3 (proviso) — makes one of these fail; they pass with all three.
  it.each([
    ['dense', true, 120],
    ['sparse', false, 300],
  ])('%s handlers: every property gets the verdict the unreduced search gives', async (_name, dense, numRuns) => {
    let reducedSomewhere = 0;
    await fc.assert(
      fc.asyncProperty(specs(dense as boolean), fc.boolean(), fc.constantFrom(0, 0, 1), fc.constantFrom(0, 0, 1), async (spec, fifo, maxDrops, crashes) => {
        const environment = { fifo, maxDrops, crashes };
        const full = await verdict(build(spec), false, environment);
        const reduced = await verdict(build(spec), true, environment);
        expect(reduced).toBe(full);
        const r = await check(build(spec), { por: true, environment });
        if ((r.partialOrder?.reducedStates ?? 0) > 0) reducedSomewhere++;
        for (const v of r.violations) if (v.trace.steps.length > 0) expect(v.trace.steps.length).toBe(v.length);
      }),
      { numRuns: numRuns as number, seed: 18 },
    );
    expect(reducedSomewhere).toBeGreaterThan(0);
  }, 120_000);
});
