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
  stats?: { configurations: number; steps: number };
  /**
   * Do not stop at the first full linearization: explore everything and collect the model states
   * in which every known-outcome operation is linearized (with any subset of the unknown-outcome
   * ones). Used to say which states a history can leave the model in.
   */
  allStates?: boolean;
}

interface MemoEntry {
  bits: Uint32Array;
  sid: number;
  next: MemoEntry | undefined;
}

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
 */
export function searchLinearization(
  ops: readonly PreparedOp[],
  model: SequentialModel<unknown, unknown, unknown>,
  order: SearchOrder,
  options: SearchOptions = {},
): SearchOutcome {
  const { deadline = Infinity, stats, allStates = false } = options;
  const finalStates = new Set<number>();
  const n = ops.length;
  const words = Math.max(1, (n + 31) >>> 5);
  const bits = new Uint32Array(words);
  const keys = zobristKeys(n);
  let h1 = 0;
  let h2 = 0;

  // State interning: every distinct model state gets a small integer.
  const states: unknown[] = [];
  const byHash = new Map<string, number | number[]>();
  const hash = model.hash ? (s: unknown) => model.hash!(s) : model.equal ? () => '' : canonicalJson;
  const intern = (state: unknown): number => {
    const h = hash(state);
    const found = byHash.get(h);
    if (!model.equal) {
      if (found !== undefined) return found as number;
      states.push(state);
      byHash.set(h, states.length - 1);
      return states.length - 1;
    }
    const bucket = (found as number[] | undefined) ?? [];
    for (const id of bucket) if (model.equal(states[id], state)) return id;
    states.push(state);
    bucket.push(states.length - 1);
    byHash.set(h, bucket);
    return states.length - 1;
  };

  // Observed outputs, canonicalised once.
  const observed = ops.map((op) => (op.known && !model.outputEqual ? canonicalJson(op.output) : ''));
  // (state id, op) → resulting state id, or -1 when the op's output does not match there.
  const stepCache = new Map<number, number>();
  const apply = (sid: number, op: number): number => {
    const key = sid * n + op;
    const cached = stepCache.get(key);
    if (cached !== undefined) return cached;
    const o = ops[op];
    const result = model.step(states[sid], o.input);
    let ok = true;
    if (o.known && result.output !== undefined) {
      ok = model.outputEqual ? model.outputEqual(result.output, o.output) : canonicalJson(result.output) === observed[op];
    }
    const next = ok ? intern(result.state) : -1;
    stepCache.set(key, next);
    return next;
  };

  const memo = new Map<number, MemoEntry>();
  /** Records (bits, sid); false when it was there already. */
  const remember = (sid: number): boolean => {
    const mixed = (h1 ^ Math.imul(sid + 1, 0x9e3779b1)) >>> 0;
    const key = mixed + (h2 & 0x1fffff) * 4294967296;
    const head = memo.get(key);
    for (let e = head; e; e = e.next) {
      if (e.sid !== sid) continue;
      let same = true;
      for (let w = 0; w < words; w++) {
        if (e.bits[w] !== bits[w]) {
          same = false;
          break;
        }
      }
      if (same) return false;
    }
    memo.set(key, { bits: bits.slice(), sid, next: head });
    if (stats) stats.configurations++;
    return true;
  };
  const flip = (op: number): void => {
    bits[op >>> 5] ^= 1 << (op & 31);
    h1 ^= keys[2 * op];
    h2 ^= keys[2 * op + 1];
  };

  let remaining = 0;
  for (const op of ops) if (op.known) remaining++;

  const stackOp: number[] = [];
  const stackSid: number[] = [];
  // The longest partial linearization, and how much of it is still a prefix of the stack.
  // "Longest" counts known-outcome operations, and ends with one: trailing unknown-outcome
  // operations explain nothing.
  const longest: number[] = [];
  let common = 0;
  let knownDepth = 0;
  let bestKnown = 0;

  let sid = intern(model.init());
  remember(sid);
  if (remaining === 0) {
    if (!allStates) return { kind: 'ok' };
    finalStates.add(sid);
  }
  let cursor = order.start();
  let iterations = 0;
  for (;;) {
    if ((++iterations & 1023) === 0 && Date.now() > deadline) return { kind: 'timeout', longest: longest.slice() };
    if (cursor === END) {
      if (stackOp.length === 0) {
        return allStates ? { kind: 'states', states: [...finalStates].map((id) => states[id]) } : { kind: 'fail', longest: longest.slice() };
      }
      const op = stackOp.pop()!;
      sid = stackSid.pop()!;
      flip(op);
      if (ops[op].known) {
        remaining++;
        knownDepth--;
      }
      order.unlift(op);
      if (stackOp.length < common) common = stackOp.length;
      cursor = order.after(op);
      continue;
    }
    const op = order.opAt(cursor);
    if (stats) stats.steps++;
    const nsid = apply(sid, op);
    // An unknown-outcome operation that would not change the state is better left out: taking it
    // only removes it from later use.
    if (nsid >= 0 && (nsid !== sid || ops[op].known)) {
      flip(op);
      if (remember(nsid)) {
        stackOp.push(op);
        stackSid.push(sid);
        sid = nsid;
        if (ops[op].known) remaining--;
        order.lift(op);
        if (remaining === 0) {
          if (!allStates) return { kind: 'ok' };
          finalStates.add(sid);
        }
        if (ops[op].known && ++knownDepth > bestKnown) {
          bestKnown = knownDepth;
          longest.length = common;
          for (let i = common; i < stackOp.length; i++) longest.push(stackOp[i]);
          common = stackOp.length;
        }
        cursor = order.start();
        continue;
      }
      flip(op);
    }
    cursor = order.next(cursor);
  }
}
