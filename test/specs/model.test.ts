import { describe, expect, it } from 'vitest';
import { checker } from '../../checker/index.ts';
import { defineModel, describeAction, isModel, type Model } from '../../specs/index.ts';

const counter = defineModel<{ n: number }, 'inc' | 'reset'>({
  name: 'Counter',
  init: () => [{ n: 0 }],
  actions: (s) => (s.n < 2 ? ['inc', 'reset'] : ['reset']),
  next: (s, a) => (a === 'inc' ? { n: s.n + 1 } : { n: 0 }),
  invariants: { Small: (s) => s.n <= 2 },
});

describe('defineModel', () => {
  it('returns its argument unchanged', () => {
    const spec: Model<{ n: number }, string> = { name: 'M', init: () => [], actions: () => [], next: () => undefined };
    expect(defineModel(spec)).toBe(spec);
  });

  it('declares a model the checker runs', () => {
    const r = checker(counter).bfs();
    expect(r.verdict).toBe('pass');
    // 1 init; n=0 and n=1 generate 2 each, n=2 generates 1.
    expect(r.stats).toMatchObject({ distinctStates: 3, generatedStates: 6, depth: 3 });
  });
});

describe('isModel', () => {
  it('accepts objects with init, actions and next functions', () => {
    expect(isModel(counter)).toBe(true);
    expect(isModel({ init() {}, actions() {}, next() {} })).toBe(true);
    class Spec {
      init() { return []; }
      actions() { return []; }
      next() { return undefined; }
    }
    expect(isModel(new Spec())).toBe(true);
  });

  it('rejects everything else', () => {
    expect(isModel(null)).toBe(false);
    expect(isModel(undefined)).toBe(false);
    expect(isModel(42)).toBe(false);
    expect(isModel('model')).toBe(false);
    expect(isModel({})).toBe(false);
    expect(isModel({ init() {}, actions() {} })).toBe(false);
    expect(isModel({ init: [], actions() {}, next() {} })).toBe(false);
    expect(isModel(() => counter)).toBe(false);
  });
});

describe('describeAction', () => {
  it("uses the model's describe", () => {
    const m = defineModel<{}, { to: number }>({
      name: 'M',
      init: () => [{}],
      actions: () => [{ to: 3 }],
      next: () => undefined,
      describe: (a) => `go ${a.to}`,
    });
    expect(describeAction(m, { to: 3 })).toBe('go 3');
  });

  it('shows a string action as itself, anything else as compact JSON', () => {
    expect(describeAction(counter, 'inc')).toBe('inc');
    const plain = defineModel<{}, unknown>({ name: 'P', init: () => [], actions: () => [], next: () => undefined });
    expect(describeAction(plain, { type: 'Deliver', msg: { from: 1, to: 2 } })).toBe('{"type":"Deliver","msg":{"from":1,"to":2}}');
    expect(describeAction(plain, 7)).toBe('7');
    expect(describeAction(plain, ['a', 1])).toBe('["a",1]');
    expect(describeAction(plain, null)).toBe('null');
  });

  it('always returns a string', () => {
    const plain = defineModel<{}, unknown>({ name: 'P', init: () => [], actions: () => [], next: () => undefined });
    expect(typeof describeAction(plain, undefined)).toBe('string');
  });
});
