import { alg, Graph } from '@dagrejs/graphlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildGraph, checkLiveness, findLasso, stronglyConnected, type Fairness } from '../../checker/index.ts';
import { defineModel, eventually, leadsTo, protocol, type Model } from '../../specs/index.ts';

/** A kernel model from an edge list: states are numbers, an action is [label, target]. */
function graphModel(
  edges: Record<number, [string, number][]>,
  options: { init?: number[]; fairness?: Fairness<[string, number]>; bound?: number[] } = {},
): Model<number, [string, number]> {
  const model = defineModel<number, [string, number]>({
    name: 'hand-built',
    init: () => options.init ?? [0],
    actions: (s) => edges[s] ?? [],
    next: (_s, [, t]) => t,
    describe: ([label, t]) => `${label}→${t}`,
    ...(options.bound ? { constraint: (s: number) => !options.bound!.includes(s) } : {}),
  });
  return options.fairness ? Object.assign(model, { fairness: options.fairness }) : model;
}

const labels = (m: Model<number, [string, number]>, actions: [string, number][]) => actions.map((a) => m.describe!(a));

describe('checkLiveness on hand-built graphs', () => {
  it('a cycle that misses the goal is a lasso: shortest prefix, then the loop (weak fairness of next)', () => {
    const m = graphModel({ 0: [['a', 1], ['b', 3]], 1: [['c', 2]], 2: [['d', 1]] });
    const r = checkLiveness(m, eventually((s: number) => s === 3));
    expect(r.verdict).toBe('violation');
    const v = r.violation!;
    expect(v.path.states).toEqual([0, 1, 2, 1]);
    expect(v.loop).toEqual({ start: 1 });
    expect(v.reason).toBe('cycle');
    expect(labels(m, v.path.actions)).toEqual(['a→1', 'c→2', 'd→1']);
    expect(r.stats).toMatchObject({ distinctStates: 4, edges: 4 });
  });

  it('the goal on every cycle and at every end: pass', () => {
    const m = graphModel({ 0: [['a', 1]], 1: [['b', 2]], 2: [['c', 0]] });
    expect(checkLiveness(m, eventually((s: number) => s === 2)).verdict).toBe('pass');
  });

  it('a terminal state missing the goal is a violation: the run stutters there (loop of length 0)', () => {
    const m = graphModel({ 0: [['a', 1], ['b', 2]], 1: [['c', 2]] });
    const r = checkLiveness(m, eventually((s: number) => s === 9));
    expect(r.verdict).toBe('violation');
    expect(r.violation!.path.states).toEqual([0, 2]);
    expect(r.violation!.loop).toEqual({ start: 1 });
    expect(r.violation!.reason).toBe('deadlock');
  });

  it('weak fairness: a self-loop that keeps "go" enabled and never takes it is not a fair run', () => {
    const edges: Record<number, [string, number][]> = { 0: [['spin', 0], ['go', 1]] };
    const fair: Fairness<[string, number]> = { fair: ([label]) => label };
    expect(checkLiveness(graphModel(edges, { fairness: fair }), eventually((s: number) => s === 1)).verdict).toBe('pass');
    // If "go" is never forced (a fault, say), spinning forever is a fair run.
    const unfairGo: Fairness<[string, number]> = { fair: ([label]) => (label === 'go' ? undefined : label) };
    const r = checkLiveness(graphModel(edges, { fairness: unfairGo }), eventually((s: number) => s === 1));
    expect(r.verdict).toBe('violation');
    expect(r.violation!.path.states).toEqual([0, 0]);
    expect(r.violation!.loop).toEqual({ start: 0 });
  });

  it('weak fairness: an action disabled somewhere on the loop is not owed (the loop passes through that state)', () => {
    // "exit" is enabled in 1 only; the cycle 1→2→1 need not take it.
    const edges: Record<number, [string, number][]> = { 0: [['a', 1]], 1: [['b', 2], ['exit', 3]], 2: [['c', 1]] };
    const fair: Fairness<[string, number]> = { fair: ([label]) => label };
    const m = graphModel(edges, { fairness: fair });
    const r = checkLiveness(m, eventually((s: number) => s === 3));
    expect(r.verdict).toBe('violation');
    expect(r.violation!.path.states).toEqual([0, 1, 2, 1]);
    // Enabled in both states, "exit" would be owed: no fair cycle.
    const always = graphModel({ 0: [['a', 1]], 1: [['b', 2], ['exit', 3]], 2: [['c', 1], ['exit', 3]] }, { fairness: fair });
    expect(checkLiveness(always, eventually((s: number) => s === 3)).verdict).toBe('pass');
  });

  it('the loop covers every class owed in its component: it detours through the state that discharges it', () => {
    // 1 and 2 form a component; class "x" is enabled in both and discharged only by 2's self-loop.
    const edges: Record<number, [string, number][]> = {
      0: [['a', 1]],
      1: [['b', 2], ['x', 9]],
      2: [['c', 1], ['x', 2]],
    };
    const fair: Fairness<[string, number]> = { fair: ([label]) => (label === 'x' ? 'x' : label) };
    const m = graphModel(edges, { fairness: fair });
    const r = checkLiveness(m, eventually((s: number) => s === 9));
    expect(r.verdict).toBe('violation');
    const v = r.violation!;
    expect(v.loop.start).toBe(1);
    const loop = labels(m, v.path.actions.slice(v.loop.start));
    expect(loop).toContain('x→2');
    expect(v.path.states.at(-1)).toBe(v.path.states[v.loop.start]);
  });

  it('only faults enabled: the run may stay (quiescent); at the model bound: it stops there (bound)', () => {
    const noFaults: Fairness<[string, number]> = { fair: ([label]) => (label === 'crash' ? undefined : label) };
    const q = checkLiveness(graphModel({ 0: [['a', 1]], 1: [['crash', 2]] }, { fairness: noFaults }), eventually((s: number) => s === 2));
    expect(q.violation).toMatchObject({ reason: 'quiescent', loop: { start: 1 } });
    const b = checkLiveness(graphModel({ 0: [['a', 1]], 1: [['b', 2]] }, { bound: [1] }), eventually((s: number) => s === 2));
    expect(b.violation).toMatchObject({ reason: 'bound', loop: { start: 1 } });
  });

  it('leadsTo: from a p-state, a fair run avoids q; the prefix may pass through q before p', () => {
    // 0 (q) → 1 (p) → 2 ⇄ 3; q only at 0 and 4.
    const m = graphModel({ 0: [['a', 1]], 1: [['b', 2], ['done', 4]], 2: [['c', 3]], 3: [['d', 2]] });
    const r = checkLiveness(m, leadsTo((s: number) => s === 1, (s: number) => s === 0 || s === 4));
    expect(r.verdict).toBe('violation');
    expect(r.violation!.path.states).toEqual([0, 1, 2, 3, 2]);
    expect(r.violation!).toMatchObject({ triggerStep: 1, loop: { start: 2 } });
    // p never holds without q later: pass.
    const ok = graphModel({ 0: [['a', 1]], 1: [['b', 4]], 4: [['c', 0]] });
    expect(checkLiveness(ok, leadsTo((s: number) => s === 1, (s: number) => s === 4)).verdict).toBe('pass');
  });

  it('a state budget makes the verdict incomplete unless a lasso was already found', () => {
    const chain = defineModel<number, number>({ name: 'chain', init: () => [0], actions: () => [1], next: (s) => s + 1 });
    expect(checkLiveness(chain, eventually((s: number) => s < 0), { maxStates: 50 }).verdict).toBe('incomplete');
  });
});

describe('stronglyConnected (iterative Tarjan)', () => {
  it('agrees with graphlib on random graphs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.array(fc.tuple(fc.nat(29), fc.nat(29)), { maxLength: 80 }), (n, pairs) => {
        const edges = pairs.filter(([a, b]) => a < n && b < n).sort((x, y) => x[0] - y[0]);
        const succStart = new Uint32Array(n + 1);
        for (const [a] of edges) succStart[a + 1]++;
        for (let i = 0; i < n; i++) succStart[i + 1] += succStart[i];
        const target = Uint32Array.from(edges.map(([, b]) => b));
        const { component } = stronglyConnected({ size: n, succStart, target }, () => true, () => true);
        const g = new Graph();
        for (let i = 0; i < n; i++) g.setNode(String(i));
        for (const [a, b] of edges) g.setEdge(String(a), String(b));
        const theirs = alg.tarjan(g).map((c) => c.map(Number).sort((x, y) => x - y));
        const ours = new Map<number, number[]>();
        for (let i = 0; i < n; i++) ours.set(component[i], [...(ours.get(component[i]) ?? []), i]);
        const key = (cs: number[][]) => cs.map((c) => c.join(',')).sort();
        expect(key([...ours.values()])).toEqual(key(theirs));
      }),
    );
  });

  it('handles a 200,000-state chain without recursion', () => {
    const n = 200_000;
    const succStart = Uint32Array.from({ length: n + 1 }, (_, i) => Math.min(i, n - 1));
    const target = Uint32Array.from({ length: n - 1 }, (_, i) => i + 1);
    expect(stronglyConnected({ size: n, succStart, target }, () => true, () => true).count).toBe(n);
  });
});

describe('liveness of actor protocols under weak fairness', () => {
  type Msg = { type: 'Ping' } | { type: 'Pong' };
  const pingPong = protocol<Msg>({
    name: 'ping-pong',
    nodes: { client: 1, server: 1 },
    roles: {
      client: {
        init: { acked: false },
        onStart: (_c, ctx) => ctx.send('server', { type: 'Ping' }),
        on: { Pong: (c) => { c.acked = true; } },
      },
      server: { init: {}, on: { Ping: (_s, _m, ctx) => ctx.reply({ type: 'Pong' }) } },
    },
    liveness: { Acked: eventually((w) => w.node('client').acked === true) },
  });

  it('a reliable network: messages are eventually delivered, so the ping is acknowledged', () => {
    const r = checkLiveness(pingPong, 'Acked');
    expect(r.verdict).toBe('pass');
    expect(r.stats).toMatchObject({ distinctStates: 3, edges: 2 });
  });

  it('one drop: the run that loses the ping stops short of the goal (faults are allowed, never forced)', () => {
    const m = pingPong.configure({ environment: { maxDrops: 1 } });
    const r = checkLiveness(m, 'Acked');
    expect(r.verdict).toBe('violation');
    expect(r.violation!.path.actions.map((a) => m.describe!(a))).toEqual(['drop Ping client→server']);
    expect(r.violation!).toMatchObject({ reason: 'deadlock', loop: { start: 1 } });
  });

  it('a crash: the server crashes with the ping in its inbox, and nothing is left to do', () => {
    const m = pingPong.configure({ environment: { crashes: 1 } });
    const r = checkLiveness(m, 'Acked');
    expect(r.violation!.path.actions.map((a) => m.describe!(a))).toEqual(['crash server']);
    expect(r.violation!).toMatchObject({ reason: 'deadlock', loop: { start: 1 } });
  });

  it('a retry timer that may fire forever is a fair cycle only while the goal stays out of reach', () => {
    const retrying = protocol<Msg>({
      name: 'retry',
      nodes: { client: 1, server: 1 },
      environment: { maxDrops: Infinity, maxInFlight: 1 },
      roles: {
        client: {
          init: { acked: false },
          onStart: (_c, ctx) => ctx.setTimer('retry'),
          on: { Pong: (c) => { c.acked = true; } },
          timers: { retry: (c, ctx) => { if (!c.acked) { ctx.send('server', { type: 'Ping' }); ctx.setTimer('retry'); } } },
        },
        server: { init: {}, on: { Ping: (_s, _m, ctx) => ctx.reply({ type: 'Pong' }) } },
      },
      liveness: { Acked: eventually((w) => w.node('client').acked === true) },
    });
    // Unbounded loss: dropping every ping forever is a fair run (a drop discharges the delivery).
    const r = checkLiveness(retrying, 'Acked');
    expect(r.verdict).toBe('violation');
    expect(r.violation!.reason).toBe('cycle');
    expect(r.violation!.path.actions.map((a) => retrying.describe!(a))).toEqual(['timer retry @client', 'drop Ping client→server']);
    expect(r.violation!.loop).toEqual({ start: 0 });
    // A reliable network: pings in flight must be delivered, and pongs too; the only runs
    // that miss the goal are those the bound cuts short (3 pings in flight), reported as such.
    const reliable = retrying.configure({ environment: { maxDrops: 0, maxInFlight: 2 } });
    const b = checkLiveness(reliable, 'Acked');
    expect(b.violation!.reason).toBe('bound');
    expect(b.violation!.path.actions.map((a) => reliable.describe!(a))).toEqual(['timer retry @client', 'timer retry @client', 'timer retry @client']);
  });

  it('findLasso on the graph: from a given start, with a class filter', () => {
    const g = buildGraph(pingPong);
    expect(findLasso(g, { goal: () => false })).toMatchObject({ reason: 'deadlock', loopStart: 2 });
  });
});
