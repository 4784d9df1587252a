/**
 * Differential testing of state identity (issue 15, "Identity is exact"): random models whose
 * states hold every kind of value a state may hold, explored by the checker in every mode and
 * by a naive reference search whose identity is a slow, obviously correct deep comparison.
 * Distinct counts, depth and the shortest violation must agree.
 *
 * The reference identity (`same`) is the one the README documents: two values are the same
 * when no spec can tell them apart, except for the order of object keys and a key whose value
 * is undefined (the same as no key). So numbers compare by Object.is (NaN of any bits is NaN,
 * -0 is not 0), undefined is not null, a Map is not an object, a Date is its time value.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bfs, dfs, SpecError, type CheckResult } from '../../checker/index.ts';
import { defineModel, protocol, type Model, type WorldState } from '../../specs/index.ts';

// ---- the reference identity ----

function same(a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number') return Object.is(a, b);
  if (typeof a !== 'object' || a === null || b === null) return a === b;
  const o = b as object;
  const proto = Object.getPrototypeOf(a);
  if (proto !== Object.getPrototypeOf(o)) return false;
  if (proto === Array.prototype || ArrayBuffer.isView(a)) {
    const x = a as ArrayLike<unknown>;
    const y = o as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!same(x[i], y[i])) return false;
    return true;
  }
  if (proto === Date.prototype) return Object.is((a as Date).getTime(), (o as Date).getTime());
  if (proto === Map.prototype) return sameBag([...(a as Map<unknown, unknown>)], [...(o as Map<unknown, unknown>)]);
  if (proto === Set.prototype) return sameBag([...(a as Set<unknown>)], [...(o as Set<unknown>)]);
  if (proto === Object.prototype || proto === null) {
    const x = a as Record<string, unknown>;
    const y = o as Record<string, unknown>;
    const kx = Object.keys(x).filter((k) => x[k] !== undefined);
    const ky = Object.keys(y).filter((k) => y[k] !== undefined);
    if (kx.length !== ky.length) return false;
    return kx.every((k) => Object.prototype.hasOwnProperty.call(y, k) && same(x[k], y[k]));
  }
  throw new Error('the reference compares only the values a state may hold');
}

/** Multisets equal: every element occurs as often (up to `same`) in both. */
function sameBag(xs: unknown[], ys: unknown[]): boolean {
  if (xs.length !== ys.length) return false;
  const count = (list: unknown[], v: unknown) => list.filter((w) => same(v, w)).length;
  return xs.every((x) => count(xs, x) === count(ys, x));
}

// ---- values of every kind ----

const floatBits = new Float64Array(1);
const floatWords = new Uint32Array(floatBits.buffer);
/** A NaN with other bits than the literal's (what 0/0 gives on x86, or a payload). */
function otherNaN(high: number, low: number): number {
  floatWords[0] = low;
  floatWords[1] = high;
  return floatBits[0];
}

const WEIRD_KEYS = ['a', 'b', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '$map', '$set', 'NaN', ''];

/** An object with own keys in the given order (a "__proto__" key stays an own key). */
function record(entries: [string, unknown][], bare = false): Record<string, unknown> {
  const out: Record<string, unknown> = bare ? Object.create(null) : {};
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    undefined,
    true,
    false,
    0,
    -0,
    1,
    -1,
    0.5,
    2 ** 31,
    NaN,
    Infinity,
    -Infinity,
    'NaN',
    'Infinity',
    '-0',
    '0',
    'null',
    'undefined',
    '',
    'Map[]',
    '{"$map":[]}',
    '__proto__',
    'constructor',
    'toString',
    7n,
  ),
  fc.constantFrom(0, 1, 2).map((i) => [0 / 0, otherNaN(0x7ff40000, 1), otherNaN(0xfff80000, 0)][i]),
  fc.integer({ min: -3, max: 3 }).map((t) => new Date(t)),
  fc.integer({ min: 0, max: 2 }).map((n) => new Uint8Array(n).fill(1)),
  fc.integer({ min: 0, max: 2 }).map((n) => new Int8Array(n).fill(1)),
);

const { value: anyValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.array(fc.tuple(fc.constantFrom(...WEIRD_KEYS), tie('value')), { maxLength: 3 }).map((es) => record(es)),
    fc.array(fc.tuple(fc.constantFrom(...WEIRD_KEYS), tie('value')), { maxLength: 2 }).map((es) => record(es, true)),
    fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 2 }).map((es) => new Map(es)),
    fc.array(tie('value'), { maxLength: 3 }).map((es) => new Set(es)),
    // A Map or Set beside a plain object that looks like its encoding.
    fc.array(fc.tuple(leaf, leaf), { maxLength: 2 }).map((es) => record([['$map', es]])),
    fc.array(leaf, { maxLength: 2 }).map((es) => record([['$set', es]])),
  ),
}));

/** A value equal to `v` (per `same`), built anew, keys re-inserted in another order. */
function copy(v: unknown, turn: number): unknown {
  if (typeof v !== 'object' || v === null) return v;
  const proto = Object.getPrototypeOf(v);
  if (proto === Array.prototype) {
    const array = v as unknown[];
    const out: unknown[] = [];
    for (let i = 0; i < array.length; i++) if (i in array) out[i] = copy(array[i], turn);
    out.length = array.length;
    return out;
  }
  if (proto === Map.prototype) {
    const es = [...(v as Map<unknown, unknown>)].map(([k, x]): [unknown, unknown] => [copy(k, turn), copy(x, turn)]);
    return new Map(turn % 2 ? es.reverse() : es);
  }
  if (proto === Set.prototype) {
    const es = [...(v as Set<unknown>)].map((x) => copy(x, turn));
    return new Set(turn % 2 ? es.reverse() : es);
  }
  if (proto === Date.prototype) return new Date((v as Date).getTime());
  if (ArrayBuffer.isView(v)) return (v as Uint8Array).slice();
  const entries = Object.keys(v).map((k): [string, unknown] => [k, copy((v as Record<string, unknown>)[k], turn)]);
  return record(turn % 2 ? entries.reverse() : entries, proto === null);
}

/** Near-twins of a value: what an identity that is too coarse (or too fine) would merge (or split). */
function twin(v: unknown): unknown {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (Object.is(v, -0)) return 0;
    if (v === 0) return -0;
    if (!Number.isFinite(v)) return String(v);
    return v + 1;
  }
  if (v === undefined) return null;
  if (v === null) return undefined;
  if (v instanceof Map) return record([['$map', [...v]]]);
  if (v instanceof Set) return record([['$set', [...v]]]);
  if (v instanceof Date) return record([]);
  if (ArrayBuffer.isView(v)) return Array.from(v as Uint8Array);
  if (Array.isArray(v)) return v.length > 0 ? [twin(v[0]), ...v.slice(1)] : [undefined];
  return copy(v, 1);
}

/** How a model keeps its value in the state: a state is a container of one pool value. */
const CONTAINERS: ((v: unknown) => unknown)[] = [
  (v) => ({ v }),
  (v) => [v],
  (v) => ({ at: [0, { v }] }),
  (v) => new Map([['k', v]]),
  (v) => new Map<unknown, unknown>([[v, 1]]),
  (v) => new Set([v, 'x']),
  (v) => ({ m: new Map([[1, [v]]]), s: 'state' }),
];

interface Spec {
  pool: unknown[];
  container: number;
  /** Targets (pool indices) of each pool entry's actions. */
  edges: number[][];
  bad: number[];
  /** With a "symmetry": the pool entry standing for each entry's orbit. */
  orbit: number[] | undefined;
}

const spec: fc.Arbitrary<Spec> = fc
  .record({
    base: fc.array(anyValue, { minLength: 2, maxLength: 5 }),
    twins: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
    container: fc.nat({ max: CONTAINERS.length - 1 }),
    edges: fc.array(fc.array(fc.nat({ max: 99 }), { maxLength: 3 }), { minLength: 10, maxLength: 10 }),
    bad: fc.array(fc.nat({ max: 99 }), { maxLength: 2 }),
    orbit: fc.option(fc.array(fc.nat({ max: 99 }), { minLength: 10, maxLength: 10 }), { nil: undefined }),
  })
  .map(({ base, twins, container, edges, bad, orbit }) => {
    const pool: unknown[] = [];
    base.forEach((v, i) => {
      pool.push(v);
      pool.push(twins[i] ? twin(v) : copy(v, 1));
    });
    const n = pool.length;
    return {
      pool,
      container,
      edges: edges.slice(0, n).map((targets) => targets.map((t) => t % n)),
      bad: bad.map((b) => b % n),
      // An orbit representative of a lower index, so orbits are well defined.
      orbit: orbit?.slice(0, n).map((o, i) => o % (i + 1)),
    };
  });

/**
 * The model of a spec. Its states are containers of pool values, built anew on every step
 * (keys in alternating orders); it behaves according to which pool entry a state equals
 * (per `same`), so two states it cannot tell apart behave alike, as a spec's must.
 */
function modelOf(s: Spec): { model: Model<unknown, number>; classOf: (state: unknown) => number; stateOf: (i: number, turn?: number) => unknown } {
  const wrap = CONTAINERS[s.container];
  const states = s.pool.map(wrap);
  // Entries whose states are the same state behave as the first of them.
  const first = states.map((st) => states.findIndex((t) => same(st, t)));
  const classOf = (state: unknown): number => {
    const i = states.findIndex((t) => same(state, t));
    if (i < 0) throw new Error('the checker handed the spec a state it never produced');
    return first[i];
  };
  let turn = 0;
  const stateOf = (i: number, t = turn++) => copy(states[i], t);
  const bad = new Set(s.bad.map((b) => first[b]));
  const model = defineModel<unknown, number>({
    name: 'differential',
    init: () => [stateOf(0)],
    actions: (state) => s.edges[classOf(state)].map((_, a) => a),
    next: (state, a) => stateOf(s.edges[classOf(state)][a]),
    invariants: { 'never bad': (state) => !bad.has(classOf(state)) },
    ...(s.orbit ? { representative: (state: unknown) => stateOf(first[s.orbit![classOf(state)]], 0) } : {}),
  });
  return { model, classOf, stateOf };
}

interface Outcome {
  distinct: number;
  generated: number;
  depth: number;
  violation: number | undefined;
}

/** Naive BFS: a list of the states seen, compared with `same` one by one. TLC's counts. */
function reference<S, A>(model: Model<S, A>): Outcome {
  const key = (s: S): unknown => (model.representative ? model.representative(s) : s);
  const seen: unknown[] = [];
  const holds = (s: S) => Object.values(model.invariants ?? {}).every((p) => p(s));
  let level: S[] = [];
  let generated = 0;
  for (const s of model.init()) {
    generated++;
    if (seen.some((t) => same(t, key(s)))) continue;
    seen.push(key(s));
    if (!holds(s)) return { distinct: seen.length, generated, depth: 1, violation: 0 };
    level.push(s);
  }
  let depth = level.length > 0 ? 1 : 0;
  for (let steps = 1; level.length > 0; steps++) {
    const next: S[] = [];
    for (const s of level) {
      for (const a of model.actions(s)) {
        const t = model.next(s, a);
        if (t === undefined) continue;
        generated++;
        if (seen.some((u) => same(u, key(t)))) continue;
        seen.push(key(t));
        if (!holds(t)) return { distinct: seen.length, generated, depth: steps + 1, violation: steps };
        next.push(t);
      }
    }
    if (next.length > 0) depth = steps + 1;
    level = next;
  }
  return { distinct: seen.length, generated, depth, violation: undefined };
}

function outcome(r: CheckResult<unknown, unknown>): Outcome {
  return {
    distinct: r.stats.distinctStates,
    generated: r.stats.generatedStates,
    depth: r.stats.depth,
    violation: r.violations[0]?.path.actions.length,
  };
}

describe('differential: the checker against a naive reference search', () => {
  it('agrees on distinct states, depth and the shortest violation, in bfs, dfs and exact, with and without a representative', () => {
    fc.assert(
      fc.property(spec, (s) => {
        const { model } = modelOf(s);
        const want = reference(model);
        for (const exact of [false, true]) {
          const got = outcome(bfs(model, { exact }) as CheckResult<unknown, unknown>);
          if (want.violation === undefined) expect(got).toEqual(want);
          else expect({ violation: got.violation, distinct: got.distinct }).toEqual({ violation: want.violation, distinct: want.distinct });
          // A random "symmetry" need not be one (its orbits' members may behave differently):
          // then which member is expanded depends on the order of search, and DFS may differ.
          if (s.orbit) continue;
          const d = dfs(model, { exact }) as CheckResult<unknown, unknown>;
          expect(d.verdict).toBe(want.violation === undefined ? 'pass' : 'violation');
          if (want.violation === undefined) expect(d.stats.distinctStates).toBe(want.distinct);
        }
      }),
      { numRuns: 300, seed: 15 },
    );
  });

  it('tells apart, in every mode, the pairs an inexact identity merged', () => {
    const bits = otherNaN(0xfff80000, 0);
    const pairs: [string, unknown, unknown][] = [
      ['NaN and "NaN"', NaN, 'NaN'],
      ['Infinity and "Infinity"', Infinity, 'Infinity'],
      ['-Infinity and "-Infinity"', -Infinity, '-Infinity'],
      ['a Map and { $map }', new Map([['k', 1]]), record([['$map', [['k', 1]]]])],
      ['a Set and { $set }', new Set([1]), record([['$set', [1]]])],
      ['[undefined] and [null]', [undefined], [null]],
      ['Map key undefined and null', new Map([[undefined, 1]]), new Map([[null, 1]])],
      ['Map value undefined and null', new Map([[1, undefined]]), new Map([[1, null]])],
      ['Set member undefined and null', new Set([undefined]), new Set([null])],
      ['-0 and 0', -0, 0],
      ['Date(1) and Date(2)', new Date(1), new Date(2)],
      ['a Date and {}', new Date(1), {}],
      ['Uint8Array and Int8Array', new Uint8Array([1]), new Int8Array([1])],
      ['Uint8Array and an array', new Uint8Array([1]), [1]],
      ['7n and 7', 7n, 7],
      ['__proto__ and constructor keys', record([['__proto__', 1]]), record([['constructor', 1]])],
    ];
    for (const [what, x, y] of pairs) {
      for (let container = 0; container < CONTAINERS.length; container++) {
        // init → x → y (bad): reachable only through y being a state of its own.
        const s: Spec = { pool: ['start', x, y], container, edges: [[1], [2], []], bad: [2], orbit: undefined };
        const { model } = modelOf(s);
        const want = reference(model);
        // A Map key or Set member -0 is 0 (SameValueZero): then they are one state, and the reference knows.
        for (const exact of [false, true]) {
          const r = bfs(model, { exact }) as CheckResult<unknown, unknown>;
          expect(outcome(r), `${what}, container ${container}, exact ${exact}`).toMatchObject({ distinct: want.distinct, violation: want.violation });
          expect((dfs(model, { exact }) as CheckResult<unknown, unknown>).verdict, what).toBe(r.verdict);
        }
      }
      const plain = bfs(modelOf({ pool: ['start', x, y], container: 0, edges: [[1], [2], []], bad: [2], orbit: undefined }).model);
      expect(plain.verdict, what).toBe('violation');
      expect(plain.violations[0].path.actions, what).toHaveLength(2);
    }
  });

  it('takes NaN of any bits for one value (no over-count)', () => {
    const s: Spec = { pool: [0, NaN, 0 / 0, otherNaN(0xfff80000, 0), otherNaN(0x7ff40000, 1)], container: 0, edges: [[1, 2, 3, 4], [], [], [], []], bad: [], orbit: undefined };
    const { model } = modelOf(s);
    expect(reference(model).distinct).toBe(2);
    expect(bfs(model).stats.distinctStates).toBe(2);
    expect(bfs(model, { exact: true }).stats.distinctStates).toBe(2);
  });
});

// ---- actor protocols ----

type V = { type: 'V'; v: unknown };

/** A sender sends a receiver two messages that differ only in a value's kind; the receiver notes which came first. */
function twoMessages(x: unknown, y: unknown, never: 'x' | 'y') {
  return protocol<V>({
    name: 'two-messages',
    nodes: { sender: 1, receiver: 1 },
    roles: {
      sender: {
        init: {},
        onStart(_s, ctx) {
          const [to] = ctx.nodes('receiver');
          ctx.send(to, { type: 'V', v: x });
          ctx.send(to, { type: 'V', v: y });
        },
      },
      receiver: {
        init: { first: null as null | string },
        on: {
          V(r: { first: null | string }, msg: V) {
            if (r.first === null) r.first = same(msg.v, x) ? 'x' : 'y';
          },
        },
      },
    },
    invariants: {
      [`${never} is never first`]: (w: { nodes<T>(role: string): T[] }) => w.nodes<{ first: null | string }>('receiver').every((r) => r.first !== never),
    },
  });
}

describe('differential: actor protocols', () => {
  it.each([
    ['NaN and "NaN"', NaN, 'NaN'],
    ['Infinity and "Infinity"', Infinity, 'Infinity'],
    ['a Map and { $map }', new Map([['k', 1]]), { $map: [['k', 1]] }],
    ['a Set and { $set }', new Set([1]), { $set: [1] }],
    ['[undefined] and [null]', [undefined], [null]],
    ['a Map with key undefined and with key null', new Map([[undefined, 1]]), new Map([[null, 1]])],
    ['-0 and 0', -0, 0],
    ['Date(1) and Date(2)', new Date(1), new Date(2)],
  ])('two in-flight messages that differ only as %s are two envelopes: either may be delivered first, in every mode', (_what, x, y) => {
    for (const never of ['x', 'y'] as const) {
      const model = twoMessages(x, y, never) as unknown as Model<unknown, unknown>;
      for (const strategy of ['bfs', 'bfs exact', 'dfs', 'dfs exact']) {
        const search = strategy.startsWith('bfs') ? bfs : dfs;
        const r = search(model, { exact: strategy.endsWith('exact') });
        expect(r.verdict, `${strategy}: ${never} is never first`).toBe('violation');
        if (strategy.startsWith('bfs')) expect(r.violations[0].path.actions).toHaveLength(1);
      }
    }
  });
});

// ---- symmetry under FIFO ----

type AB = { type: 'A' } | { type: 'B' };

/** A coordinator sends one receiver A then B and the other B then A; receivers (symmetric) log what they get. */
function queues(symmetry: boolean, fifo: boolean) {
  return protocol<AB>({
    name: 'queues',
    nodes: { coordinator: 1, receiver: 2 },
    symmetric: ['receiver'],
    roles: {
      coordinator: {
        init: { sent: false },
        onStart(_c, ctx) {
          ctx.setTimer('go');
        },
        timers: {
          go(c: { sent: boolean }, ctx) {
            const first = ctx.choose(ctx.nodes('receiver'));
            c.sent = true;
            for (const r of ctx.nodes('receiver')) {
              const order: AB[] = r === first ? [{ type: 'A' }, { type: 'B' }] : [{ type: 'B' }, { type: 'A' }];
              for (const m of order) ctx.send(r, m);
            }
          },
        },
      },
      receiver: {
        init: { log: [] as string[] },
        on: {
          A(r: { log: string[] }) {
            r.log.push('A');
          },
          B(r: { log: string[] }) {
            r.log.push('B');
          },
        },
      },
    },
    invariants: {},
  }).configure({ environment: { fifo }, ...(symmetry ? {} : { symmetry: false }) });
}

/** Every string renamed by `renaming`, as a value or a key, deeply (the reference's own renamer). */
function renamed(v: unknown, renaming: Map<string, string>): unknown {
  if (typeof v === 'string') return renaming.get(v) ?? v;
  if (Array.isArray(v)) return v.map((x) => renamed(x, renaming));
  if (v === null || typeof v !== 'object') return v;
  return record(Object.keys(v).map((k): [string, unknown] => [renaming.get(k) ?? k, renamed((v as Record<string, unknown>)[k], renaming)]));
}

/** A world with its network as links (from → to → the messages in flight, in queue order when FIFO, else sorted). */
function links(w: WorldState, fifo: boolean): unknown {
  const out = new Map<string, unknown[]>();
  for (const e of w.net) {
    const link = `${e.from} → ${e.to}`;
    out.set(link, [...(out.get(link) ?? []), { msg: e.msg, age: e.age }]);
  }
  if (!fifo) for (const [k, list] of out) out.set(k, list.map((m) => JSON.stringify(m)).sort());
  return { ...w, net: out };
}

describe('differential: symmetry reduction', () => {
  it.each([false, true])('counts one state per orbit (fifo %s): the order of a link queue is part of the signature', (fifo) => {
    const plain = queues(false, fifo) as unknown as Model<WorldState, unknown>;
    // The reference: every reachable world (naive BFS), then orbits under swapping the two receivers.
    const worlds: WorldState[] = [];
    let level = [...plain.init()];
    const receivers = Object.keys(level[0].nodes).filter((id) => id !== Object.keys(level[0].nodes)[0]);
    const swap = new Map([
      [receivers[0], receivers[1]],
      [receivers[1], receivers[0]],
    ]);
    while (level.length > 0) {
      const next: WorldState[] = [];
      for (const w of level) {
        if (worlds.some((u) => same(links(u, fifo), links(w, fifo)))) continue;
        worlds.push(w);
        for (const a of plain.actions(w)) {
          const t = plain.next(w, a);
          if (t !== undefined) next.push(t);
        }
      }
      level = next;
    }
    const orbits: WorldState[] = [];
    for (const w of worlds) {
      const image = links(renamed(w, swap) as WorldState, fifo);
      if (!orbits.some((o) => same(links(o, fifo), links(w, fifo)) || same(links(o, fifo), image))) orbits.push(w);
    }
    expect(orbits.length).toBeLessThan(worlds.length);
    expect(bfs(plain).stats.distinctStates).toBe(worlds.length);
    expect(bfs(queues(true, fifo) as never).stats.distinctStates).toBe(orbits.length);
    expect(dfs(queues(true, fifo) as never).stats.distinctStates).toBe(orbits.length);
    expect(bfs(queues(true, fifo) as never, { exact: true }).stats.distinctStates).toBe(orbits.length);
  });
});

// ---- values a state may not hold ----

describe('values a state may not hold are refused at the first state that holds them', () => {
  class Counter {
    #n: number;
    constructor(n: number) {
      this.#n = n;
    }
    get n(): number {
      return this.#n;
    }
  }
  const counting = defineModel<{ c: Counter }, 'inc'>({
    name: 'counting with a class',
    init: () => [{ c: new Counter(0) }],
    actions: () => ['inc'],
    next: (s) => (s.c.n < 4 ? { c: new Counter(s.c.n + 1) } : undefined),
    invariants: { 'below 3': (s) => s.c.n < 3 },
  });
  const cyclic = defineModel<{ n: number; list?: Record<string, unknown> }, 'grow'>({
    name: 'cyclic',
    init: () => [{ n: 0 }],
    actions: () => ['grow'],
    next: (s) => {
      const list: Record<string, unknown> = { head: { value: 1 } };
      (list.head as Record<string, unknown>).next = list;
      return { n: s.n + 1, list };
    },
    describe: (a) => `${a} the list`,
  });

  it.each([
    ['bfs', false],
    ['bfs', true],
    ['dfs', false],
    ['dfs', true],
  ] as const)('%s (exact %s): a class instance with private fields, named by its path', (strategy, exact) => {
    const search = strategy === 'bfs' ? bfs : dfs;
    let error: unknown;
    try {
      search(counting, { exact });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).phase).toBe('init');
    expect((error as SpecError).message).toMatch(/^state\.c is an instance of class Counter, whose private fields and methods the checker cannot see .*store its fields as a plain object/);
  });

  it('a cycle is a spec error naming its path and the action, not a stack overflow', () => {
    let error: unknown;
    try {
      bfs(cyclic);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    const e = error as SpecError;
    expect(e.phase).toBe('next');
    expect(e.actionLabel).toBe('grow the list');
    expect(e.message).toMatch(/^state\.list\.head\.next is state\.list again, a cycle/);
    expect(e.path?.states).toEqual([{ n: 0 }]);
  });
});
