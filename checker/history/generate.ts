import type { History, JepsenInput, Operation } from './types.ts';

/** Options of {@link generateKvHistory}. */
export interface KvHistoryOptions {
  /** Concurrent clients (processes). Default 50. */
  clients?: number;
  /** Operations in all. Default 5000. */
  ops?: number;
  /** Keys, named "0", "1", …. Default 10. */
  keys?: number;
  /** Seed of the deterministic random source. Default 1. */
  seed?: number;
  /** Share of operations that are `get`s (the rest: appends, and one put in ten writes). Default 0.5. */
  reads?: number;
  /**
   * Share of writes whose completion is lost (`info`): the effect happened or not (half each),
   * and the process goes on. Default 0.
   */
  lost?: number;
  /**
   * Make the history non-linearizable by corrupting the read at this fraction of the history
   * (0 … 1): the first completed `get` at or after that point returns its value with a fragment
   * that was never written appended. Default: no corruption (the history is linearizable).
   */
  corruptAt?: number;
  /** Share of operations that are `slowFactor` times slower than the rest. Default 0.05. */
  slow?: number;
  /** How much slower a slow operation is. Default 10. */
  slowFactor?: number;
  /** Mean latency of an operation (invocation to effect, and effect to completion), in units of a client's mean think time between operations. Default 0.1. */
  latency?: number;
}

/** What {@link generateKvHistory} made, and what it knows about it. */
export interface GeneratedHistory {
  history: History<JepsenInput, unknown>;
  /** True when no read was corrupted: the history is linearizable by construction. */
  linearizable: boolean;
  /** The id of the corrupted read, when one was. */
  corrupted?: number;
}

/** mulberry32: a small deterministic random source (same seed, same history, on every machine). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A binary min-heap of pending simulation events, ordered by time then insertion. */
class EventQueue {
  private readonly items: Array<{ time: number; seq: number; client: number }> = [];
  private seq = 0;
  get size(): number {
    return this.items.length;
  }
  push(time: number, client: number): void {
    const items = this.items;
    items.push({ time, seq: this.seq++, client });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }
  pop(): { time: number; client: number } {
    const items = this.items;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.less(l, m)) m = l;
        if (r < items.length && this.less(r, m)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m], items[i]];
        i = m;
      }
    }
    return top;
  }
  private less(a: number, b: number): boolean {
    const x = this.items[a];
    const y = this.items[b];
    return x.time < y.time || (x.time === y.time && x.seq < y.seq);
  }
}

type Phase = 'idle' | 'invoked' | 'applied';

/**
 * A deterministic history of a simulated key-value store (get / put / append of strings, every
 * key starting at `""`, Porcupine's kv model) driven by concurrent clients, as a discrete-event
 * simulation. Every client starts at time 0 and loops: invoke an operation; after a random delay
 * apply it to the store atomically (its linearization point); after another delay complete it
 * with the result; think; repeat. Think times are exponential with mean 1, the two delays
 * exponential with mean `latency` (default 0.1), and each delay is `slowFactor` times longer
 * (default 10) with probability `slow` (default 0.05): an operation may take effect long after
 * its invocation, or complete long after it took effect, as in real logs. The history is
 * linearizable by construction; `corruptAt` turns one read into a value that was never in the
 * store, which no linearization can explain. Appended fragments are unique (`"x <client> <n> y"`,
 * as in Porcupine's test data).
 */
export function generateKvHistory(options: KvHistoryOptions = {}): GeneratedHistory {
  const { clients = 50, ops: total = 5000, keys = 10, seed = 1, reads = 0.5, lost = 0, slow = 0.05, slowFactor = 10, latency = 0.1 } = options;
  const random = seededRandom(seed);
  const pick = (n: number): number => Math.floor(random() * n);
  const delay = (scale: number): number => -Math.log(1 - random()) * scale;
  const store = new Map<string, string>();
  for (let k = 0; k < keys; k++) store.set(String(k), '');
  const phase: Phase[] = new Array(clients).fill('idle');
  const current: Array<Operation<JepsenInput, unknown> | undefined> = new Array(clients).fill(undefined);
  const result: unknown[] = new Array(clients).fill(undefined);
  const counter = new Array(clients).fill(0);
  const ops: Operation<JepsenInput, unknown>[] = [];
  const queue = new EventQueue();
  for (let c = 0; c < clients; c++) queue.push(0, c); // every client starts at once, as in a Jepsen test
  let time = 0;
  let started = 0;
  while (queue.size > 0) {
    const { time: now, client: c } = queue.pop();
    if (phase[c] === 'idle') {
      if (started >= total) continue;
      const key = String(pick(keys));
      const r = random();
      let input: JepsenInput;
      if (r < reads) input = { f: 'get', key, value: null };
      else if (r < reads + (1 - reads) * 0.1) input = { f: 'put', key, value: `x ${c} ${counter[c]++} y` };
      else input = { f: 'append', key, value: `x ${c} ${counter[c]++} y` };
      const op: Operation<JepsenInput, unknown> = { id: ops.length, process: c, input, outcome: 'ok', call: time++, ret: Infinity };
      ops.push(op);
      current[c] = op;
      phase[c] = 'invoked';
      started++;
      queue.push(now + delay(latency * (random() < slow ? slowFactor : 1)), c);
    } else if (phase[c] === 'invoked') {
      const op = current[c]!;
      if (op.input.f !== 'get' && lost > 0 && random() < lost) {
        // The completion is lost; the write took effect or not.
        if (random() < 0.5) apply(store, op.input);
        op.outcome = 'unknown';
        phase[c] = 'idle';
        current[c] = undefined;
        queue.push(now + delay(1), c);
        continue;
      }
      result[c] = apply(store, op.input);
      phase[c] = 'applied';
      queue.push(now + delay(latency * (random() < slow ? slowFactor : 1)), c);
    } else {
      const op = current[c]!;
      op.ret = time++;
      if (op.input.f === 'get') op.output = result[c];
      phase[c] = 'idle';
      current[c] = undefined;
      queue.push(now + delay(1), c);
    }
  }
  const generated: GeneratedHistory = { history: { ops, source: `generated kv (${clients} clients, ${total} ops, ${keys} keys, seed ${seed})` }, linearizable: true };
  if (options.corruptAt !== undefined) {
    const from = Math.floor(Math.min(1, Math.max(0, options.corruptAt)) * ops.length);
    const victim = ops.slice(from).find((op) => op.input.f === 'get' && op.outcome === 'ok') ?? ops.find((op) => op.input.f === 'get' && op.outcome === 'ok');
    if (victim) {
      victim.output = `${String(victim.output)}x corrupt ${victim.id} y`;
      generated.linearizable = false;
      generated.corrupted = victim.id;
    }
  }
  return generated;
}

function apply(store: Map<string, string>, input: JepsenInput): string | undefined {
  const key = String(input.key);
  if (input.f === 'get') return store.get(key);
  if (input.f === 'put') store.set(key, String(input.value));
  else store.set(key, store.get(key)! + String(input.value));
  return undefined;
}
