import fc from 'fast-check';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { GrowthCoordinator, SharedVisitedSet, type SharedTable } from '../../checker/shared-visited-set.ts';

const BOOTSTRAP = new URL('../../checker/parallel/ts-worker.mjs', import.meta.url);
const WORKER = new URL('../fixtures/workers/visited-set-worker.ts', import.meta.url).href;

/** A set attached in this thread, with an owner that grows it whenever it asks. */
function attachedSet(initialCapacity = 64) {
  const owner = SharedVisitedSet.create(initialCapacity);
  const tables: SharedTable[] = [];
  const coordinator = new GrowthCoordinator(owner, 1, (_, table) => tables.push(table));
  const set = SharedVisitedSet.attach(owner.handle, { announcePause: () => coordinator.pausedAt(0), receiveTable: () => tables.shift() });
  coordinator.started(0);
  return { owner, set, coordinator };
}

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const key = fc.oneof(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })), fc.tuple(u32, u32), fc.tuple(fc.constant(0), u32));

describe('SharedVisitedSet in one thread', () => {
  it('starts empty, adds once, and answers has', () => {
    const { set, owner } = attachedSet();
    expect(set.size).toBe(0);
    expect(set.has(1, 2)).toBe(false);
    expect(set.add(1, 2)).toBe(true);
    expect(set.add(1, 2)).toBe(false);
    expect(set.has(1, 2)).toBe(true);
    expect(set.has(2, 1)).toBe(false);
    expect(owner.size).toBe(1);
  });

  it('stores keys with zero halves, apart from each other', () => {
    const { set } = attachedSet();
    for (const [hi, lo] of [[0, 0], [0, 1], [1, 0], [0xffffffff, 0], [0, 0xffffffff]] as const) expect(set.add(hi, lo)).toBe(true);
    for (const [hi, lo] of [[0, 0], [0, 1], [1, 0], [0xffffffff, 0], [0, 0xffffffff]] as const) expect(set.has(hi, lo)).toBe(true);
    expect(set.size).toBe(5);
  });

  it('a zero half is stored as a fixed nonzero word: the one documented extra collision', () => {
    const { set } = attachedSet();
    expect(set.add(0, 5)).toBe(true);
    expect(set.has(0x9e3779b9, 5)).toBe(true);
    expect(set.add(7, 0)).toBe(true);
    expect(set.has(7, 0x7f4a7c15)).toBe(true);
    expect(set.has(7, 1)).toBe(false);
  });

  it('grows from the smallest table through its owner, keeping every key', () => {
    const { set, owner, coordinator } = attachedSet(1);
    const n = 100_000;
    const hiOf = (i: number) => Math.imul(i, 0x9e3779b1) >>> 0;
    let added = 0;
    for (let i = 0; i < n; i++) if (set.add(hiOf(i), i)) added++;
    expect(added).toBe(n);
    expect(owner.size).toBe(n);
    for (let i = 0; i < n; i++) if (!set.has(hiOf(i), i) || !owner.has(hiOf(i), i)) throw new Error(`lost key ${i}`);
    for (let i = 0; i < n; i++) if (set.add(hiOf(i), i)) throw new Error(`key ${i} added twice`);
    // 64 slots to start; a table of 2^18 slots holds 100,000 keys under the 3/4 load limit.
    expect(coordinator.growths).toBe(12);
    expect(set.capacity).toBe(1 << 18);
    expect(owner.bytes).toBe((1 << 18) * 8);
  });

  it('answers right when keys take turns in one slot of its cache of recent fingerprints', () => {
    const { set } = attachedSet();
    // Same hi, same top 16 bits of lo: one slot of the direct-mapped cache.
    const keys = [0x10000, 0x10001, 0x1ffff];
    for (const lo of keys) expect(set.add(1, lo)).toBe(true);
    for (let round = 0; round < 3; round++) for (const lo of keys) expect(set.add(1, lo)).toBe(false);
    expect(set.add(1, 0x10002)).toBe(true);
    expect(set.size).toBe(4);
  });

  it('behaves like a Set<string> of the same keys (random sequences across growth)', () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 400 }), (keys) => {
        const { set } = attachedSet();
        const model = new Set<string>();
        for (const [hi, lo] of keys) {
          const text = `${hi}:${lo}`;
          if (set.has(hi, lo) !== model.has(text)) return false;
          if (set.add(hi, lo) === model.has(text)) return false;
          model.add(text);
          if (set.size !== model.size) return false;
        }
        return [...model].every((text) => set.has(...(text.split(':').map(Number) as [number, number])));
      }),
      { numRuns: 200 },
    );
  });
});

describe('SharedVisitedSet across worker threads', () => {
  it('four workers adding the same keys in different orders: each key is new exactly once, through many growths', async () => {
    const distinct = 20_000;
    const pool: [number, number][] = [];
    // Some keys with a zero hi, some with a zero lo (multiplying by an odd constant is injective).
    for (let i = 0; i < distinct; i++) {
      const hi = i % 7 === 0 ? 0 : Math.imul(i, 0x9e3779b1) >>> 0;
      const lo = i % 5 === 0 && hi !== 0 ? 0 : Math.imul(i + 1, 0x85ebca77) >>> 0;
      pool.push([hi, lo]);
    }
    expect(new Set(pool.map(([hi, lo]) => `${hi}:${lo}`)).size).toBe(distinct);
    const shuffled = (seed: number) => fc.sample(fc.shuffledSubarray(pool, { minLength: distinct, maxLength: distinct }), { seed, numRuns: 1 })[0];

    const workers = 4;
    const owner = SharedVisitedSet.create(64);
    const tablePorts: MessagePort[] = [];
    const coordinator = new GrowthCoordinator(owner, workers, (w, table) => tablePorts[w].postMessage(table));
    const orders = Array.from({ length: workers }, (_, w) => shuffled(w + 1));
    const start = new SharedArrayBuffer(4);
    let ready = 0;
    let pauses = 0;
    const results = await Promise.all(
      orders.map((keys, w) => {
        const channel = new MessageChannel();
        tablePorts.push(channel.port1);
        coordinator.started(w);
        const workerData = { entry: WORKER, handle: owner.handle, tablePort: channel.port2, keys, start };
        const thread = new Worker(BOOTSTRAP, { workerData, transferList: [channel.port2] });
        return new Promise<{ added: number[]; missing: number }>((resolve, reject) => {
          thread.on('error', reject);
          thread.on('message', (m: { type: string; added: number[]; missing: number }) => {
            if (m.type === 'ready') {
              if (++ready === workers) {
                Atomics.store(new Int32Array(start), 0, 1);
                Atomics.notify(new Int32Array(start), 0);
              }
            } else if (m.type === 'paused') {
              pauses++;
              coordinator.pausedAt(w);
            } else {
              coordinator.finished(w);
              resolve(m);
              void thread.terminate();
            }
          });
        });
      }),
    );
    for (const port of tablePorts) port.close();

    const firsts = results.flatMap((r, w) => r.added.map((i) => `${orders[w][i][0]}:${orders[w][i][1]}`));
    expect(firsts.length).toBe(distinct);
    expect(new Set(firsts).size).toBe(distinct);
    expect(results.map((r) => r.missing)).toEqual([0, 0, 0, 0]);
    expect(owner.size).toBe(distinct);
    expect(pool.every(([hi, lo]) => owner.has(hi, lo))).toBe(true);
    expect(coordinator.growths).toBe(9); // 64 → 32,768 slots
    expect(pauses).toBeGreaterThanOrEqual(coordinator.growths);
  });
});

describe('SharedVisitedSet used by its owner alone', () => {
  it('grows at once and keeps every key', () => {
    const owner = SharedVisitedSet.create(64);
    for (let i = 0; i < 10_000; i++) expect(owner.add(i, i + 1)).toBe(true);
    for (let i = 0; i < 10_000; i++) expect(owner.add(i, i + 1)).toBe(false);
    expect(owner.size).toBe(10_000);
    expect(owner.capacity).toBe(1 << 14);
  });
});
