import { getHeapStatistics } from 'node:v8';
import { canonicalJson } from '../index.ts';
import type { ProcessId, SequentialModel } from './types.ts';

/** An operation as the search sees it: local index = position in the array handed to the search. */
export interface PreparedOp {
  /** The operation's id in the original history. */
  id: number;
  process: ProcessId;
  input: unknown;
  output: unknown;
  /** False for unknown-outcome operations: they may be linearized anywhere after their call, or never. */
  known: boolean;
  call: number;
  /** Infinity when not known. */
  ret: number;
  line?: number;
}

/** The end of a candidate enumeration. */
export const END = -1;

/**
 * Which operations may be linearized next, given those already linearized: real-time order for
 * linearizability, program order for sequential consistency. Cursors are the order's own.
 */
export interface SearchOrder {
  /** The first candidate, or END. */
  start(): number;
  /** The candidate after `cursor`, or END. */
  next(cursor: number): number;
  /** The operation (local index) at a candidate cursor. */
  opAt(cursor: number): number;
  /** `op` has just been linearized. */
  lift(op: number): void;
  /** `op`, the last one linearized, is taken back. */
  unlift(op: number): void;
  /** Where to continue after taking `op` back: the candidate after it, or END. */
  after(op: number): number;
  /**
   * The known-outcome operation left that completed first (it must be linearized before anything
   * invoked after its completion), or END. Optional: the search uses it to try first the
   * operations that let an observation there go next.
   */
  horizonOp?(): number;
  /** How many candidate orders the order offers (the search alternates them); default 1. */
  strategies?: number;
  /** Switches to candidate order `strategy` (0 … strategies-1); only called with nothing lifted. */
  useStrategy?(strategy: number): void;
}

/** What the search found. */
export type SearchOutcome =
  | { kind: 'ok' }
  | { kind: 'fail'; longest: number[] }
  | { kind: 'timeout'; longest: number[] }
  /** With `allStates`: every model state in which all known-outcome operations are linearized. */
  | { kind: 'states'; states: unknown[] };

/** Options of {@link searchLinearization}. */
export interface SearchOptions {
  /** Give up at this `Date.now()`. */
  deadline?: number;
  /** Counters, for benchmarks. */
  stats?: { configurations: number; steps: number; compactions?: number; restarts?: number };
  /**
   * Do not stop at the first full linearization: explore everything and collect the model states
   * in which every known-outcome operation is linearized (with any subset of the unknown-outcome
   * ones). Used to say which states a history can leave the model in.
   */
  allStates?: boolean;
  /**
   * Memory bound of the search's caches (bytes; default {@link DEFAULT_MEMORY_BYTES}): when the configurations seen,
   * the interned states and the step cache outgrow it, they are dropped and the search goes on
   * without them (it may then revisit configurations: slower, never wrong).
   */
  memoryBytes?: number;
}


/**
 * The set of configurations (linearized set, model state id) seen so far, in flat typed arrays:
 * an open-addressing table of entry indexes, and per entry its hash, a second hash, its state id
 * and its bitset (`words` 32-bit words, in one arena). No object per configuration.
 */
class ConfigurationSet {
  private slots = new Int32Array(0);
  private mask = 0;
  private keys = new Uint32Array(0);
  private tags = new Uint32Array(0);
  private sids = new Int32Array(0);
  private arena = new Uint32Array(0);
  size = 0;

  constructor(
    private readonly words: number,
    /** Bitmask of the known-outcome operations (the others are optional: see add). */
    private readonly knownMask: Uint32Array,
  ) {
    this.clear();
  }

  /** Bytes held by the table. */
  bytes(): number {
    return this.slots.byteLength + this.keys.byteLength * 3 + this.arena.byteLength;
  }

  clear(): void {
    this.slots = new Int32Array(1024).fill(-1);
    this.mask = 1023;
    this.keys = new Uint32Array(256);
    this.tags = new Uint32Array(256);
    this.sids = new Int32Array(256);
    this.arena = new Uint32Array(256 * this.words);
    this.size = 0;
  }

  /**
   * Adds (bits, sid), whose known-outcome operations have the Zobrist hashes (h1, h2); false when
   * it is dominated by a configuration there already: the same known-outcome operations placed,
   * the same state, and a subset of its unknown-outcome ones (whatever can follow the larger set
   * can follow the smaller, which may still place the others, or never: they are optional).
   */
  add(bits: Uint32Array, sid: number, h1: number, h2: number): boolean {
    const words = this.words;
    const known = this.knownMask;
    let key = (h1 ^ Math.imul(sid + 1, 0x9e3779b1)) >>> 0;
    key = Math.imul(key ^ (key >>> 16), 0x85ebca6b) >>> 0;
    key = (key ^ (key >>> 13)) >>> 0;
    const tag = (h2 ^ Math.imul(sid + 1, 0x27d4eb2f)) >>> 0;
    let slot = key & this.mask;
    for (;;) {
      const e = this.slots[slot];
      if (e === -1) break;
      if (this.tags[e] === tag && this.sids[e] === sid && this.keys[e] === key) {
        let dominated = true;
        const base = e * words;
        for (let w = 0; w < words; w++) {
          const stored = this.arena[base + w];
          const mine = bits[w];
          // Stored ⊆ mine, and the same known-outcome operations.
          if ((stored & ~mine) !== 0 || ((mine & ~stored) & known[w]) !== 0) {
            dominated = false;
            break;
          }
        }
        if (dominated) return false;
      }
      slot = (slot + 1) & this.mask;
    }
    const e = this.size++;
    if (e >= this.keys.length) this.grow();
    this.keys[e] = key;
    this.tags[e] = tag;
    this.sids[e] = sid;
    this.arena.set(bits, e * words);
    this.slots[slot] = e;
    if (this.size * 2 > this.mask) this.rehash();
    return true;
  }

  /** Forgets (bits, sid) if it is there (its entry stays as a tombstone). */
  remove(bits: Uint32Array, sid: number, h1: number, h2: number): void {
    const words = this.words;
    let key = (h1 ^ Math.imul(sid + 1, 0x9e3779b1)) >>> 0;
    key = Math.imul(key ^ (key >>> 16), 0x85ebca6b) >>> 0;
    key = (key ^ (key >>> 13)) >>> 0;
    const tag = (h2 ^ Math.imul(sid + 1, 0x27d4eb2f)) >>> 0;
    for (let slot = key & this.mask; ; slot = (slot + 1) & this.mask) {
      const e = this.slots[slot];
      if (e === -1) return;
      if (this.tags[e] === tag && this.sids[e] === sid && this.keys[e] === key) {
        let same = true;
        const base = e * words;
        for (let w = 0; w < words; w++) {
          if (this.arena[base + w] !== bits[w]) {
            same = false;
            break;
          }
        }
        if (same) {
          this.sids[e] = -2; // matches no state id
          return;
        }
      }
    }
  }

  private grow(): void {
    const capacity = this.keys.length * 2;
    const keys = new Uint32Array(capacity);
    keys.set(this.keys);
    this.keys = keys;
    const tags = new Uint32Array(capacity);
    tags.set(this.tags);
    this.tags = tags;
    const sids = new Int32Array(capacity);
    sids.set(this.sids);
    this.sids = sids;
    const arena = new Uint32Array(capacity * this.words);
    arena.set(this.arena);
    this.arena = arena;
  }

  private rehash(): void {
    const size = (this.mask + 1) * 2;
    const slots = new Int32Array(size).fill(-1);
    const mask = size - 1;
    for (let e = 0; e < this.size; e++) {
      let slot = this.keys[e] & mask;
      while (slots[slot] !== -1) slot = (slot + 1) & mask;
      slots[slot] = e;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/**
 * The step cache: (state id, op) → resulting state id (or -1: the output does not match there),
 * as an open-addressing table over typed arrays (no Map entry per step).
 */
class StepCache {
  private sids = new Int32Array(0);
  private ops = new Int32Array(0);
  private results = new Int32Array(0);
  private mask = 0;
  size = 0;

  constructor() {
    this.clear();
  }

  bytes(): number {
    return this.sids.byteLength * 3;
  }

  clear(): void {
    this.sids = new Int32Array(4096).fill(-1);
    this.ops = new Int32Array(4096);
    this.results = new Int32Array(4096);
    this.mask = 4095;
    this.size = 0;
  }

  private slot(sid: number, op: number): number {
    let h = Math.imul(sid, 0x9e3779b1) ^ Math.imul(op + 1, 0x85ebca6b);
    h ^= h >>> 15;
    return h & this.mask;
  }

  /** The cached result, or -2 when there is none. */
  get(sid: number, op: number): number {
    for (let i = this.slot(sid, op); ; i = (i + 1) & this.mask) {
      const s = this.sids[i];
      if (s === -1) return -2;
      if (s === sid && this.ops[i] === op) return this.results[i];
    }
  }

  set(sid: number, op: number, result: number): void {
    if ((this.size + 1) * 2 > this.mask) this.grow();
    let i = this.slot(sid, op);
    while (this.sids[i] !== -1) i = (i + 1) & this.mask;
    this.sids[i] = sid;
    this.ops[i] = op;
    this.results[i] = result;
    this.size++;
  }

  private grow(): void {
    const { sids, ops, results } = this;
    const size = (this.mask + 1) * 2;
    this.sids = new Int32Array(size).fill(-1);
    this.ops = new Int32Array(size);
    this.results = new Int32Array(size);
    this.mask = size - 1;
    this.size = 0;
    for (let i = 0; i < sids.length; i++) if (sids[i] !== -1) this.set(sids[i], ops[i], results[i]);
  }
}

/** Steps of the first run of each candidate order, before the search restarts with the next. */
const RESTART_STEPS = 1 << 14;

/**
 * The default memory bound of a search's caches: 1 GiB, or a third of V8's heap limit when that
 * is less (the interned states live on the heap).
 */
export const DEFAULT_MEMORY_BYTES = Math.min(2 ** 30, Math.floor(getHeapStatistics().heap_size_limit / 3));

/** Negative zero as a map key (maps take -0 for 0; canonical JSON does not). */
const NEGATIVE_ZERO = Symbol('-0');

/** A primitive state as a map key with canonical JSON's identity: -0 apart from 0, undefined as null. */
function primitiveKey(value: unknown): unknown {
  if (value === undefined) return null;
  if (value === 0 && 1 / (value as number) < 0) return NEGATIVE_ZERO;
  return value;
}

/** Canonical-JSON equality of two primitives: NaN equals NaN, -0 differs from 0, undefined is null. */
function samePrimitive(a: unknown, b: unknown): boolean {
  return Object.is(a, b) || (a == null && b == null);
}

const isPrimitive = (value: unknown): boolean => (typeof value !== 'object' || value === null) && typeof value !== 'function';

/** splitmix32: deterministic per-op random keys for Zobrist hashing of the linearized set. */
function zobristKeys(n: number): Uint32Array {
  const keys = new Uint32Array(2 * n);
  let x = 0x9e3779b9;
  for (let i = 0; i < keys.length; i++) {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    keys[i] = (z ^ (z >>> 16)) >>> 0;
  }
  return keys;
}


/**
 * The Wing–Gong–Lowe search, iterative (an explicit stack, so histories of any length are fine):
 * repeatedly linearize the first candidate whose model output matches its observed output, and
 * backtrack when none does. Every (linearized set, model state) reached is memoised, and a
 * configuration seen before is never explored again (Lowe's improvement). Succeeds once every
 * known-outcome operation is linearized: unknown-outcome operations left over take effect after
 * everything, or never. Tracks the longest partial linearization, for failures.
 *
 * Read-only operations are placed greedily: when a known-outcome operation the model calls
 * read-only may go next and returns what the current state returns, it is linearized at once and
 * no alternative is tried at that point. This is sound (take any linearization from here: the
 * read appears later, at a state where it returns the same value, and it changes nothing, so
 * moving it to the front changes no state and breaks no order — it may go next, so nothing that
 * must precede it is left) and it removes the factorial blow-up of reads concurrent with writes.
 *
 * Memory is bounded by `memoryBytes`: past it, the caches are dropped (see {@link SearchOptions}).
 */
export function searchLinearization(
  ops: readonly PreparedOp[],
  model: SequentialModel<unknown, unknown, unknown>,
  order: SearchOrder,
  options: SearchOptions = {},
): SearchOutcome {
  const { deadline = Infinity, stats, allStates = false, memoryBytes = DEFAULT_MEMORY_BYTES } = options;
  const n = ops.length;
  const words = Math.max(1, (n + 31) >>> 5);
  const bits = new Uint32Array(words);
  const keys = zobristKeys(n);
  // Configurations are hashed on their known-outcome operations only, so that those differing in
  // optional (unknown-outcome) ones meet in the table (see ConfigurationSet.add).
  const knownMask = new Uint32Array(words);
  for (let i = 0; i < n; i++) {
    if (ops[i].known) knownMask[i >>> 5] |= 1 << (i & 31);
    else keys[2 * i] = keys[2 * i + 1] = 0;
  }
  let h1 = 0;
  let h2 = 0;

  // State interning: every distinct model state gets a small integer. Primitive states (the
  // built-in models' values) are their own keys, with no encoding kept beside them.
  let states: unknown[] = [];
  let byHash = new Map<unknown, number | number[]>();
  let stateBytes = 0;
  const defaultHash = !model.equal && (!model.hash || model.hash === canonicalJson);
  const hash = model.hash ? (s: unknown) => model.hash!(s) : model.equal ? () => '' : canonicalJson;
  const intern = (state: unknown): number => {
    const h = defaultHash && isPrimitive(state) ? primitiveKey(state) : hash(state);
    const found = byHash.get(h);
    if (!model.equal) {
      if (found !== undefined) return found as number;
      states.push(state);
      stateBytes += 64 + (typeof state === 'string' ? state.length : 0) + (typeof h === 'string' && h !== state ? h.length : 0);
      byHash.set(h, states.length - 1);
      return states.length - 1;
    }
    const bucket = (found as number[] | undefined) ?? [];
    for (const id of bucket) if (model.equal(states[id], state)) return id;
    states.push(state);
    stateBytes += 120;
    bucket.push(states.length - 1);
    byHash.set(h, bucket);
    return states.length - 1;
  };

  // Observed outputs, canonicalised once; which operations are read-only observations.
  const observed = ops.map((op) => (op.known && !model.outputEqual && !isPrimitive(op.output) ? canonicalJson(op.output) : ''));
  const observer = new Uint8Array(n);
  if (model.readOnly) for (let i = 0; i < n; i++) if (ops[i].known && model.readOnly(ops[i].input)) observer[i] = 1;
  // (state id, op) → resulting state id, or -1 when the op's output does not match there.
  const stepCache = new StepCache();
  const apply = (sid: number, op: number): number => {
    const cached = stepCache.get(sid, op);
    if (cached !== -2) return cached;
    const o = ops[op];
    const result = model.step(states[sid], o.input);
    let ok = true;
    if (o.known && result.output !== undefined) {
      if (model.outputEqual) ok = model.outputEqual(result.output, o.output);
      else if (isPrimitive(result.output) && isPrimitive(o.output)) ok = samePrimitive(result.output, o.output);
      else ok = canonicalJson(result.output) === observed[op];
    }
    const next = ok ? intern(result.state) : -1;
    stepCache.set(sid, op, next);
    return next;
  };

  const seen = new ConfigurationSet(words, knownMask);
  const flip = (op: number): void => {
    bits[op >>> 5] ^= 1 << (op & 31);
    h1 ^= keys[2 * op];
    h2 ^= keys[2 * op + 1];
  };

  let remaining = 0;
  for (const op of ops) if (op.known) remaining++;

  const stackOp: number[] = [];
  const stackSid: number[] = [];
  /**
   * 1 where the frame was a greedy read-only placement: no alternative is tried there; 2 where it
   * placed one of the operations tried first (`stackPreferred`), 0 otherwise.
   */
  const stackForced: number[] = [];
  const finalStates = new Set<number>();

  /**
   * Drops the caches (configurations seen, step results, interned states no frame uses) when they
   * outgrow the memory bound. Sound: the caches only prune.
   */
  const compact = (current: number): number => {
    const kept = new Map<number, number>();
    const keep = (old: number): number => {
      let id = kept.get(old);
      if (id === undefined) {
        id = kept.size;
        kept.set(old, id);
      }
      return id;
    };
    const fresh = keep(current);
    for (let i = 0; i < stackSid.length; i++) stackSid[i] = keep(stackSid[i]);
    const finals = [...finalStates].map(keep);
    const oldStates = states;
    states = [];
    byHash = new Map();
    stateBytes = 0;
    for (const [old] of kept) intern(oldStates[old]);
    finalStates.clear();
    for (const id of finals) finalStates.add(id);
    stepCache.clear();
    seen.clear();
    if (stats) stats.compactions = (stats.compactions ?? 0) + 1;
    return fresh;
  };
  const memoryUsed = (): number => seen.bytes() + stateBytes + stepCache.bytes();

  // The longest partial linearization, and how much of it is still a prefix of the stack.
  // "Longest" counts known-outcome operations, and ends with one: trailing unknown-outcome
  // operations explain nothing.
  const longest: number[] = [];
  let common = 0;
  let knownDepth = 0;
  let bestKnown = 0;

  let sid = intern(model.init());
  seen.add(bits, sid, h1, h2);
  if (remaining === 0) {
    if (!allStates) return { kind: 'ok' };
    finalStates.add(sid);
  }
  const finish = (): SearchOutcome =>
    allStates ? { kind: 'states', states: [...finalStates].map((id) => states[id]) } : { kind: 'fail', longest: longest.slice() };

  /** Linearizes `op` (already flipped and remembered) from state `sid` to `nsid`; true when done. */
  const push = (op: number, nsid: number, forced: number): boolean => {
    stackOp.push(op);
    stackSid.push(sid);
    stackForced.push(forced);
    sid = nsid;
    if (stats) stats.configurations++;
    order.lift(op);
    if (ops[op].known) {
      remaining--;
      if (++knownDepth > bestKnown) {
        bestKnown = knownDepth;
        longest.length = common;
        for (let i = common; i < stackOp.length; i++) longest.push(stackOp[i]);
        common = stackOp.length;
      }
    }
    if (remaining === 0) {
      if (!allStates) return true;
      finalStates.add(sid);
    }
    return false;
  };

  // Restarts: with several candidate orders, each runs for a budget of steps, alternating and
  // doubling the budget (so some run always completes). The configurations seen carry over: any
  // one that is not on the current path was explored to the end and failed — a successor has
  // more operations than every configuration on the path — so when the path is taken down, its
  // configurations are forgotten and everything else is kept, and no run redoes another's work.
  const strategies = order.strategies ?? 1;
  let strategy = 0;
  let budget = strategies > 1 ? RESTART_STEPS : Infinity;
  let spent = 0;
  const restart = (): void => {
    while (stackOp.length > 0) {
      seen.remove(bits, sid, h1, h2);
      const op = stackOp.pop()!;
      sid = stackSid.pop()!;
      stackForced.pop();
      flip(op);
      if (ops[op].known) {
        remaining++;
        knownDepth--;
      }
      order.unlift(op);
    }
    common = 0;
    preferred = undefined;
    strategy = (strategy + 1) % strategies;
    if (strategy === 0) budget *= 2;
    spent = 0;
    order.useStrategy!(strategy);
    if (stats) stats.restarts = (stats.restarts ?? 0) + 1;
  };
  order.useStrategy?.(0);

  // Operations to try first at the current configuration, and how far through them the search is
  // (per stack depth, for the frames that placed one of them).
  let preferred: number[] | undefined;
  let preferredAt = 0;
  const stackPreferred: Array<number[] | undefined> = [];
  const stackPreferredAt: number[] = [];
  /** The candidates after which the horizon operation, a read-only one that does not fit now, would. */
  const horizonReaders = (): number[] | undefined => {
    if (!order.horizonOp) return undefined;
    const h = order.horizonOp();
    if (h === END || observer[h] !== 1) return undefined;
    let found: number[] | undefined;
    for (let c = order.start(); c !== END; c = order.next(c)) {
      const op = order.opAt(c);
      if (observer[op] === 1) continue;
      const nsid = apply(sid, op);
      if (nsid < 0 || (nsid === sid && !ops[op].known)) continue;
      if (apply(nsid, h) === nsid) (found ??= []).push(op);
    }
    return found;
  };

  let cursor = END;
  let fresh = true;
  let iterations = 0;
  for (;;) {
    if ((++iterations & 1023) === 0) {
      if (Date.now() > deadline) return { kind: 'timeout', longest: longest.slice() };
      if (memoryUsed() > memoryBytes) sid = compact(sid);
      if ((spent += 1024) > budget) {
        restart();
        fresh = true;
        continue;
      }
    }
    if (fresh) {
      // A new configuration: first, a read-only operation that fits goes next, without choice.
      fresh = false;
      let forced = -1;
      for (let c = order.start(); c !== END; c = order.next(c)) {
        const op = order.opAt(c);
        if (observer[op] === 1 && apply(sid, op) === sid) {
          forced = op;
          break;
        }
      }
      if (forced >= 0) {
        if (stats) stats.steps++;
        flip(forced);
        if (!seen.add(bits, sid, h1, h2)) {
          // Explored before (and failed): so does this configuration.
          flip(forced);
          cursor = END;
          continue;
        }
        if (push(forced, sid, 1)) return { kind: 'ok' };
        fresh = true;
        continue;
      }
      // The read that must go next-soonest does not fit: first try the operations after which it
      // would (an unknown-outcome write it saw, say), then everything in order (those tried
      // already are then found in the table of configurations seen).
      preferred = horizonReaders();
      preferredAt = 0;
      cursor = order.start();
    }
    if (preferred !== undefined) {
      if (preferredAt >= preferred.length) {
        preferred = undefined;
        continue;
      }
      const op = preferred[preferredAt++];
      const nsid = apply(sid, op);
      if (stats) stats.steps++;
      flip(op);
      if (seen.add(bits, nsid, h1, h2)) {
        stackPreferred[stackOp.length] = preferred;
        stackPreferredAt[stackOp.length] = preferredAt;
        if (push(op, nsid, 2)) return { kind: 'ok' };
        preferred = undefined;
        fresh = true;
        continue;
      }
      flip(op);
      continue;
    }
    if (cursor === END) {
      if (stackOp.length === 0) return finish();
      const op = stackOp.pop()!;
      sid = stackSid.pop()!;
      const forced = stackForced.pop()!;
      flip(op);
      if (ops[op].known) {
        remaining++;
        knownDepth--;
      }
      order.unlift(op);
      if (stackOp.length < common) common = stackOp.length;
      if (forced === 2) {
        preferred = stackPreferred[stackOp.length];
        preferredAt = stackPreferredAt[stackOp.length];
        cursor = order.start();
        continue;
      }
      cursor = forced === 1 ? END : order.after(op);
      continue;
    }
    const op = order.opAt(cursor);
    if (stats) stats.steps++;
    const nsid = apply(sid, op);
    // An unknown-outcome operation that would not change the state is better left out: taking it
    // only removes it from later use.
    if (nsid >= 0 && (nsid !== sid || ops[op].known)) {
      flip(op);
      if (seen.add(bits, nsid, h1, h2)) {
        if (push(op, nsid, 0)) return { kind: 'ok' };
        fresh = true;
        continue;
      }
      flip(op);
    }
    cursor = order.next(cursor);
  }
}
