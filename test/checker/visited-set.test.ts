import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FingerprintTable, type VisitedSet } from '../../checker/visited-set.ts';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
/** Keys from a small pool (so repeats are common) mixed with arbitrary ones. */
const key = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
  fc.tuple(u32, u32),
  fc.tuple(fc.constant(0), u32),
);

/** Replays `keys` into a fresh table and a Set<string>, comparing every answer. */
function compareWithSet(keys: [number, number][], table: VisitedSet = new FingerprintTable(16)): void {
  const model = new Set<string>();
  for (const [hi, lo] of keys) {
    const text = `${hi}:${lo}`;
    expect(table.has(hi, lo)).toBe(model.has(text));
    expect(table.add(hi, lo)).toBe(!model.has(text));
    model.add(text);
    expect(table.has(hi, lo)).toBe(true);
    expect(table.size).toBe(model.size);
  }
  for (const text of model) {
    const [hi, lo] = text.split(':').map(Number);
    expect(table.has(hi, lo)).toBe(true);
  }
}

describe('FingerprintTable', () => {
  it('starts empty, adds once, and answers has', () => {
    const t = new FingerprintTable();
    expect(t.size).toBe(0);
    expect(t.has(1, 2)).toBe(false);
    expect(t.add(1, 2)).toBe(true);
    expect(t.add(1, 2)).toBe(false);
    expect(t.has(1, 2)).toBe(true);
    expect(t.has(2, 1)).toBe(false);
    expect(t.has(1, 3)).toBe(false);
    expect(t.size).toBe(1);
  });

  it('stores the all-zero key', () => {
    const t = new FingerprintTable();
    expect(t.has(0, 0)).toBe(false);
    expect(t.add(0, 0)).toBe(true);
    expect(t.has(0, 0)).toBe(true);
    expect(t.add(0, 0)).toBe(false);
    expect(t.size).toBe(1);
  });

  it('stores extreme keys', () => {
    const t = new FingerprintTable(16);
    const keys: [number, number][] = [
      [0xffffffff, 0xffffffff],
      [0xffffffff, 0],
      [0, 0xffffffff],
      [0x80000000, 0x80000000],
    ];
    for (const [hi, lo] of keys) expect(t.add(hi, lo)).toBe(true);
    for (const [hi, lo] of keys) expect(t.has(hi, lo)).toBe(true);
    expect(t.size).toBe(4);
  });

  it('keeps (0, 0) and (0, 1) apart', () => {
    const t = new FingerprintTable();
    expect(t.add(0, 0)).toBe(true);
    expect(t.has(0, 1)).toBe(false);
    expect(t.add(0, 1)).toBe(true);
    expect(t.size).toBe(2);
  });

  it('grows across many inserts, from the smallest capacity', () => {
    const t = new FingerprintTable(1);
    const initialBytes = t.bytes;
    const n = 200_000;
    const hiOf = (i: number) => Math.imul(i, 0x9e3779b1) >>> 0;
    let added = 0;
    for (let i = 0; i < n; i++) if (t.add(hiOf(i), i)) added++;
    expect(added).toBe(n);
    expect(t.size).toBe(n);
    let found = 0;
    for (let i = 0; i < n; i++) if (t.has(hiOf(i), i)) found++;
    expect(found).toBe(n);
    let readded = 0;
    for (let i = 0; i < n; i++) if (t.add(hiOf(i), i)) readded++;
    expect(readded).toBe(0);
    expect(t.has(1, n + 1)).toBe(false);
    expect(t.size).toBe(n);
    // 8 bytes a slot, load factor at most 0.75: 2^19 slots hold 200,000 keys.
    expect(initialBytes).toBe(16 * 8);
    expect(t.bytes).toBe((1 << 19) * 8);
  });

  it('grows with clustered keys (same low bits, same high bits)', () => {
    const t = new FingerprintTable(16);
    for (let i = 0; i < 5000; i++) {
      expect(t.add(i, 0)).toBe(true);
      expect(t.add(0, i << 16)).toBe(i === 0 ? false : true);
    }
    expect(t.size).toBe(9999);
    for (let i = 0; i < 5000; i++) expect(t.has(i, 0) && t.has(0, i << 16)).toBe(true);
  });

  it('behaves like a Set<string> of the same keys (random sequences, small pool)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 3 })),
            fc.tuple(fc.integer({ min: 1, max: 3 }), fc.constant(0)),
          ),
          { maxLength: 40 },
        ),
        (keys) => compareWithSet(keys),
      ),
      { numRuns: 300 },
    );
  });

  it('behaves like a Set<string> of the same keys (random sequences across growth)', () => {
    fc.assert(
      fc.property(
        fc.array(key, { maxLength: 500 }).map((keys) => keys.filter(([hi, lo]) => !(hi === 0 && lo <= 1))),
        (keys) => compareWithSet(keys),
      ),
      { numRuns: 200 },
    );
  });

  it('answers right when keys take turns in one slot of its cache of recent fingerprints', () => {
    // The cache is direct-mapped on the top bits of lo ^ hi·c: with hi = 0 these keys share a slot.
    const keys: [number, number][] = [];
    for (let round = 0; round < 3; round++) for (const lo of [0x10000, 0x10001, 0x1ffff]) keys.push([0, lo]);
    compareWithSet(keys);
    compareWithSet([[0, 0], [0, 0], [0, 0x10000], [0, 0]]);
  });

  it('behaves like a Set<string> when keys include both (0, 0) and (0, 1)', () => {
    compareWithSet([
      [0, 0],
      [0, 1],
      [5, 7],
    ]);
  });
});
