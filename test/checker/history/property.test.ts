import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  casRegisterModel,
  checkLinearizable,
  checkSequentiallyConsistent,
  historyFromJepsenEvents,
  parseJsonl,
  serializeJsonl,
  type History,
  type JepsenEvent,
  type JepsenInput,
  type Operation,
} from '../../../checker/history/index.ts';

type Value = number | null;

/** One generated operation: who, what, when, and how its outcome is reported. */
interface Spec {
  process: number;
  f: 'read' | 'write' | 'cas';
  a: Value;
  b: Value;
  gap: number;
  duration: number;
  /** Where in its interval the operation takes effect (0..1). */
  point: number;
  /** 0: reported ok/fail; 1: :info, but it took effect; 2: :info, and it never took effect. */
  report: 0 | 1 | 2;
}

const value = fc.constantFrom<Value>(null, 0, 1, 2);
const spec = (processes: number) =>
  fc.record<Spec>({
    process: fc.nat(processes - 1),
    f: fc.constantFrom('read', 'write', 'cas'),
    a: value,
    b: value,
    gap: fc.integer({ min: 0, max: 6 }),
    duration: fc.integer({ min: 1, max: 12 }),
    point: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
    report: fc.constantFrom<0 | 1 | 2>(0, 0, 0, 0, 1, 2),
  });

interface Timed {
  time: number;
  order: number;
  event: Omit<JepsenEvent, 'line'>;
}

/**
 * Runs the specs against a real sequential register: each operation takes effect at one instant
 * inside its interval (or never, for an :info that did not happen), and reports what the register
 * returned. Such a history is linearizable by construction.
 */
function simulate(specs: Spec[], mutate?: { index: number; to: Value }): History<JepsenInput, unknown> {
  const clock = new Map<number, number>();
  const ops = specs.map((s, i) => {
    const call = (clock.get(s.process) ?? 0) + s.gap + 0.001 * i; // distinct times
    const ret = call + s.duration;
    clock.set(s.process, ret);
    return { s, i, call, ret, at: call + s.point * s.duration };
  });
  let register: Value = null;
  const outputs = new Map<number, unknown>();
  for (const o of [...ops].sort((x, y) => x.at - y.at)) {
    if (o.s.report === 2) continue;
    if (o.s.f === 'read') outputs.set(o.i, register);
    else if (o.s.f === 'write') register = o.s.a;
    else if (register === o.s.a) {
      register = o.s.b;
      outputs.set(o.i, true);
    } else outputs.set(o.i, false);
  }
  if (mutate) {
    // Corrupt the first completed read at or after `index` (wrapping around).
    const reads = ops.filter((o) => o.s.f === 'read' && o.s.report === 0);
    const target = reads.find((o) => o.i >= mutate.index) ?? reads[0];
    if (target) outputs.set(target.i, mutate.to);
  }
  const timed: Timed[] = [];
  for (const o of ops) {
    const { process, f } = o.s;
    const input = f === 'cas' ? [o.s.a, o.s.b] : f === 'write' ? o.s.a : null;
    timed.push({ time: o.call, order: 0, event: { process, type: 'invoke', f, value: input } });
    if (o.s.report !== 0) timed.push({ time: o.ret, order: 1, event: { process, type: 'info', f, value: ':timed-out' } });
    else if (f === 'cas') timed.push({ time: o.ret, order: 1, event: { process, type: outputs.get(o.i) ? 'ok' : 'fail', f, value: input } });
    else timed.push({ time: o.ret, order: 1, event: { process, type: 'ok', f, value: f === 'read' ? outputs.get(o.i) : input } });
  }
  timed.sort((x, y) => x.time - y.time || x.order - y.order);
  return historyFromJepsenEvents(
    timed.map((t, line) => ({ ...t.event, line: line + 1 })),
    'generated',
  );
}

/** Brute force: every subset of unknown-outcome operations, every order of them and the rest. */
function bruteForce(h: History<JepsenInput, unknown>, consistency: 'linearizable' | 'sequential'): boolean {
  const ops = h.ops;
  const unknown = ops.filter((o) => o.outcome === 'unknown');
  const known = ops.filter((o) => o.outcome === 'ok');
  const mustPrecede = (a: Operation, b: Operation): boolean =>
    consistency === 'linearizable' ? a.ret < b.call : a.process === b.process && a.outcome === 'ok' && a.call < b.call;
  const model = casRegisterModel();
  const valid = (order: Operation<JepsenInput, unknown>[]): boolean => {
    for (let i = 0; i < order.length; i++) for (let j = i + 1; j < order.length; j++) if (mustPrecede(order[j], order[i])) return false;
    let state: unknown = null;
    for (const op of order) {
      const r = model.step(state, op.input);
      if (op.outcome === 'ok' && r.output !== undefined && JSON.stringify(r.output) !== JSON.stringify(op.output)) return false;
      state = r.state;
    }
    return true;
  };
  const permutations = function* (items: Operation<JepsenInput, unknown>[]): Generator<Operation<JepsenInput, unknown>[]> {
    if (items.length === 0) {
      yield [];
      return;
    }
    for (let i = 0; i < items.length; i++) {
      const rest = [...items.slice(0, i), ...items.slice(i + 1)];
      for (const p of permutations(rest)) yield [items[i], ...p];
    }
  };
  for (let mask = 0; mask < 1 << unknown.length; mask++) {
    const chosen = [...known, ...unknown.filter((_, i) => mask & (1 << i))];
    for (const order of permutations(chosen)) if (valid(order)) return true;
  }
  return false;
}

describe('properties of the history checker', () => {
  it('histories produced by a real sequential register are linearizable (and sequentially consistent)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((n) => fc.array(spec(n), { maxLength: 60 })),
        (specs) => {
          const h = simulate(specs);
          expect(checkLinearizable(h, casRegisterModel()).verdict).toBe('ok');
          expect(checkSequentiallyConsistent(h, casRegisterModel()).verdict).toBe('ok');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('agrees with a brute-force search on small histories, linearizable or not', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }).chain((n) => fc.array(spec(n), { minLength: 1, maxLength: 6 })),
        fc.record({ index: fc.nat(5), to: value }),
        fc.boolean(),
        (specs, mutation, mutate) => {
          const h = simulate(specs, mutate ? mutation : undefined);
          const lin = checkLinearizable(h, casRegisterModel());
          expect(lin.verdict === 'ok').toBe(bruteForce(h, 'linearizable'));
          const sc = checkSequentiallyConsistent(h, casRegisterModel());
          expect(sc.verdict === 'ok').toBe(bruteForce(h, 'sequential'));
          if (lin.verdict === 'violation') {
            const f = lin.failure!;
            expect(f.window).toContain(f.failingOp);
            expect(f.possibleStates?.length).toBeGreaterThan(0);
            // The failing prefix ends at the failing operation's completion.
            const failing = h.ops[f.failingOp];
            expect(failing.outcome).toBe('ok');
            expect(f.ops.every((o) => o.call <= failing.ret)).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('jsonl: serialize then parse gives the same history', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((n) => fc.array(spec(n), { maxLength: 30 })),
        (specs) => {
          const h = simulate(specs);
          const again = parseJsonl(serializeJsonl(h), 'generated');
          const shape = (x: History<JepsenInput, unknown>) => x.ops.map((o) => ({ id: o.id, process: o.process, input: o.input, output: o.output, outcome: o.outcome }));
          expect(shape(again)).toEqual(shape(h));
          const precedes = (x: History<JepsenInput, unknown>) => x.ops.map((a) => x.ops.map((b) => a.ret < b.call));
          expect(precedes(again)).toEqual(precedes(h));
        },
      ),
      { numRuns: 200 },
    );
  });
});
