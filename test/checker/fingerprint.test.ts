import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, fingerprint, fingerprintHex, type Fingerprint } from '../../checker/index.ts';
import { fingerprintInto } from '../../checker/fingerprint.ts';
import { rng } from './seeded-random.ts';

const hex = (v: unknown): string => fingerprintHex(fingerprint(v));

function shuffle<T>(xs: readonly T[], random: () => number): T[] {
  const out = xs.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The same value with the keys of every object re-inserted in a random order. */
function reorderKeys(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => reorderKeys(v, random));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    // fromEntries defines own properties, so a "__proto__" key stays a key.
    return Object.fromEntries(shuffle(entries, random).map(([k, v]) => [k, reorderKeys(v, random)]));
  }
  return value;
}

/** JSON text of a value with every object's keys sorted: what canonical JSON must be (-0 kept as -0). */
function sortedJson(value: unknown): string {
  if (Object.is(value, -0)) return '-0';
  if (Array.isArray(value)) return '[' + value.map(sortedJson).join(',') + ']';
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + sortedJson(record[k])).join(',') + '}';
  }
  return JSON.stringify(value);
}

describe('fingerprint', () => {
  it('hashes the empty string like any other string, every time (the string cache starts full of them)', () => {
    const first = fingerprint(['', { '': '' }]);
    expect(fingerprint('')).not.toEqual({ hi: 0, lo: 0 });
    for (const s of ['a', 'ab', 'working', 'x'.repeat(70)]) fingerprint({ [s]: s });
    expect(fingerprint(['', { '': '' }])).toEqual(first);
    expect(fingerprint('')).not.toEqual(fingerprint(null));
  });

  it('is 64 bits as two unsigned 32-bit halves, and fingerprintInto writes the same', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const fp = fingerprint(v);
        expect(Number.isInteger(fp.hi) && fp.hi >= 0 && fp.hi <= 0xffffffff).toBe(true);
        expect(Number.isInteger(fp.lo) && fp.lo >= 0 && fp.lo <= 0xffffffff).toBe(true);
        const out: Fingerprint = { hi: 1, lo: 2 };
        fingerprintInto(v, out);
        expect(out).toEqual(fp);
        expect(fingerprintHex(fp)).toMatch(/^[0-9a-f]{16}$/);
      }),
      { numRuns: 300 },
    );
  });

  it('fingerprintHex pads both halves to 8 hex digits', () => {
    expect(fingerprintHex({ hi: 0, lo: 0 })).toBe('0000000000000000');
    expect(fingerprintHex({ hi: 0xabc, lo: 0xffffffff })).toBe('00000abcffffffff');
  });

  it('ignores object key order at every level', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer(), (v, seed) => {
        const reordered = reorderKeys(v, rng(seed));
        expect(hex(reordered)).toBe(hex(v));
        expect(canonicalJson(reordered)).toBe(canonicalJson(v));
      }),
      { numRuns: 1000 },
    );
  });

  it('ignores key order of a concrete nested state', () => {
    const a = { rm: ['working', 'prepared'], tm: { state: 'init', prepared: [true, false] }, msgs: { commit: false, abort: true } };
    const b = { msgs: { abort: true, commit: false }, tm: { prepared: [true, false], state: 'init' }, rm: ['working', 'prepared'] };
    expect(hex(a)).toBe(hex(b));
  });

  it('distinct canonical JSON ⇒ distinct fingerprints, equal canonical JSON ⇒ equal fingerprints (random pairs)', () => {
    let distinctPairs = 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.jsonValue({ maxDepth: 3 }), (a, b) => {
        const same = canonicalJson(a) === canonicalJson(b);
        if (!same) distinctPairs++;
        expect(hex(a) === hex(b)).toBe(same);
      }),
      { numRuns: 3000 },
    );
    expect(distinctPairs).toBeGreaterThan(2000);
  });

  it('distinguishes small mutations of a value (one leaf changed)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 8 }),
        fc.nat(),
        fc.integer({ min: 1, max: 3 }),
        (xs, at, delta) => {
          const i = at % xs.length;
          const ys = xs.slice();
          ys[i] += delta;
          expect(hex({ xs })).not.toBe(hex({ xs: ys }));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('has no collision among 100,000 structurally similar states', () => {
    const seen = new Set<string>();
    for (let a = 0; a < 10; a++)
      for (let b = 0; b < 10; b++)
        for (let c = 0; c < 10; c++)
          for (let d = 0; d < 100; d++) seen.add(hex({ a, pair: [b, c], tag: { d: d % 2 === 0 ? d : String(d) } }));
    expect(seen.size).toBe(100_000);
  });

  it('keeps arrays ordered', () => {
    expect(hex([1, 2])).not.toBe(hex([2, 1]));
    expect(hex({ xs: ['a', 'b', 'c'] })).not.toBe(hex({ xs: ['c', 'b', 'a'] }));
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer(), { minLength: 2, maxLength: 10 }), fc.integer(), (xs, seed) => {
        const ys = shuffle(xs, rng(seed));
        expect(hex(ys) === hex(xs)).toBe(ys.every((y, i) => y === xs[i]));
      }),
      { numRuns: 300 },
    );
  });

  it('ignores Set and Map insertion order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.oneof(fc.integer(), fc.string()), { maxLength: 12 }),
        fc.integer(),
        (keys, seed) => {
          const shuffled = shuffle(keys, rng(seed));
          expect(hex(new Set(shuffled))).toBe(hex(new Set(keys)));
          expect(hex(new Map(shuffled.map((k) => [k, [k]])))).toBe(hex(new Map(keys.map((k) => [k, [k]]))));
          expect(canonicalJson(new Set(shuffled))).toBe(canonicalJson(new Set(keys)));
          expect(canonicalJson(new Map(shuffled.map((k) => [k, 1])))).toBe(canonicalJson(new Map(keys.map((k) => [k, 1]))));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('distinguishes Sets and Maps by content and from arrays and objects', () => {
    expect(hex(new Set([1, 2]))).not.toBe(hex(new Set([1, 3])));
    expect(hex(new Set([1, 2]))).not.toBe(hex(new Set([1, 2, 3])));
    expect(hex(new Set([1, 2]))).not.toBe(hex([1, 2]));
    expect(hex(new Map([['a', 1]]))).not.toBe(hex(new Map([['a', 2]])));
    expect(hex(new Map([['a', 1]]))).not.toBe(hex({ a: 1 }));
    expect(hex(new Map([['a', 1]]))).not.toBe(hex(new Set(['a', 1])));
  });

  it('tells 1, "1", [1], true, {"1": 1}, null and 1.5 apart', () => {
    const values = [1, '1', [1], true, false, { '1': 1 }, null, 1.5, 0, '', [], {}, [[1]], ['1']];
    expect(new Set(values.map(hex)).size).toBe(values.length);
  });

  it('tells -0 from 0 (Object.is and 1/x do), as the README says', () => {
    expect(hex(-0)).not.toBe(hex(0));
    expect(hex({ x: -0 })).not.toBe(hex({ x: 0 }));
    expect(hex([-0, 1])).not.toBe(hex([0, 1]));
    expect(canonicalJson({ x: -0 })).toBe('{"x":-0}');
    expect(canonicalJson({ x: 0 })).toBe('{"x":0}');
    // A Map key or Set member -0 is 0 already (SameValueZero).
    expect(hex(new Map([[-0, 1]]))).toBe(hex(new Map([[0, 1]])));
  });

  it('takes NaN of any bits for one value, and not for "NaN"', () => {
    const bits = new Float64Array(3);
    const words = new Uint32Array(bits.buffer);
    words[1] = 0x7ff80000; // the canonical quiet NaN
    words[3] = 0xfff80000; // what 0/0 gives on x86: sign bit set
    words[5] = 0x7ff40000; // a signalling payload
    words[4] = 1;
    const nans = [NaN, 0 / 0, bits[0], bits[1], bits[2]];
    expect(new Set(nans.map((n) => hex({ n }))).size).toBe(1);
    expect(new Set(nans.map((n) => canonicalJson({ n }))).size).toBe(1);
    expect(hex(NaN)).not.toBe(hex('NaN'));
    expect(hex(Infinity)).not.toBe(hex('Infinity'));
    expect(hex(-Infinity)).not.toBe(hex('-Infinity'));
    expect(hex(Infinity)).not.toBe(hex(-Infinity));
    expect(canonicalJson([NaN, Infinity, -Infinity])).toBe('[NaN,Infinity,-Infinity]');
    expect(canonicalJson(['NaN', 'Infinity'])).toBe('["NaN","Infinity"]');
  });

  it('tells undefined from null in arrays, Map keys and values and Set members', () => {
    expect(hex([undefined])).not.toBe(hex([null]));
    // eslint-disable-next-line no-sparse-arrays
    expect(hex([, 1])).toBe(hex([undefined, 1])); // a hole reads as undefined
    expect(hex(new Map([[undefined, 1]]))).not.toBe(hex(new Map([[null, 1]])));
    expect(hex(new Map([[1, undefined]]))).not.toBe(hex(new Map([[1, null]])));
    expect(hex(new Set([undefined]))).not.toBe(hex(new Set([null])));
    expect(canonicalJson(new Map([[undefined, null]]))).not.toBe(canonicalJson(new Map([[null, undefined]])));
    expect(canonicalJson(new Set([undefined]))).not.toBe(canonicalJson(new Set([null])));
  });

  it('tells Maps and Sets from objects that look like their encoding', () => {
    expect(hex(new Map([['k', 1]]))).not.toBe(hex({ $map: [['k', 1]] }));
    expect(canonicalJson(new Map([['k', 1]]))).not.toBe(canonicalJson({ $map: [['k', 1]] }));
    expect(canonicalJson(new Set([1]))).not.toBe(canonicalJson({ $set: [1] }));
    expect(canonicalJson(new Set(['Set[1]']))).not.toBe(canonicalJson(new Set([new Set([1])])));
  });

  it('hashes a Date by its time value and a typed array by its type and contents', () => {
    expect(hex({ at: new Date(5) })).toBe(hex({ at: new Date(5) }));
    expect(hex({ at: new Date(5) })).not.toBe(hex({ at: new Date(6) }));
    expect(hex(new Date(5))).not.toBe(hex(5));
    expect(hex(new Date(5))).not.toBe(hex({}));
    expect(hex(new Date(NaN))).toBe(hex(new Date(NaN)));
    expect(hex(new Uint8Array([1, 2]))).toBe(hex(new Uint8Array([1, 2])));
    expect(hex(new Uint8Array([1, 2]))).not.toBe(hex(new Int8Array([1, 2])));
    expect(hex(new Uint8Array([1, 2]))).not.toBe(hex([1, 2]));
    expect(hex(new Uint8Array([1, 2]))).not.toBe(hex(new Uint8Array([2, 1])));
    expect(canonicalJson({ at: new Date(5), b: new Float32Array([0.5]) })).toBe('{"at":Date(5),"b":Float32Array[0.5]}');
    expect(hex(10n)).not.toBe(hex(10));
    expect(hex(10n)).not.toBe(hex('10'));
    expect(canonicalJson(10n)).toBe('10n');
  });

  it('tells an object without a prototype from a plain one', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    expect(hex(bare)).not.toBe(hex({ a: 1 }));
    expect(hex(bare)).toBe(hex(Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 })));
    expect(canonicalJson(bare)).not.toBe(canonicalJson({ a: 1 }));
  });

  it('ignores keys whose value is undefined', () => {
    expect(hex({ a: 1, b: undefined })).toBe(hex({ a: 1 }));
    expect(hex({ nested: { x: undefined, y: [1] } })).toBe(hex({ nested: { y: [1] } }));
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  it('distinguishes a missing key from a null one, and integers from floats', () => {
    expect(hex({ a: 1 })).not.toBe(hex({ a: 1, b: null }));
    expect(hex(2 ** 31)).not.toBe(hex(2 ** 31 + 1));
    expect(hex(0.1 + 0.2)).not.toBe(hex(0.3));
  });

  it('rejects values that are not plain data, naming their path and the fix', () => {
    expect(() => fingerprint({ f: () => 1 })).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
    expect(() => fingerprint({ nodes: { a: { f: function step() {} } } })).toThrow(/^state\.nodes\.a\.f is a function \(step\): .*store a name/);
    expect(() => fingerprint({ s: [Symbol('x')] })).toThrow(/^state\.s\[0\] is a symbol \(x\)/);
    class Counter {
      #n = 0;
      get n(): number {
        return this.#n;
      }
    }
    expect(() => fingerprint({ c: new Counter() })).toThrow(/^state\.c is an instance of class Counter, whose private fields/);
    expect(() => fingerprint({ m: new Map([['k', { r: /x/ }]]) })).toThrow(/^state\.m\.get\("k"\)\.r is a RegExp/);
    expect(() => fingerprint({ "odd key": new WeakMap() })).toThrow(/^state\["odd key"\] is a WeakMap/);
    class Items extends Array {}
    expect(() => fingerprint({ xs: new Items() })).toThrow(/^state\.xs is an instance of class Items/);
  });

  it('names the path of a cycle instead of overflowing the stack', () => {
    const node: Record<string, unknown> = { id: 1 };
    node.self = { up: node };
    expect(() => fingerprint({ root: node })).toThrow(/^state\.root\.self\.up is state\.root again, a cycle/);
    expect(() => canonicalJson({ root: node }, 'state')).toThrow(/^state\.root\.self\.up is state\.root again, a cycle/);
    const list: unknown[] = [];
    list.push(list);
    expect(() => fingerprint(list)).toThrow(/^state\[0\] is state again/);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 2, e: 3 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"e":3,"f":2}]},"b":1}',
    );
  });

  it('is JSON.stringify with sorted keys on JSON values (but for -0, which is not 0)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(canonicalJson(v)).toBe(sortedJson(v));
      }),
      { numRuns: 500 },
    );
  });

  it('encodes Sets and Maps with sorted elements, as tokens JSON cannot produce', () => {
    expect(canonicalJson(new Set([3, 1, 2]))).toBe('Set[1,2,3]');
    expect(canonicalJson(new Map<unknown, unknown>([['b', 1], ['a', [2]]]))).toBe('Map[["a",[2]],["b",1]]');
  });
});
