import { describe, expect, it } from 'vitest';
import {
  casRegisterModel,
  checkHistory,
  checkLinearizable,
  checkSequentiallyConsistent,
  defineHistoryModel,
  HistoryModelError,
  kvModel,
  registerModel,
  type History,
} from '../../../checker/history/index.ts';
import { events } from './helpers.ts';

const register = registerModel();
const cas = casRegisterModel();

function lin(h: History, model = cas): string {
  return checkLinearizable(h, model).verdict;
}
function sc(h: History, model = cas): string {
  return checkSequentiallyConsistent(h, model).verdict;
}

describe('linearizability: plain registers', () => {
  it('a read concurrent with a write may see either value', () => {
    const h = events([
      [0, 'invoke', 'write', 1],
      [1, 'invoke', 'read', null],
      [2, 'invoke', 'read', null],
      [1, 'ok', 'read', 1],
      [2, 'ok', 'read', null],
      [0, 'ok', 'write', 1],
    ]);
    // Not both: p1 saw 1 and then p2 (concurrent with both) saw null — fine, p2 linearized first.
    expect(lin(h, register)).toBe('ok');
  });

  it('a read that completes after another read saw the new value cannot see the old one', () => {
    const h = events([
      [0, 'invoke', 'write', 1],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', 1],
      [2, 'invoke', 'read', null],
      [2, 'ok', 'read', null],
      [0, 'ok', 'write', 1],
    ]);
    expect(lin(h, register)).toBe('violation');
  });

  it('a stale read after a completed write is not linearizable', () => {
    const h = events([
      [0, 'invoke', 'write', 1],
      [0, 'ok', 'write', 1],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', null],
    ]);
    expect(lin(h, register)).toBe('violation');
  });

  it('the initial value counts (--init)', () => {
    const h = events([
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', 5],
    ]);
    expect(lin(h, registerModel(5))).toBe('ok');
    expect(lin(h, registerModel())).toBe('violation');
  });

  it('an empty history is linearizable', () => {
    expect(lin(events([]))).toBe('ok');
  });
});

describe('unknown outcomes (:info, timeouts, open at the end)', () => {
  it('an :info write may take effect after its invocation, much later', () => {
    const h = events([
      [0, 'invoke', 'write', 1],
      [0, 'info', 'write', ':timed-out'],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', null],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', 1],
    ]);
    expect(lin(h)).toBe('ok');
  });

  it('an :info write may never take effect', () => {
    const h = events([
      [0, 'invoke', 'write', 1],
      [0, 'info', 'write', ':timed-out'],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', null],
    ]);
    expect(lin(h)).toBe('ok');
  });

  it('an :info write cannot take effect before it was invoked', () => {
    const h = events([
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', 1],
      [0, 'invoke', 'write', 1],
      [0, 'info', 'write', ':timed-out'],
    ]);
    expect(lin(h)).toBe('violation');
  });

  it('an :info write takes effect at most once', () => {
    const h = events([
      [0, 'invoke', 'write', 1],
      [0, 'info', 'write', ':timed-out'],
      [2, 'invoke', 'write', 2],
      [2, 'ok', 'write', 2],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', 1],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', 2],
    ]);
    // 1 then 2 would need the write of 1 to land after write(2) and then write(2) to land again.
    expect(lin(h)).toBe('violation');
  });

  it('an operation still open at the end of the file is an unknown outcome', () => {
    const h = events([
      [0, 'invoke', 'write', 3],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', 3],
    ]);
    expect(h.ops[0].outcome).toBe('unknown');
    expect(lin(h)).toBe('ok');
  });

  it('a timed-out read says nothing', () => {
    const h = events([
      [0, 'invoke', 'read', null],
      [0, 'info', 'read', ':timed-out'],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', null],
    ]);
    const r = checkLinearizable(h, cas);
    expect(r.verdict).toBe('ok');
    expect(r.ops).toBe(1); // the timed-out read was dropped
  });

  it('an :info cas may have succeeded', () => {
    const h = events([
      [0, 'invoke', 'cas', [null, 4]],
      [0, 'info', 'cas', ':timed-out'],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', 4],
    ]);
    expect(lin(h)).toBe('ok');
  });
});

describe(':fail semantics', () => {
  it('a failed cas ran and returned false: the value was not the expected one', () => {
    const failedWhenItShouldHaveWorked = events([
      [0, 'invoke', 'write', 0],
      [0, 'ok', 'write', 0],
      [1, 'invoke', 'cas', [0, 1]],
      [1, 'fail', 'cas', [0, 1]],
    ]);
    expect(lin(failedWhenItShouldHaveWorked)).toBe('violation');
    const failedRightly = events([
      [0, 'invoke', 'write', 2],
      [0, 'ok', 'write', 2],
      [1, 'invoke', 'cas', [0, 1]],
      [1, 'fail', 'cas', [0, 1]],
    ]);
    expect(lin(failedRightly)).toBe('ok');
    expect(failedRightly.ops[1]).toMatchObject({ outcome: 'ok', output: false });
  });

  it('a successful cas changes the value', () => {
    const h = events([
      [1, 'invoke', 'cas', [null, 1]],
      [1, 'ok', 'cas', [null, 1]],
      [0, 'invoke', 'read', null],
      [0, 'ok', 'read', 1],
    ]);
    expect(lin(h)).toBe('ok');
    expect(h.ops[0].output).toBe(true);
  });

  it('a failed write did not happen', () => {
    const h = events([
      [0, 'invoke', 'write', 1],
      [0, 'fail', 'write', 1],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', 1],
    ]);
    expect(h.ops).toHaveLength(1);
    expect(lin(h)).toBe('violation');
  });

  it('a failed read says nothing', () => {
    const h = events([
      [0, 'invoke', 'read', null],
      [0, 'fail', 'read', null],
    ]);
    expect(h.ops).toHaveLength(0);
    expect(lin(h)).toBe('ok');
  });
});

describe('sequential consistency versus linearizability', () => {
  // p1 reads the old value after p0's write completed: sequentially consistent (order the read
  // first: p1's own order is respected) but not linearizable (real time says the write came first).
  const staleRead = events([
    [0, 'invoke', 'write', 1],
    [0, 'ok', 'write', 1],
    [1, 'invoke', 'read', null],
    [1, 'ok', 'read', null],
  ]);

  it('a stale read is sequentially consistent but not linearizable', () => {
    expect(lin(staleRead)).toBe('violation');
    expect(sc(staleRead)).toBe('ok');
  });

  it('checkHistory runs either condition', () => {
    expect(checkHistory(staleRead, cas, { consistency: 'sequential' }).consistency).toBe('sequential');
    expect(checkHistory(staleRead, cas).consistency).toBe('linearizable');
  });

  it('a linearizable history is sequentially consistent', () => {
    const h = events([
      [0, 'invoke', 'write', 1],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', null],
      [0, 'ok', 'write', 1],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', 1],
    ]);
    expect(lin(h)).toBe('ok');
    expect(sc(h)).toBe('ok');
  });

  it("a process must see its own writes, even under sequential consistency", () => {
    const h = events([
      [0, 'invoke', 'write', 1],
      [0, 'ok', 'write', 1],
      [0, 'invoke', 'read', null],
      [0, 'ok', 'read', null],
    ]);
    expect(sc(h)).toBe('violation');
  });

  it('sequential consistency is not compositional: per key fine, together not', () => {
    // x and y start empty; p0 puts x then reads y empty; p1 puts y then reads x empty.
    // Each key alone is sequentially consistent; together, one of the gets must see the other's put.
    const h = events([
      [0, 'invoke', 'put', 'a', 'x'],
      [0, 'ok', 'put', 'a', 'x'],
      [1, 'invoke', 'put', 'b', 'y'],
      [1, 'ok', 'put', 'b', 'y'],
      [0, 'invoke', 'get', null, 'y'],
      [0, 'ok', 'get', '', 'y'],
      [1, 'invoke', 'get', null, 'x'],
      [1, 'ok', 'get', '', 'x'],
    ]);
    const kv = kvModel();
    expect(sc(h, kv)).toBe('violation');
    // Linearizability is checked key by key, and fails too (the gets come after both puts).
    const r = checkLinearizable(h, kv);
    expect(r.verdict).toBe('violation');
    expect(r.partitions).toBe(2);
  });
});

describe('partitioned models (P-compositionality)', () => {
  it('kv: keys are independent', () => {
    const h = events([
      [0, 'invoke', 'append', 'a', 'k1'],
      [1, 'invoke', 'append', 'b', 'k2'],
      [0, 'ok', 'append', 'a', 'k1'],
      [1, 'ok', 'append', 'b', 'k2'],
      [0, 'invoke', 'get', null, 'k1'],
      [0, 'ok', 'get', 'a', 'k1'],
      [1, 'invoke', 'get', null, 'k2'],
      [1, 'ok', 'get', 'b', 'k2'],
    ]);
    const r = checkLinearizable(h, kvModel());
    expect(r).toMatchObject({ verdict: 'ok', partitions: 2, ops: 4 });
  });

  it('kv: the failing key is named', () => {
    const h = events([
      [0, 'invoke', 'put', 'v', 'k1'],
      [0, 'ok', 'put', 'v', 'k1'],
      [0, 'invoke', 'append', 'a', 'k2'],
      [0, 'ok', 'append', 'a', 'k2'],
      [1, 'invoke', 'get', null, 'k2'],
      [1, 'ok', 'get', 'aa', 'k2'],
    ]);
    const r = checkLinearizable(h, kvModel());
    expect(r.verdict).toBe('violation');
    expect(r.failure?.partition).toBe('"k2"');
  });
});

describe('user-defined models', () => {
  // A FIFO queue: enqueue v; dequeue returns the head or null.
  const queue = defineHistoryModel({
    name: 'queue',
    init: (): readonly number[] => [],
    step(q: readonly number[], input: { f: string; value?: unknown }) {
      if (input.f === 'enqueue') return { state: [...q, input.value as number], output: undefined };
      return q.length === 0 ? { state: q, output: null } : { state: q.slice(1), output: q[0] };
    },
    readOnly: () => false,
  });

  it('checks a queue history', () => {
    const ok = events([
      [0, 'invoke', 'enqueue', 1],
      [1, 'invoke', 'enqueue', 2],
      [0, 'ok', 'enqueue', 1],
      [1, 'ok', 'enqueue', 2],
      [2, 'invoke', 'dequeue', null],
      [2, 'ok', 'dequeue', 2],
      [2, 'invoke', 'dequeue', null],
      [2, 'ok', 'dequeue', 1],
    ]);
    expect(checkLinearizable(ok, queue).verdict).toBe('ok');
    const bad = events([
      [0, 'invoke', 'enqueue', 1],
      [0, 'ok', 'enqueue', 1],
      [1, 'invoke', 'enqueue', 2],
      [1, 'ok', 'enqueue', 2],
      [2, 'invoke', 'dequeue', null],
      [2, 'ok', 'dequeue', 2],
    ]);
    expect(checkLinearizable(bad, queue).verdict).toBe('violation');
  });

  it('uses the model equality for memoisation when there is no hash', () => {
    let calls = 0;
    const counter = defineHistoryModel({
      name: 'counter',
      init: () => ({ n: 0 }),
      step: (s: { n: number }, input: { f: string }) => (input.f === 'incr' ? { state: { n: s.n + 1 }, output: undefined } : { state: s, output: s.n }),
      equal: (a, b) => (calls++, a.n === b.n),
    });
    const h = events([
      [0, 'invoke', 'incr', null],
      [1, 'invoke', 'incr', null],
      [0, 'ok', 'incr', null],
      [1, 'ok', 'incr', null],
      [2, 'invoke', 'read', null],
      [2, 'ok', 'read', 2],
    ]);
    expect(checkLinearizable(h, counter).verdict).toBe('ok');
    expect(calls).toBeGreaterThan(0);
  });

  it('an operation the model does not know is a HistoryModelError naming its line', () => {
    const h = events([
      [0, 'invoke', 'write', 1],
      [0, 'ok', 'write', 1],
      [1, 'invoke', 'cas', [1, 2]],
      [1, 'ok', 'cas', [1, 2]],
    ]);
    expect(() => checkLinearizable(h, register)).toThrow(HistoryModelError);
    expect(() => checkLinearizable(h, register)).toThrow(/^test:3: the register model has read and write, not :cas$/);
  });
});

describe('explaining a violation', () => {
  it('names the failing operation, the states before it and a small window', () => {
    const h = events([
      [0, 'invoke', 'write', 1], // op 0
      [0, 'ok', 'write', 1],
      [0, 'invoke', 'write', 2], // op 1
      [0, 'ok', 'write', 2],
      [3, 'invoke', 'write', 9], // op 2: unknown outcome
      [3, 'info', 'write', ':timed-out'],
      [1, 'invoke', 'read', null], // op 3: fine
      [1, 'ok', 'read', 2],
      [2, 'invoke', 'read', null], // op 4: stale
      [2, 'ok', 'read', 1],
      [1, 'invoke', 'read', null], // op 5: after the failure
      [1, 'ok', 'read', 2],
    ]);
    const r = checkLinearizable(h, cas);
    expect(r.verdict).toBe('violation');
    const f = r.failure!;
    expect(f.failingOp).toBe(4);
    expect(f.window).toEqual([2, 4]); // in flight (the :info write) and the stale read
    expect(f.possibleStates).toEqual(['2', '9']);
    expect(f.ops.map((o) => o.id)).toEqual([0, 1, 2, 3, 4]); // the failing prefix
    expect(f.longest).toEqual([0, 1, 3]);
    expect(f.longestStates).toEqual(['1', '2', '2']);
    expect(f.stuck).toEqual([{ id: 4, label: 'read() → 1', expected: '2', observed: '1' }]);
    expect(f.initialState).toBe('null');
  });

  it('explain: false skips the explanation', () => {
    const h = events([
      [0, 'invoke', 'write', 1],
      [0, 'ok', 'write', 1],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', 2],
    ]);
    const r = checkLinearizable(h, cas, { explain: false });
    expect(r.verdict).toBe('violation');
    expect(r.failure).toBeUndefined();
  });
});

describe('limits', () => {
  it('gives up at the time limit', () => {
    // 22 concurrent writes of distinct values and a concurrent read of a value nobody wrote:
    // every subset of the writes (and which came last) must be tried before concluding.
    const concurrent: Parameters<typeof events>[0] = [];
    for (let p = 0; p < 22; p++) concurrent.push([p, 'invoke', 'write', p]);
    concurrent.push([99, 'invoke', 'read', null]);
    for (let p = 0; p < 22; p++) concurrent.push([p, 'ok', 'write', p]);
    concurrent.push([99, 'ok', 'read', 1000]);
    const started = Date.now();
    const r = checkLinearizable(events(concurrent), cas, { timeoutMs: 100 });
    expect(r.verdict).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a 10,000-operation history does not overflow the stack', () => {
    const list: Parameters<typeof events>[0] = [];
    let value = 0;
    for (let i = 0; i < 2500; i++) {
      // Two overlapping writes and two reads that agree with the later write.
      value += 2;
      list.push([0, 'invoke', 'write', value - 1], [1, 'invoke', 'write', value], [0, 'ok', 'write', value - 1], [1, 'ok', 'write', value]);
      list.push([2, 'invoke', 'read', null], [3, 'invoke', 'read', null], [2, 'ok', 'read', value], [3, 'ok', 'read', value]);
    }
    const h = events(list);
    expect(h.ops).toHaveLength(10_000);
    const r = checkLinearizable(h, cas);
    expect(r.verdict).toBe('ok');
    expect(r.ops).toBe(10_000);
    // And a stale read at the very end: found, and explained, without recursion either.
    const bad = events([...list, [4, 'invoke', 'read', null], [4, 'ok', 'read', 1]]);
    const rb = checkLinearizable(bad, cas);
    expect(rb.verdict).toBe('violation');
    expect(rb.failure?.failingOp).toBe(10_000);
    expect(rb.failure?.longest).toHaveLength(10_000);
    expect(sc(h)).toBe('ok');
  });
});
