import { describe, expect, it } from 'vitest';
import { checkLinearizable, generateKvHistory, kvModel, parseJsonl, serializeJsonl, type History, type JepsenInput } from '../../../checker/history/index.ts';
import { partitionOps } from '../../../checker/history/partition.ts';
import { prepareOps } from '../../../checker/history/prepare.ts';
import { realTimeOrder } from '../../../checker/history/realtime-order.ts';
import { searchLinearization } from '../../../checker/history/search.ts';

const kv = kvModel();

describe('generateKvHistory: a simulated store with concurrent clients', () => {
  it('is deterministic: the same options make the same history', () => {
    const g = generateKvHistory({ clients: 5, ops: 40, keys: 2, seed: 7 });
    expect(g.linearizable).toBe(true);
    expect(g.history.source).toBe('generated kv (5 clients, 40 ops, 2 keys, seed 7)');
    const count = (f: string) => g.history.ops.filter((op) => op.input.f === f).length;
    expect([g.history.ops.length, count('get'), count('put'), count('append')]).toEqual([40, 16, 4, 20]);
    expect(g.history.ops.slice(0, 3)).toEqual([
      { id: 0, process: 0, input: { f: 'get', key: '0', value: null }, outcome: 'ok', call: 0, ret: 7, output: '' },
      { id: 1, process: 1, input: { f: 'get', key: '1', value: null }, outcome: 'ok', call: 1, ret: 5, output: 'x 2 0 y' },
      { id: 2, process: 2, input: { f: 'append', key: '1', value: 'x 2 0 y' }, outcome: 'ok', call: 2, ret: 9 },
    ]);
    expect(serializeJsonl(g.history)).toBe(serializeJsonl(generateKvHistory({ clients: 5, ops: 40, keys: 2, seed: 7 }).history));
    // Round trip through the JSON-lines format: the same verdict.
    const text = serializeJsonl(g.history);
    expect(text).toHaveLength(5704);
    expect(checkLinearizable(parseJsonl(text, 'g.jsonl'), kv).verdict).toBe('ok');
  });

  it('small cases: 30 seeds, each linearizable as made and not once a read is corrupted, failing at that read', () => {
    const verdicts: string[] = [];
    for (let seed = 1; seed <= 30; seed++) {
      const good = generateKvHistory({ clients: 4, ops: 30, keys: 2, seed });
      const bad = generateKvHistory({ clients: 4, ops: 30, keys: 2, seed, corruptAt: 0.5 });
      const a = checkLinearizable(good.history, kv);
      const b = checkLinearizable(bad.history, kv);
      verdicts.push(`${a.verdict}/${b.verdict}/${b.failure?.failingOp === bad.corrupted}`);
    }
    expect(verdicts).toEqual(Array(30).fill('ok/violation/true'));
  });

  it('lost completions (info) keep the history linearizable', () => {
    const g = generateKvHistory({ clients: 10, ops: 300, keys: 3, seed: 3, lost: 0.05 });
    expect(g.history.ops.filter((op) => op.outcome === 'unknown')).toHaveLength(8);
    expect(checkLinearizable(g.history, kv).verdict).toBe('ok');
  });
});

/**
 * Brute force, no memo and no reductions: place, in any order real time allows, every
 * known-outcome operation and any of the unknown-outcome ones, checking each output.
 */
function bruteForceKv(h: History<JepsenInput, unknown>): boolean {
  const ops = h.ops;
  const placed = new Array(ops.length).fill(false);
  const go = (states: Map<string, string>, left: number): boolean => {
    if (left === 0) return true;
    for (let i = 0; i < ops.length; i++) {
      if (placed[i]) continue;
      // Everything that completed before i was invoked must be placed (unknown outcomes never complete).
      if (ops.some((o, j) => !placed[j] && o.outcome === 'ok' && o.ret < ops[i].call)) continue;
      const op = ops[i];
      const key = String(op.input.key);
      const now = states.get(key) ?? '';
      let next = now;
      if (op.input.f === 'get') {
        if (op.outcome === 'ok' && op.output !== now) continue;
      } else next = op.input.f === 'put' ? String(op.input.value) : now + String(op.input.value);
      placed[i] = true;
      const after = new Map(states).set(key, next);
      if (go(after, left - (op.outcome === 'ok' ? 1 : 0))) return true;
      placed[i] = false;
    }
    return false;
  };
  return go(new Map(), ops.filter((o) => o.outcome === 'ok').length);
}

describe('agreement with a brute force on small generated histories', () => {
  it('200 histories (3 clients, 7 operations, lost completions, some reads swapped): the same verdicts', () => {
    const tally = { ok: 0, violation: 0, withUnknown: 0, disagreements: [] as number[] };
    for (let seed = 1; seed <= 200; seed++) {
      const { history } = generateKvHistory({ clients: 3, ops: 7, keys: 1, seed, lost: 0.3, latency: 0.8, reads: 0.4 });
      const gets = history.ops.filter((op) => op.input.f === 'get' && op.outcome === 'ok');
      if (seed % 2 === 0 && gets.length >= 2) [gets[0].output, gets[gets.length - 1].output] = [gets[gets.length - 1].output, gets[0].output];
      if (history.ops.some((op) => op.outcome === 'unknown')) tally.withUnknown++;
      const verdict = checkLinearizable(history, kv).verdict;
      if ((verdict === 'ok') !== bruteForceKv(history)) tally.disagreements.push(seed);
      if (verdict === 'ok') tally.ok++;
      else tally.violation++;
    }
    expect(tally).toEqual({ ok: 146, violation: 54, withUnknown: 150, disagreements: [] });
  });
});

describe('large multi-client histories', () => {
  it('50 clients × 5,000 operations × 10 keys: linearizable, decided in well under the timeout', () => {
    const g = generateKvHistory({ clients: 50, ops: 5000, keys: 10 });
    const result = checkLinearizable(g.history, kv, { timeoutMs: 60_000 });
    expect([result.verdict, result.ops, result.partitions]).toEqual(['ok', 5000, 10]);
    expect(result.seconds).toBeLessThan(10);
  });

  it('the same with one read corrupted: a violation at that read, on its key', () => {
    const g = generateKvHistory({ clients: 50, ops: 5000, keys: 10, corruptAt: 0.5 });
    expect(g.corrupted).toBe(2501);
    const result = checkLinearizable(g.history, kv, { timeoutMs: 60_000 });
    expect(result.verdict).toBe('violation');
    expect(result.failure).toMatchObject({ failingOp: 2501, partition: '"8"', window: [2501] });
    expect(result.failure!.longest).toHaveLength(253);
  });

  it('the Porcupine-c50 shape with stragglers: operations that take effect long before, or long after, they complete', () => {
    const g = generateKvHistory({ clients: 50, ops: 5000, keys: 10, latency: 0.3, slow: 0.03, slowFactor: 300, seed: 1 });
    const result = checkLinearizable(g.history, kv, { timeoutMs: 60_000 });
    expect(result.verdict).toBe('ok');
    expect(result.seconds).toBeLessThan(20);
  });

  it('--timeout bounds a search that would take long: verdict timeout', () => {
    const g = generateKvHistory({ clients: 50, ops: 5000, keys: 10, latency: 1, seed: 2 });
    const result = checkLinearizable(g.history, kv, { timeoutMs: 300 });
    expect(result.verdict).toBe('timeout');
    expect(result.seconds).toBeLessThan(3);
  });

  it('memory is bounded: with a tiny budget the caches are dropped and the verdict is the same', () => {
    const g = generateKvHistory({ clients: 20, ops: 600, keys: 2, latency: 0.3, seed: 4 });
    const part = partitionOps(prepareOps(g.history, kv as never), kv as never)[0];
    const roomy = { configurations: 0, steps: 0 };
    const tight = { configurations: 0, steps: 0, compactions: 0 };
    expect(searchLinearization(part.ops, kv as never, realTimeOrder(part.ops), { stats: roomy }).kind).toBe('ok');
    expect(searchLinearization(part.ops, kv as never, realTimeOrder(part.ops), { stats: tight, memoryBytes: 64 * 1024 }).kind).toBe('ok');
    expect(tight.compactions).toBeGreaterThan(0);
  });
});
