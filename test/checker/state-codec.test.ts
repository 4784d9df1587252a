import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PackedFrontier } from '../../checker/frontier.ts';
import { StateCodec } from '../../checker/state-codec.ts';

/** Plain data of every kind the codec keeps: JSON, undefined, holes, -0, floats, Maps, Sets. */
const plain: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, undefined, true, false, 0, -0, 1, 127, 128, -1, 2 ** 30, -(2 ** 30), 2 ** 31, 2 ** 53, 0.5, NaN, Infinity, -Infinity),
    fc.integer(),
    fc.double(),
    fc.string(),
    fc.constantFrom('', 'working', 'prepared', '__proto__', 'constructor', '0', 'x'.repeat(200)),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.sparseArray(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('a', 'b', '0', '10', 'constructor')), tie('value'), { maxKeys: 5 }),
    fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 3 }).map((entries) => new Map(entries)),
    fc.array(tie('value'), { maxLength: 3 }).map((xs) => new Set(xs)),
    tie('value').map((v) => Object.freeze(v as object)),
  ),
})).value;

/** Everything a spec could observe of plain data, as a string: key order, holes, -0, frozenness, Map/Set order. */
function observe(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'object' || v === null) return String(v);
  const frozen = Object.isFrozen(v) ? '!' : '';
  if (Array.isArray(v)) {
    const items: string[] = [];
    for (let i = 0; i < v.length; i++) items.push(i in v ? observe(v[i]) : '<hole>');
    return `${frozen}[${items.join(',')}]`;
  }
  if (v instanceof Map) return `${frozen}Map(${[...v].map(([k, x]) => `${observe(k)}=>${observe(x)}`).join(',')})`;
  if (v instanceof Set) return `${frozen}Set(${[...v].map(observe).join(',')})`;
  const proto = Object.getPrototypeOf(v) === Object.prototype ? '' : '<proto>';
  return `${frozen}${proto}{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${observe((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

describe('StateCodec', () => {
  it('decodes what it encoded: key order, undefined, holes, -0, NaN, Map/Set order and frozenness included', () => {
    const codec = new StateCodec();
    fc.assert(
      fc.property(plain, (v) => {
        codec.encode(v);
        const bytes = codec.encoded().slice();
        const back = codec.decode(bytes);
        expect(observe(back)).toBe(observe(v));
        expect(codec.decodedEnd).toBe(bytes.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps values that are not plain data by reference', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const p = new Point(1);
    const f = (): number => 1;
    const nullProto = Object.assign(Object.create(null) as object, { a: 1 });
    const proto = JSON.parse('{"__proto__": 1, "b": 2}') as object;
    const codec = new StateCodec();
    codec.encode({ p, f, nullProto, proto, list: [p] });
    const back = codec.decode(codec.encoded().slice()) as Record<string, unknown>;
    expect(back.p).toBe(p);
    expect(back.f).toBe(f);
    expect(back.nullProto).toBe(nullProto);
    expect(back.proto).toBe(proto);
    expect((back.list as unknown[])[0]).toBe(p);
    expect(codec.references).toBe(5);
  });

  it('writes a small state in a few bytes (TwoPhase with 3 RMs: 26 — a byte a leaf, 2 an array, 4 an object)', () => {
    const codec = new StateCodec();
    const state = {
      rmState: ['working', 'prepared', 'working'],
      tmState: 'init',
      tmPrepared: [false, true, false],
      msgs: { prepared: [false, true, false], commit: false, abort: false },
    };
    codec.encode(state);
    expect(codec.encodedLength).toBe(26);
  });

  it('decodes a fresh copy every time', () => {
    const codec = new StateCodec();
    codec.encode({ a: [1, 2], b: { c: 3 } });
    const bytes = codec.encoded().slice();
    const x = codec.decode(bytes) as { a: number[] };
    const y = codec.decode(bytes) as { a: number[] };
    expect(x).toEqual(y);
    expect(x).not.toBe(y);
    expect(x.a).not.toBe(y.a);
  });
});

describe('PackedFrontier', () => {
  it('pops states and ids in the order pushed, across chunks, interleaved with pushes', () => {
    const frontier = new PackedFrontier<unknown>();
    const pushed: [unknown, number][] = [];
    let popped = 0;
    const big = 'y'.repeat(3 << 20); // a state larger than a chunk
    for (let i = 0; i < 60_000; i++) {
      const state = i % 20_000 === 7 ? { big, i } : { i, name: `s${i % 100}`, list: [i, -i, i / 2] };
      frontier.push(state, i * 3);
      pushed.push([state, i * 3]);
      if (i % 3 === 0) {
        const state = frontier.pop();
        expect(observe(state)).toBe(observe(pushed[popped][0]));
        expect(frontier.poppedId).toBe(pushed[popped][1]);
        popped++;
      }
    }
    expect(frontier.size).toBe(pushed.length - popped);
    while (frontier.size > 0) {
      const state = frontier.pop();
      expect(frontier.poppedId).toBe(pushed[popped][1]);
      expect(observe(state)).toBe(observe(pushed[popped][0]));
      popped++;
    }
    expect(popped).toBe(pushed.length);
    frontier.push({ again: true }, 1);
    expect(frontier.pop()).toEqual({ again: true });
  });

  it('holds a queued TwoPhase-like state in tens of bytes', () => {
    const frontier = new PackedFrontier<unknown>();
    for (let i = 0; i < 100_000; i++) {
      frontier.push({ rmState: ['working', 'prepared', 'aborted', 'committed', 'working'], tmState: 'init', tmPrepared: [i % 2 === 0, false, true, false, false], msgs: { prepared: [false, false, true, true, false], commit: false, abort: i % 3 === 0 } }, i);
    }
    expect(frontier.bytes! / frontier.size).toBeLessThan(45);
  });
});
