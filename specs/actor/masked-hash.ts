import { StateValueError, TYPED_ARRAY_NAMES } from '../canonical.ts';
import { fmix32 as fmix, mix32 as mix } from '../hash-mix.ts';

/**
 * Which ids a masked hash hides: each symmetric node id → its role, and the one id (if any)
 * hashed as "self".
 */
export interface Mask {
  roleOf: ReadonlyMap<string, string>;
  self?: string;
}

const SELF = 0x6a09e667;
const NULL = 0x1b56c4e9;
const TRUE = 0x2545f491;
const FALSE = 0x5851f42d;
const NUMBER = 0x3c6ef372;
const ARRAY = 0x13198a2e;
const OBJECT = 0x299f31d0;
const MAP = 0x452821e6;
const SET = 0x34e90c6c;
const ROLE = 0x510e527f;
const UNDEFINED = 0x7b54a41d;
const NAN = 0x1f83d9ac;
const NEG_ZERO = 0x6a09e668;
const NULL_PROTO = 0x0c2e12e0;
const DATE = 0x4a7484aa;
const TYPED = 0x76f988da;
const BIGINT = 0x2db43210;

/**
 * A 32-bit structural hash of plain data with symmetric node ids masked: `self` hashes to
 * one mark, every other id to its role's. Renaming nodes within their roles does not change
 * it, which is what makes it a signature; key order, Set and Map order never matter. Equal
 * data hash equally (NaN of any bits, see specs/canonical.ts for what is equal); unequal
 * data may collide, which only makes two signatures tie.
 */
export function maskedHash(value: unknown, mask: Mask): number {
  return hash(value, mask, 0);
}

/**
 * A 53-bit hash of plain data (two 32-bit lanes, one cut to 21 bits), ids not masked: how
 * candidate representatives are ordered. Unequal data collide with odds of about 2^-53.
 */
export function hash53(value: unknown): number {
  return (hash(value, NO_MASK, 0) >>> 0) * 0x200000 + (hash(value, NO_MASK, 0x9e3779b9) & 0x1fffff);
}

const NO_MASK: Mask = { roleOf: new Map() };

function hash(value: unknown, mask: Mask, seed: number): number {
  switch (typeof value) {
    case 'string': {
      if (value === mask.self) return SELF ^ seed;
      const role = mask.roleOf.get(value);
      return role === undefined ? mix(seed, stringHash(value)) : mix(ROLE ^ seed, stringHash(role));
    }
    case 'number':
      return mix(seed, numberHash(value));
    case 'boolean':
      return (value ? TRUE : FALSE) ^ seed;
    case 'undefined':
      return UNDEFINED ^ seed;
    case 'bigint':
      return mix(BIGINT ^ seed, stringHash(value.toString(16)));
    case 'object': {
      if (value === null) return NULL ^ seed;
      const proto = Object.getPrototypeOf(value);
      if (proto === Date.prototype) return mix(DATE ^ seed, numberHash((value as Date).getTime()));
      const typed = TYPED_ARRAY_NAMES.get(proto);
      if (typed !== undefined) {
        let h = mix(TYPED ^ seed, stringHash(typed));
        const array = value as ArrayLike<number | bigint>;
        for (let i = 0; i < array.length; i++) h = mix(h, hash(array[i], NO_MASK, seed));
        return fmix(h ^ array.length);
      }
      if (proto !== Array.prototype && proto !== Object.prototype && proto !== null && proto !== Map.prototype && proto !== Set.prototype) {
        throw new StateValueError(`a state may hold only plain data, found an instance of ${String(proto?.constructor?.name)}`);
      }
      if (Array.isArray(value)) {
        let h = ARRAY ^ seed;
        for (let i = 0; i < value.length; i++) h = mix(h, hash(value[i], mask, seed));
        return fmix(h ^ value.length);
      }
      // Unordered collections: a sum of avalanched entry hashes.
      if (value instanceof Set) {
        let sum = 0;
        for (const v of value) sum = (sum + fmix(mix(SET, hash(v, mask, seed)))) | 0;
        return fmix(mix(SET, sum) ^ value.size);
      }
      if (value instanceof Map) {
        let sum = 0;
        for (const [k, v] of value) sum = (sum + fmix(mix(mix(MAP, hash(k, mask, seed)), hash(v, mask, seed)))) | 0;
        return fmix(mix(MAP, sum) ^ value.size);
      }
      const record = value as Record<string, unknown>;
      let sum = 0;
      let n = 0;
      for (const key in record) {
        const v = record[key];
        if (v === undefined) continue; // as in JSON
        sum = (sum + fmix(mix(mix(OBJECT, hash(key, mask, seed)), hash(v, mask, seed)))) | 0;
        n++;
      }
      return fmix(mix(proto === null ? NULL_PROTO : OBJECT, sum) ^ n);
    }
    default:
      throw new StateValueError(`a state may hold only plain data, found a ${typeof value}`);
  }
}

/** Adds to `out` every symmetric node id that appears in `value` (as a value or a key). */
export function collectIds(value: unknown, roleOf: ReadonlyMap<string, string>, out: Set<string>): void {
  if (typeof value === 'string') {
    if (roleOf.has(value)) out.add(value);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const v of value) collectIds(v, roleOf, out);
  } else if (value instanceof Map) {
    for (const [k, v] of value) {
      collectIds(k, roleOf, out);
      collectIds(v, roleOf, out);
    }
  } else if (value instanceof Set) {
    for (const v of value) collectIds(v, roleOf, out);
  } else {
    const record = value as Record<string, unknown>;
    for (const key in record) {
      if (record[key] === undefined) continue;
      if (roleOf.has(key)) out.add(key);
      collectIds(record[key], roleOf, out);
    }
  }
}

// Keys and enum-like values repeat endlessly: remember their hashes (up to a bound).
const STRING_CACHE_LIMIT = 1 << 16;
const strings = new Map<string, number>();

function stringHash(s: string): number {
  let h = strings.get(s);
  if (h !== undefined) return h;
  h = 0x5be0cd19;
  for (let i = 0; i < s.length; i++) h = mix(h, s.charCodeAt(i));
  h = fmix(h ^ s.length);
  if (strings.size < STRING_CACHE_LIMIT) strings.set(s, h);
  return h;
}

const floatView = new Float64Array(1);
const floatWords = new Uint32Array(floatView.buffer);

function numberHash(n: number): number {
  if ((n | 0) === n) return n === 0 && 1 / n < 0 ? NEG_ZERO : fmix(mix(NUMBER, n));
  if (n !== n) return NAN; // one NaN, whatever its bits
  floatView[0] = n;
  return fmix(mix(mix(NUMBER ^ 1, floatWords[0]), floatWords[1]));
}
