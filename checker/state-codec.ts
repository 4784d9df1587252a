/**
 * A compact byte encoding of plain-data states, for states that wait in a frontier.
 *
 * Why: a queued JavaScript state costs hundreds of bytes and work for the collector, and the
 * objects a spec's `next` returns come in many hidden classes (every spread site makes its
 * own), so the spec's own code, fed those states again, runs megamorphic — several times
 * slower than on objects of one class. Encoded states cost tens of bytes, and decoding
 * builds every object with a given key list through one constructor, so the spec always
 * sees objects of one hidden class per key list.
 *
 * The encoding keeps everything the spec can observe of plain data: key order, `undefined`
 * values, array holes, Map and Set order, -0, and frozenness (NaN is kept as the one NaN).
 * Other values (Dates, typed arrays, objects without a prototype, bigints; and what the
 * fingerprint refuses) are kept by reference in a side table, so nothing is ever lost; only
 * their own sharing is kept then.
 */

import { hashValue, laneA, laneB } from './fingerprint.ts';
import type { SuccessorFingerprints } from './successor-fingerprint.ts';

// One byte starts every value. 0x00–0x0f: the kinds below; 0x10–0x7f: a string by table
// index 0–111; 0x80–0xff: an integer 0–127.
const NULL = 0;
const UNDEFINED = 1;
const FALSE = 2;
const TRUE = 3;
const INT = 4; // zigzag varint follows (31-bit signed integers)
const FLOAT = 5; // 8 bytes follow
const STRING = 6; // varint table index follows
const ARRAY = 7; // varint length, then the elements
const FROZEN_ARRAY = 8;
const OBJECT = 9; // varint shape index, then the values in the shape's key order
const FROZEN_OBJECT = 10;
const MAP = 11; // varint size, then key and value of each entry
const SET = 12; // varint size, then the elements
const HOLE = 13; // an array hole
const REF = 14; // varint index into the reference table
const INTERNED = 15; // varint index into the table of interned frozen values
const SMALL_STRING = 0x10;
const SMALL_STRINGS = 0x70;
const SMALL_INT = 0x80;

/** Interned frozen values: at most this many, with at most this many bytes of encodings. */
const MAX_INTERNED = 1 << 20;
const MAX_INTERNED_BYTES = 64 << 20;

/** Slots of the codec's cache of recently written strings. */
const RECENT = 1024;
/** Shape indices fit a three-byte varint; objects of further key lists are kept by reference. */
const MAX_SHAPES = 1 << 21;
/** Objects with more keys than this are built key by key rather than by a compiled literal. */
const MAX_COMPILED_KEYS = 64;
/** Shapes beyond this many are built key by key (each compiled builder costs code space). */
const MAX_COMPILED_SHAPES = 4096;

/** A key list, in enumeration order, the hashes of its keys, and the functions that build an object with it. */
interface Shape {
  keys: string[];
  keyA: Int32Array;
  keyB: Int32Array;
  /** Builds the object from its values, `values[base]` on, in key order. */
  build: (values: readonly unknown[], base: number) => Record<string, unknown>;
}

/** A node of the trie that maps key lists to shapes; the last lookup is cached inline. */
interface ShapeNode {
  shape: number; // -1: no shape ends here
  lastKey: string | undefined;
  lastChild: ShapeNode | undefined;
  children: Map<string, ShapeNode> | undefined;
}

/** The two hash lanes of values kept in a table by index (strings, interned values). */
class HashColumn {
  a = new Int32Array(256);
  b = new Int32Array(256);

  /** Hashes `value` as the entry at `index` (the next one). */
  add(index: number, value: unknown): void {
    if (index === this.a.length) {
      this.a = grown(this.a);
      this.b = grown(this.b);
    }
    hashValue(value);
    this.a[index] = laneA();
    this.b[index] = laneB();
  }
}

function shapeNode(): ShapeNode {
  return { shape: -1, lastKey: undefined, lastChild: undefined, children: undefined };
}

// Hashes of the one-byte values, for decoding while recording.
const smallIntA = new Int32Array(0x80);
const smallIntB = new Int32Array(0x80);
for (let n = 0; n < 0x80; n++) {
  hashValue(n);
  smallIntA[n] = laneA();
  smallIntB[n] = laneB();
}
const constants = [null, undefined, false, true];
const constantA = new Int32Array(4);
const constantB = new Int32Array(4);
for (let i = 0; i < 4; i++) {
  hashValue(constants[i]);
  constantA[i] = laneA();
  constantB[i] = laneB();
}

const floatView = new Float64Array(1);
const floatBytes = new Uint8Array(floatView.buffer);
const objectProto = Object.prototype;
const arrayProto = Array.prototype;
const mapProto = Map.prototype;
const setProto = Set.prototype;

/**
 * Encodes states into bytes and decodes them back. One codec's tables (strings, key lists,
 * references) grow with what it has seen; bytes decode only with the codec that wrote them.
 */
export class StateCodec {
  private out = new Uint8Array(1024);
  private length = 0;
  private input: Uint8Array = this.out;
  private at = 0;
  private readonly stringIndex = new Map<string, number>();
  private readonly strings: string[] = [];
  private readonly recentStrings: (string | undefined)[] = new Array<string | undefined>(RECENT).fill(undefined);
  private readonly recentIndex = new Int32Array(RECENT);
  private readonly stringHashes = new HashColumn();
  private readonly shapes: Shape[] = [];
  private readonly shapeRoot = shapeNode();
  private readonly refs: unknown[] = [];
  // Deeply frozen values inside states, hash-consed: each distinct one (by encoding) is stored
  // once, and decoding hands back that very object — its identity, and any caches keyed by
  // it, survive the frontier. (The frozen state itself is not interned: it is the state.)
  private readonly internedByBytes = new Map<string, number>();
  private readonly internedByIdentity = new Map<object, number>();
  private readonly interned: object[] = [];
  private internedBytes = 0;
  private readonly internedHashes = new HashColumn();
  private unfrozen = 0; // composites written that were not frozen
  // Values read but not yet in their object: a builder takes them from here.
  private readonly pending: unknown[] = [];

  /** Encodes `value` into the codec's scratch buffer; read it with {@link encoded}. */
  encode(value: unknown): void {
    this.length = 0;
    // The state itself is written out even when frozen: interning it would keep every state.
    if (typeof value === 'object' && value !== null) this.writeUnshared(value, Object.isFrozen(value));
    else this.write(value);
  }

  /** The bytes of the last {@link encode}: valid until the next call. */
  encoded(): Uint8Array {
    return this.out.subarray(0, this.length);
  }

  /** Bytes of the last {@link encode}. */
  get encodedLength(): number {
    return this.length;
  }

  /** The scratch buffer itself (the last encoding is its first `encodedLength` bytes). */
  get scratch(): Uint8Array {
    return this.out;
  }

  /** Decodes the value that starts at `offset` in `bytes`; {@link decodedEnd} then tells where it ended. */
  decode(bytes: Uint8Array, offset = 0): unknown {
    this.input = bytes;
    this.at = offset;
    return this.value();
  }

  /**
   * {@link decode}, recording into `recorder` the hashes of everything decoded, so that the
   * successors of the decoded state can be fingerprinted from them (it becomes the parent).
   */
  decodeRecording(bytes: Uint8Array, offset: number, recorder: SuccessorFingerprints): unknown {
    this.input = bytes;
    this.at = offset;
    recorder.begin();
    const state = this.record(recorder, -1, 0);
    recorder.end(state);
    return state;
  }

  /** The offset just past the value last decoded. */
  get decodedEnd(): number {
    return this.at;
  }

  /** Values kept by reference so far (not plain data). */
  get references(): number {
    return this.refs.length;
  }

  // ---- writing ----

  private reserve(n: number): void {
    if (this.length + n <= this.out.length) return;
    let size = this.out.length * 2;
    while (size < this.length + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.out.subarray(0, this.length));
    this.out = grown;
  }

  private byte(b: number): void {
    if (this.length === this.out.length) this.reserve(1);
    this.out[this.length++] = b;
  }

  private varint(n: number): void {
    this.reserve(5);
    const out = this.out;
    while (n >= 0x80) {
      out[this.length++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    out[this.length++] = n;
  }

  private write(v: unknown): void {
    switch (typeof v) {
      case 'string':
        return this.writeString(v);
      case 'number':
        return this.writeNumber(v);
      case 'boolean':
        return this.byte(v ? TRUE : FALSE);
      case 'undefined':
        return this.byte(UNDEFINED);
      case 'object':
        if (v === null) return this.byte(NULL);
        return this.writeObject(v);
      default:
        return this.writeRef(v);
    }
  }

  private writeString(s: string): void {
    // A direct-mapped cache compared by === answers most lookups before the Map.
    const n = s.length;
    const slot = n === 0 ? 0 : (Math.imul(s.charCodeAt(0), 31) + Math.imul(s.charCodeAt(n - 1), 961) + n) & (RECENT - 1);
    let index: number | undefined;
    if (this.recentStrings[slot] === s) index = this.recentIndex[slot];
    else {
      index = this.stringIndex.get(s);
      if (index === undefined) index = this.intern(s);
      this.recentStrings[slot] = s;
      this.recentIndex[slot] = index;
    }
    if (index < SMALL_STRINGS) return this.byte(SMALL_STRING + index);
    this.byte(STRING);
    this.varint(index);
  }

  private intern(s: string): number {
    const index = this.strings.length;
    this.strings.push(s);
    this.stringIndex.set(s, index);
    this.stringHashes.add(index, s);
    return index;
  }

  private writeNumber(n: number): void {
    if ((n | 0) === n && !(n === 0 && 1 / n < 0) && n >= -0x40000000 && n < 0x40000000) {
      if (n >= 0 && n < 0x80) return this.byte(SMALL_INT + n);
      this.byte(INT);
      this.varint(n >= 0 ? n * 2 : -n * 2 - 1);
      return;
    }
    this.byte(FLOAT);
    this.reserve(8);
    floatView[0] = n === n ? n : NaN; // one NaN: interned values are compared by their bytes
    this.out.set(floatBytes, this.length);
    this.length += 8;
  }

  private writeObject(v: object): void {
    if (Object.isFrozen(v)) this.writeFrozen(v);
    else this.writeUnshared(v, false);
  }

  /** A frozen value inside a state: interned when deeply frozen plain data, else written out. */
  private writeFrozen(v: object): void {
    const known = this.internedByIdentity.get(v);
    if (known !== undefined) {
      this.byte(INTERNED);
      this.varint(known);
      return;
    }
    const start = this.length;
    const refs = this.refs.length;
    const unfrozen = this.unfrozen;
    this.writeUnshared(v, true);
    if (this.refs.length !== refs || this.unfrozen !== unfrozen || this.interned.length >= MAX_INTERNED || this.internedBytes >= MAX_INTERNED_BYTES) return;
    const key = bytesKey(this.out, start, this.length);
    let id = this.internedByBytes.get(key);
    if (id === undefined) id = this.internValue(v, key, this.length - start);
    this.length = start;
    this.byte(INTERNED);
    this.varint(id);
  }

  private internValue(v: object, key: string, bytes: number): number {
    const id = this.interned.length;
    this.interned.push(v);
    this.internedByBytes.set(key, id);
    this.internedByIdentity.set(v, id);
    this.internedBytes += bytes;
    this.internedHashes.add(id, v);
    return id;
  }

  /** Writes `v` out (not by an interned index); `frozen` is Object.isFrozen(v). */
  private writeUnshared(v: object, frozen: boolean): void {
    const proto = Object.getPrototypeOf(v);
    if (proto === objectProto) return this.writeRecord(v as Record<string, unknown>, frozen);
    if (proto === arrayProto) return this.writeArray(v as unknown[], frozen);
    // A frozen Map or Set (rare) is kept by reference: its frozenness is not encoded.
    if (proto === mapProto && !frozen) {
      const map = v as Map<unknown, unknown>;
      this.unfrozen++;
      this.byte(MAP);
      this.varint(map.size);
      for (const [key, value] of map) {
        this.write(key);
        this.write(value);
      }
      return;
    }
    if (proto === setProto && !frozen) {
      const set = v as Set<unknown>;
      this.unfrozen++;
      this.byte(SET);
      this.varint(set.size);
      for (const element of set) this.write(element);
      return;
    }
    this.writeRef(v);
  }

  private writeArray(v: unknown[], frozen: boolean): void {
    const n = v.length;
    if (!frozen) this.unfrozen++;
    this.byte(frozen ? FROZEN_ARRAY : ARRAY);
    this.varint(n);
    for (let i = 0; i < n; i++) {
      const e = v[i];
      if (e === undefined && !(i in v)) this.byte(HOLE);
      else this.write(e);
    }
  }

  private writeRecord(v: Record<string, unknown>, frozen: boolean): void {
    // One pass: the values are written as the keys walk the shape trie, after a fixed-width
    // slot for the shape's index, which is known only at the end.
    const start = this.length;
    this.reserve(4);
    if (!frozen) this.unfrozen++;
    this.out[this.length] = frozen ? FROZEN_OBJECT : OBJECT;
    this.length += 4;
    let node = this.shapeRoot;
    for (const key in v) {
      let child: ShapeNode | undefined;
      if (node.lastKey === key) child = node.lastChild;
      else {
        child = node.children?.get(key);
        if (child === undefined) {
          if (key === '__proto__') return this.rewriteAsRef(start, v); // a literal cannot rebuild it as an own key
          child = shapeNode();
          (node.children ??= new Map()).set(key, child);
        }
        node.lastKey = key;
        node.lastChild = child;
      }
      node = child!;
      this.write(v[key]);
    }
    if (node.shape < 0) {
      if (this.shapes.length >= MAX_SHAPES) return this.rewriteAsRef(start, v);
      node.shape = this.addShape(Object.keys(v));
    }
    const shape = node.shape;
    // A varint padded to three bytes: readVarint reads it as any other.
    this.out[start + 1] = (shape & 0x7f) | 0x80;
    this.out[start + 2] = ((shape >>> 7) & 0x7f) | 0x80;
    this.out[start + 3] = shape >>> 14;
  }

  /** Drops what was written of `v` from `start` on and keeps `v` by reference instead. */
  private rewriteAsRef(start: number, v: unknown): void {
    this.length = start;
    this.writeRef(v);
  }

  private writeRef(v: unknown): void {
    this.byte(REF);
    this.varint(this.refs.length);
    this.refs.push(v);
  }

  private addShape(keys: string[]): number {
    const index = this.shapes.length;
    const compile = index < MAX_COMPILED_SHAPES && keys.length <= MAX_COMPILED_KEYS;
    const keyA = new Int32Array(keys.length);
    const keyB = new Int32Array(keys.length);
    keys.forEach((key, i) => {
      hashValue(key);
      keyA[i] = laneA();
      keyB[i] = laneB();
    });
    this.shapes.push({ keys, keyA, keyB, build: builderOf(keys, compile) });
    return index;
  }

  // ---- reading ----

  private readVarint(): number {
    const input = this.input;
    let b = input[this.at++];
    if (b < 0x80) return b;
    let n = b & 0x7f;
    b = input[this.at++];
    n |= (b & 0x7f) << 7;
    if (b < 0x80) return n;
    b = input[this.at++];
    n |= (b & 0x7f) << 14;
    if (b < 0x80) return n;
    b = input[this.at++];
    n |= (b & 0x7f) << 21;
    if (b < 0x80) return n;
    b = input[this.at++]; // the last of at most five bytes (32 bits)
    return n + (b & 0x7f) * 2 ** 28;
  }

  private value(): unknown {
    const b = this.input[this.at++];
    if (b >= SMALL_INT) return b - SMALL_INT;
    if (b >= SMALL_STRING) return this.strings[b - SMALL_STRING];
    switch (b) {
      case NULL:
        return null;
      case UNDEFINED:
        return undefined;
      case FALSE:
        return false;
      case TRUE:
        return true;
      case INT: {
        const z = this.readVarint();
        return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      }
      case FLOAT:
        for (let i = 0; i < 8; i++) floatBytes[i] = this.input[this.at++];
        return floatView[0];
      case STRING:
        return this.strings[this.readVarint()];
      case ARRAY:
        return this.readArray();
      case FROZEN_ARRAY:
        return Object.freeze(this.readArray());
      case OBJECT:
        return this.readObject();
      case FROZEN_OBJECT:
        return Object.freeze(this.readObject());
      case MAP: {
        const map = new Map<unknown, unknown>();
        for (let n = this.readVarint(); n > 0; n--) {
          const key = this.value();
          map.set(key, this.value());
        }
        return map;
      }
      case SET: {
        const set = new Set<unknown>();
        for (let n = this.readVarint(); n > 0; n--) set.add(this.value());
        return set;
      }
      case REF:
        return this.refs[this.readVarint()];
      case INTERNED:
        return this.interned[this.readVarint()];
      default:
        throw new Error(`StateCodec: corrupt encoding (byte ${b} at ${this.at - 1})`);
    }
  }

  /** Reads one value and puts it, with its hash, into element or entry `i` of `r`'s `node`. */
  private record(r: SuccessorFingerprints, node: number, i: number): unknown {
    const b = this.input[this.at++];
    if (b >= SMALL_INT) {
      const n = b - SMALL_INT;
      if (n === 0) r.markZero(node); // -0 is not 0: see SuccessorFingerprints
      r.put(node, i, n, smallIntA[n], smallIntB[n], -1);
      return n;
    }
    if (b >= SMALL_STRING) {
      const k = b - SMALL_STRING;
      const s = this.strings[k];
      r.put(node, i, s, this.stringHashes.a[k], this.stringHashes.b[k], -1);
      return s;
    }
    switch (b) {
      case NULL:
      case UNDEFINED:
      case FALSE:
      case TRUE: {
        const v = constants[b];
        r.put(node, i, v, constantA[b], constantB[b], -1);
        return v;
      }
      case STRING: {
        const k = this.readVarint();
        const s = this.strings[k];
        r.put(node, i, s, this.stringHashes.a[k], this.stringHashes.b[k], -1);
        return s;
      }
      case INTERNED: {
        const k = this.readVarint();
        const v = this.interned[k];
        r.markFrozen();
        r.put(node, i, v, this.internedHashes.a[k], this.internedHashes.b[k], -1);
        return v;
      }
      case ARRAY:
      case FROZEN_ARRAY: {
        const n = this.readVarint();
        const array = r.openArray(n);
        const out: unknown[] = [];
        for (let j = 0; j < n; j++) {
          if (this.input[this.at] === HOLE) {
            this.at++;
            out.length = j + 1;
            r.put(array, j, undefined, constantA[UNDEFINED], constantB[UNDEFINED], -1); // a hole hashes as undefined
          } else out.push(this.record(r, array, j));
        }
        if (b === FROZEN_ARRAY) {
          Object.freeze(out);
          r.markFrozen();
        }
        r.close(array);
        r.put(node, i, out, r.ra, r.rb, array);
        return out;
      }
      case OBJECT:
      case FROZEN_OBJECT: {
        const shape = this.shapes[this.readVarint()];
        const object = r.openObject(shape.keys, shape.keyA, shape.keyB);
        for (let j = 0; j < shape.keys.length; j++) this.record(r, object, j);
        const out = shape.build(r.entryValues, r.firstEntry(object));
        if (b === FROZEN_OBJECT) {
          Object.freeze(out);
          r.markFrozen();
        }
        r.close(object);
        r.put(node, i, out, r.ra, r.rb, object);
        return out;
      }
      default: {
        // Numbers beyond one byte, Maps, Sets, references: decoded and hashed whole.
        this.at--;
        const v = this.value();
        r.putLeaf(node, i, v);
        return v;
      }
    }
  }

  private readObject(): Record<string, unknown> {
    const shape = this.shapes[this.readVarint()];
    const pending = this.pending;
    const base = pending.length;
    for (let i = 0; i < shape.keys.length; i++) pending.push(this.value());
    const out = shape.build(pending, base);
    pending.length = base;
    return out;
  }

  private readArray(): unknown[] {
    const n = this.readVarint();
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) {
      if (this.input[this.at] === HOLE) {
        this.at++;
        out.length = i + 1; // leaves a hole
      } else out.push(this.value());
    }
    return out;
  }
}

/** A Map key for the bytes `out[start..end)`: two bytes a character, after the length. */
function bytesKey(out: Uint8Array, start: number, end: number): string {
  const n = end - start;
  let key = String.fromCharCode(n & 0xffff, n >>> 16);
  let i = start;
  for (; i + 1 < end; i += 2) key += String.fromCharCode(out[i] | (out[i + 1] << 8));
  if (i < end) key += String.fromCharCode(out[i]);
  return key;
}

function grown(a: Int32Array): Int32Array<ArrayBuffer> {
  const out = new Int32Array(a.length * 2);
  out.set(a);
  return out;
}

/**
 * The builder of objects with `keys`: a compiled object literal (one hidden class, fields
 * in the object), or for very wide objects or too many shapes, key by key.
 */
function builderOf(keys: string[], compile: boolean): Shape['build'] {
  if (!compile) {
    return (values, base) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) out[keys[i]] = values[base + i];
      return out;
    };
  }
  const fields = keys.map((k, i) => `${JSON.stringify(k)}: values[base + ${i}]`).join(', ');
  return new Function('values', 'base', `return { ${fields} };`) as Shape['build'];
}
