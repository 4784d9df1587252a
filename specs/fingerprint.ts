/**
 * 64-bit structural fingerprints of plain-data states, computed without building strings.
 *
 * Two independent 32-bit lanes (murmur3- and xxhash-style mixing) walk the value once.
 * Arrays hash in order; object entries, Map entries and Set elements combine by addition
 * of well-mixed entry hashes, so key order (and Set/Map insertion order) never matters.
 * Keys whose value is `undefined` are skipped, as in JSON. Every kind of value a state may
 * hold (see specs/canonical.ts) has its own tag: `undefined` is not `null`, `-0` is not `0`,
 * `NaN` is one value whatever its bits, a Date hashes by its time value, a typed array by
 * its type and contents; anything else is refused with a StateValueError naming its path.
 */

import { stateValueError, TYPED_ARRAY_NAMES } from './canonical.ts';
import { fmix32 as finalA, mix32 as mixA } from './hash-mix.ts';

/** A 64-bit fingerprint as two unsigned 32-bit halves. */
export interface Fingerprint {
  hi: number;
  lo: number;
}

// Results of the last `hash` call; module-level so the hot path allocates nothing.
// `var`, not `let`: module-level `let` costs a TDZ check on every access from another function.
var r1 = 0; // eslint-disable-line no-var
var r2 = 0; // eslint-disable-line no-var

const floatView = new Float64Array(1);
const floatWords = new Uint32Array(floatView.buffer);

function mixB(h: number, k: number): number {
  h = (h + Math.imul(k, 0x85ebca77)) | 0;
  h = (h << 13) | (h >>> 19);
  return Math.imul(h, 0x9e3779b1);
}

function finalB(h: number): number {
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39);
  return h ^ (h >>> 15);
}

// Type tags seed each lane so that e.g. 1, "1", [1] and true all differ.
const NULL_A = 0x1b56c4e9, NULL_B = 0x7f4a7c15;
const TRUE_A = 0x2545f491, TRUE_B = 0x4f6cdd1d;
const FALSE_A = 0x5851f42d, FALSE_B = 0x14057b7e;
const INT_A = 0x3c6ef372, INT_B = 0x6a09e667;
const FLOAT_A = 0x510e527f, FLOAT_B = 0x1f83d9ab;
const STR_A = 0x5be0cd19, STR_B = 0x243f6a88;
const ARR_A = 0x13198a2e, ARR_B = 0x03707344;
const OBJ_A = 0x299f31d0, OBJ_B = 0x082efa98;
const MAP_A = 0x452821e6, MAP_B = 0x38d01377;
const SET_A = 0x34e90c6c, SET_B = 0x0d95748f;
const UNDEF_A = 0x7b54a41d, UNDEF_B = 0x2b3e6c1f;
const NAN_A = 0x1f83d9ac, NAN_B = 0x5be0cd1a;
const NEG_ZERO_A = 0x6a09e668, NEG_ZERO_B = 0x3c6ef373;
const NULL_PROTO_A = 0x0c2e12e0, NULL_PROTO_B = 0x1d6e5a23;
const DATE_A = 0x4a7484aa, DATE_B = 0x5cb0a9dc;
const TYPED_A = 0x76f988da, TYPED_B = 0x983e5152;
const BIGINT_A = 0x2db43210, BIGINT_B = 0x13198a2f;

const objectProto = Object.prototype;
const arrayProto = Array.prototype;
const mapProto = Map.prototype;
const setProto = Set.prototype;
const dateProto = Date.prototype;

/** Thrown on a value a state may not hold; the entry points turn it into a StateValueError with its path. */
class Unsupported extends Error {}
const UNSUPPORTED = new Unsupported('a state may hold only plain data');

// Strings repeat across states (keys, enum-like values): cache their lane hashes. A small
// direct-mapped cache compared with `===` answers most lookups (internalised strings compare
// by pointer); a Map keeps the rest.
const STRING_CACHE_LIMIT = 1 << 16;
const stringCache = new Map<string, number>();
let stringHashes = new Int32Array(2 * 1024);
const RECENT = 1024;
// Every slot starts as the empty string with its true hash (filled in below, once hashing is defined).
const recentStrings: string[] = new Array<string>(RECENT).fill('');
const recentA = new Int32Array(RECENT);
const recentB = new Int32Array(RECENT);

function recentSlot(s: string): number {
  const n = s.length;
  if (n === 0) return 0;
  return (Math.imul(s.charCodeAt(0), 31) + Math.imul(s.charCodeAt(n - 1), 961) + n) & (RECENT - 1);
}

function hashString(s: string): void {
  const slot = recentSlot(s);
  if (recentStrings[slot] === s) {
    r1 = recentA[slot];
    r2 = recentB[slot];
    return;
  }
  hashStringSlow(s);
  if (s.length <= 64) {
    recentStrings[slot] = s;
    recentA[slot] = r1;
    recentB[slot] = r2;
  }
}

function hashStringSlow(s: string): void {
  const cached = stringCache.get(s);
  if (cached !== undefined) {
    r1 = stringHashes[cached];
    r2 = stringHashes[cached + 1];
    return;
  }
  let a = STR_A;
  let b = STR_B;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = mixA(a, c);
    b = mixB(b, c);
  }
  r1 = finalA(a ^ s.length);
  r2 = finalB(b ^ s.length);
  if (s.length <= 64 && stringCache.size < STRING_CACHE_LIMIT) {
    const slot = stringCache.size * 2;
    if (slot + 2 > stringHashes.length) {
      const grown = new Int32Array(stringHashes.length * 2);
      grown.set(stringHashes);
      stringHashes = grown;
    }
    stringHashes[slot] = r1;
    stringHashes[slot + 1] = r2;
    stringCache.set(s, slot);
  }
}

hashStringSlow('');
recentA.fill(r1);
recentB.fill(r2);

function hashNumber(n: number): void {
  if ((n | 0) === n) {
    if (n === 0 && 1 / n < 0) {
      // -0 is not 0: Object.is and 1/x tell them apart, and the spec is handed what it returned.
      r1 = NEG_ZERO_A;
      r2 = NEG_ZERO_B;
      return;
    }
    r1 = finalA(mixA(INT_A, n));
    r2 = finalB(mixB(INT_B, n));
    return;
  }
  if (n !== n) {
    // NaN is one value, whatever its bits (0/0 and the literal NaN differ in their sign bit).
    r1 = NAN_A;
    r2 = NAN_B;
    return;
  }
  floatView[0] = n;
  r1 = finalA(mixA(mixA(FLOAT_A, floatWords[0]), floatWords[1]));
  r2 = finalB(mixB(mixB(FLOAT_B, floatWords[0]), floatWords[1]));
}

function hash(v: unknown): void {
  // Primitives first, in a function small enough to inline into every walk.
  if (typeof v === 'string') {
    hashString(v);
  } else if (typeof v === 'boolean') {
    r1 = v ? TRUE_A : FALSE_A;
    r2 = v ? TRUE_B : FALSE_B;
  } else if (typeof v === 'number') {
    hashNumber(v);
  } else {
    hashComposite(v);
  }
}

function hashComposite(v: unknown): void {
  if (typeof v === 'object') {
    if (v === null) {
      r1 = NULL_A;
      r2 = NULL_B;
      return;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto === objectProto) hashObject(v as Record<string, unknown>);
    else if (proto === arrayProto) hashArray(v as unknown[]);
    else hashOther(v, proto);
  } else {
    hashRarePrimitive(v);
  }
}

/** `undefined` (an array element or hole, a Map key or value, a Set member: not null) and bigints; else refused. */
function hashRarePrimitive(v: unknown): void {
  if (v === undefined) {
    r1 = UNDEF_A;
    r2 = UNDEF_B;
  } else if (typeof v === 'bigint') {
    hashString(v.toString(16));
    r1 = finalA(mixA(BIGINT_A, r1));
    r2 = finalB(mixB(BIGINT_B, r2));
  } else {
    throw UNSUPPORTED;
  }
}

/** The other kinds: Maps, Sets, objects without a prototype, Dates, typed arrays; anything else is refused. */
function hashOther(v: object, proto: object | null): void {
  if (proto === mapProto) {
    hashMap(v as Map<unknown, unknown>);
  } else if (proto === setProto) {
    hashSet(v as Set<unknown>);
  } else if (proto === null) {
    hashObject(v as Record<string, unknown>);
    r1 = finalA(mixA(NULL_PROTO_A, r1));
    r2 = finalB(mixB(NULL_PROTO_B, r2));
  } else if (proto === dateProto) {
    hashNumber((v as Date).getTime());
    r1 = finalA(mixA(DATE_A, r1));
    r2 = finalB(mixB(DATE_B, r2));
  } else {
    const name = TYPED_ARRAY_NAMES.get(proto);
    if (name === undefined) throw UNSUPPORTED;
    const array = v as ArrayLike<number | bigint>;
    hashString(name);
    let a = mixA(TYPED_A, r1);
    let b = mixB(TYPED_B, r2);
    for (let i = 0; i < array.length; i++) {
      hash(array[i]);
      a = mixA(a, r1);
      b = mixB(b, r2);
    }
    r1 = finalA(a ^ array.length);
    r2 = finalB(b ^ array.length);
  }
}

// The combining steps of arrays and objects, shared with successor-fingerprint.ts (which must
// compute exactly these hashes).

/**
 * An array element's lane-A contribution: arrays, like objects, sum their entries (keyed by
 * index), so a successor that changes one element of its parent's array costs one entry.
 */
export function elementA(index: number, element: number): number {
  return finalA(element + Math.imul(index + 1, 0x9e3779b1));
}

/** An array element's lane-B contribution. */
export function elementB(index: number, element: number): number {
  return finalB(element ^ Math.imul(index + 1, 0x85ebca77));
}

/** An array's lane-A hash from its length and the sum of its elements' contributions. */
export function arrayA(n: number, sum: number): number {
  return finalA(mixA(ARR_A ^ n, sum));
}

/** An array's lane-B hash. */
export function arrayB(n: number, sum: number): number {
  return finalB(mixB(ARR_B ^ n, sum));
}

/** An object entry's lane-A contribution (entries add up, so key order does not matter). */
export function entryA(key: number, value: number): number {
  // One finaliser per lane suffices: key and value hashes are already well mixed.
  return finalA(key ^ Math.imul(value, 0x9e3779b1));
}

/** An object entry's lane-B contribution. */
export function entryB(key: number, value: number): number {
  return finalB(key ^ Math.imul(value, 0x85ebca77));
}

/** An object's lane-A hash from its entry count and the sum of its entries. */
export function objectA(n: number, sum: number): number {
  return finalA(mixA(OBJ_A ^ n, sum));
}

/** An object's lane-B hash. */
export function objectB(n: number, sum: number): number {
  return finalB(mixB(OBJ_B ^ n, sum));
}

// An element's contribution is a bijection of its hash (for a given index), so arrays that
// differ in one element never collide; the final mix spreads the sum's bits.
function hashArray(v: readonly unknown[]): void {
  let a = 0;
  let b = 0;
  for (let i = 0; i < v.length; i++) {
    hash(v[i]);
    a = (a + elementA(i, r1)) | 0;
    b = (b + elementB(i, r2)) | 0;
  }
  r1 = arrayA(v.length, a);
  r2 = arrayB(v.length, b);
}

function hashObject(v: Record<string, unknown>): void {
  let a = 0;
  let b = 0;
  let n = 0;
  for (const key in v) {
    const value = v[key];
    if (value === undefined) continue;
    hashString(key);
    const ka = r1;
    const kb = r2;
    hash(value);
    a = (a + entryA(ka, r1)) | 0;
    b = (b + entryB(kb, r2)) | 0;
    n++;
  }
  r1 = objectA(n, a);
  r2 = objectB(n, b);
}

function hashMap(v: Map<unknown, unknown>): void {
  let a = 0;
  let b = 0;
  for (const [key, value] of v) {
    hash(key);
    const ka = r1;
    const kb = r2;
    hash(value);
    a = (a + finalA(mixA(ka, r1))) | 0;
    b = (b + finalB(mixB(kb, r2))) | 0;
  }
  r1 = finalA(mixA(MAP_A ^ v.size, a));
  r2 = finalB(mixB(MAP_B ^ v.size, b));
}

function hashSet(v: Set<unknown>): void {
  let a = 0;
  let b = 0;
  for (const element of v) {
    hash(element);
    a = (a + r1) | 0;
    b = (b + r2) | 0;
  }
  r1 = finalA(mixA(SET_A ^ v.size, a));
  r2 = finalB(mixB(SET_B ^ v.size, b));
}

/**
 * Hashes `v` into the two lanes that {@link laneA} and {@link laneB} then read: the building
 * block of successor-fingerprint.ts, not part of the public surface.
 */
export function hashValue(v: unknown): void {
  hash(v);
}

/**
 * The error to throw when hashing `state` threw `error`: a StateValueError naming the path to
 * a value a state may not hold, or to a cycle (which overflows the stack); else `error`.
 */
export function hashError(state: unknown, error: unknown): unknown {
  return stateValueError(state, error, 'state');
}

/** Lane A of the last {@link hashValue}. */
export function laneA(): number {
  return r1;
}

/** Lane B of the last {@link hashValue}. */
export function laneB(): number {
  return r2;
}

/** Writes the 64-bit fingerprint of `state` into `out` (reused by the hot path). */
export function fingerprintInto(state: unknown, out: Fingerprint): void {
  try {
    hash(state);
  } catch (error) {
    throw hashError(state, error);
  }
  out.hi = r1 >>> 0;
  out.lo = r2 >>> 0;
}

/** The 64-bit fingerprint of `state`. */
export function fingerprint(state: unknown): Fingerprint {
  const out = { hi: 0, lo: 0 };
  fingerprintInto(state, out);
  return out;
}

/** A fingerprint as 16 hex digits, for messages and tests. */
export function fingerprintHex(fp: Fingerprint): string {
  return fp.hi.toString(16).padStart(8, '0') + fp.lo.toString(16).padStart(8, '0');
}
