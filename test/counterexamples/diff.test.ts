import { describe, expect, it } from 'vitest';
import { stateDiff as rawDiff, stateLeaves as rawLeaves, type Change } from '../../counterexamples/index.ts';

/** Path, before and after of each change: what these tests pin (other fields may be added). */
const plain = (changes: Change[]) => changes.map(({ path, before, after }) => ({ path, before, after }));
const stateDiff = (before: unknown, after: unknown) => plain(rawDiff(before, after));
const stateLeaves = (state: unknown) => plain(rawLeaves(state));

describe('stateDiff', () => {
  it('is empty for equal states, by reference or by value', () => {
    const s = { a: 1, b: [1, 2] };
    expect(stateDiff(s, s)).toEqual([]);
    expect(stateDiff({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toEqual([]);
  });

  it('names nested object leaves with dots', () => {
    expect(stateDiff({ a: { b: 1, c: 2 } }, { a: { b: 9, c: 2 } })).toEqual([{ path: 'a.b', before: 1, after: 9 }]);
  });

  it('names array elements by index', () => {
    expect(stateDiff({ xs: [1, 2, 3] }, { xs: [1, 5, 3] })).toEqual([{ path: 'xs[1]', before: 2, after: 5 }]);
    expect(stateDiff([1, 2], [1, 3])).toEqual([{ path: '[1]', before: 2, after: 3 }]);
  });

  it('reports an array whose length changed as one change', () => {
    expect(stateDiff({ xs: [1] }, { xs: [1, 2] })).toEqual([{ path: 'xs', before: [1], after: [1, 2] }]);
  });

  it('reports added and removed keys', () => {
    expect(stateDiff({ a: 1 }, { a: 1, b: 2 })).toEqual([{ path: 'b', before: undefined, after: 2 }]);
    expect(stateDiff({ a: 1, b: 2 }, { a: 1 })).toEqual([{ path: 'b', before: 2, after: undefined }]);
  });

  it('lists changes in sorted key order', () => {
    expect(stateDiff({ b: 1, a: 1, c: { z: 1, y: 1 } }, { c: { y: 2, z: 2 }, b: 2, a: 2 }).map((c) => c.path)).toEqual([
      'a',
      'b',
      'c.y',
      'c.z',
    ]);
  });

  it('quotes keys that are not identifiers, keeps hyphenated names plain', () => {
    expect(stateDiff({ 'a b': 1 }, { 'a b': 2 })).toEqual([{ path: '["a b"]', before: 1, after: 2 }]);
    expect(stateDiff({ x: { 'a b': 1 } }, { x: { 'a b': 2 } })).toEqual([{ path: 'x["a b"]', before: 1, after: 2 }]);
    expect(stateDiff({ nodes: { 'participant-1': 0 } }, { nodes: { 'participant-1': 1 } })).toEqual([
      { path: 'nodes.participant-1', before: 0, after: 1 },
    ]);
    expect(stateDiff({ '1x': 0 }, { '1x': 1 })).toEqual([{ path: '["1x"]', before: 0, after: 1 }]);
  });

  it('calls a changed root value (state)', () => {
    expect(stateDiff(1, 2)).toEqual([{ path: '(state)', before: 1, after: 2 }]);
    expect(stateDiff({ a: 1 }, [1])).toEqual([{ path: '(state)', before: { a: 1 }, after: [1] }]);
  });

  it('compares Sets and Maps canonically, as one leaf', () => {
    expect(stateDiff({ s: new Set([1, 2]) }, { s: new Set([2, 1]) })).toEqual([]);
    const before = new Map([['k', 1]]);
    const after = new Map([['k', 2]]);
    expect(stateDiff({ m: before }, { m: after })).toEqual([{ path: 'm', before, after }]);
  });

  it('reports a leaf whose type changed', () => {
    expect(stateDiff({ a: { b: 1 } }, { a: 3 })).toEqual([{ path: 'a', before: { b: 1 }, after: 3 }]);
    expect(stateDiff({ a: null }, { a: {} })).toEqual([{ path: 'a', before: null, after: {} }]);
  });
});

describe('stateLeaves', () => {
  it('lists every leaf in sorted order, arrays whole', () => {
    expect(stateLeaves({ b: { d: 1, c: 'x' }, a: [1, 2] })).toEqual([
      { path: 'a', before: undefined, after: [1, 2] },
      { path: 'b.c', before: undefined, after: 'x' },
      { path: 'b.d', before: undefined, after: 1 },
    ]);
  });

  it('shows an empty state and a primitive as one leaf', () => {
    expect(stateLeaves({})).toEqual([{ path: '(state)', before: undefined, after: {} }]);
    expect(stateLeaves(7)).toEqual([{ path: '(state)', before: undefined, after: 7 }]);
  });
});
