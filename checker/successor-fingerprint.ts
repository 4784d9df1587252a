import {
  arrayA,
  arrayB,
  elementA,
  elementB,
  entryA,
  entryB,
  hashError,
  hashValue,
  laneA,
  laneB,
  objectA,
  objectB,
  type Fingerprint,
} from './fingerprint.ts';

const arrayProto = Array.prototype;
const objectProto = Object.prototype;
/** The hashes of frozen values, by identity (see SuccessorFingerprints.hashFrozen); entries go with their values. */
const frozenHashes = new WeakMap<object, readonly [number, number]>();

/**
 * Whether the search checks, for the state with log id `id`, that the spec left it unchanged
 * ({@link SuccessorFingerprints.parentIntact}): one state in 64, the initial one first, which
 * catches a spec that writes to its input long before the search ends, for a few percent.
 */
export function checkedForChanges(id: number): boolean {
  return (id & 63) === 0;
}

/**
 * Fingerprints of the successors of one state, computed mostly from the hashes of that state.
 *
 * A spec's `next` copies the state it is given and changes a little of it: the successor
 * shares most of its values (often the very same objects) with its parent. So before the
 * search expands a state, {@link setParent} records the hash of every array element and
 * object entry in it; {@link fingerprintInto} then walks a successor alongside its parent and
 * takes the recorded hash wherever a value is the same (`===`, and -0 not 0) as the parent's at that place,
 * hashing only what changed. The result is exactly {@link import('./fingerprint.ts').fingerprintInto}'s
 * (tested), so the two may be mixed freely.
 *
 * The parent must not change while it is the parent: the search hands specs states of
 * their own (decoded from the frontier), a spec that writes to its input is wrong, and the
 * search samples {@link parentIntact} to say so. Map and Set values are compared whole; they
 * are hashed again when they differ.
 */
export class SuccessorFingerprints {
  // Composite values of the parent (arrays and plain objects), in preorder: node 0 is the parent.
  private nodeCount = 0;
  private isArray = new Uint8Array(64);
  private first = new Int32Array(64);
  private size = new Int32Array(64);
  // Each node's sum of entry contributions, and how many entries count (not undefined).
  private sumA = new Int32Array(64);
  private sumB = new Int32Array(64);
  private live = new Int32Array(64);
  // Whether a node holds a zero: only there can a successor's value be === the parent's and
  // yet another value (-0 is not 0), so only there is reuse checked with Object.is.
  private zeros = new Uint8Array(64);
  // An object node's keys and their hashes (its shape's, shared: not copied per entry).
  private keys: (readonly string[] | undefined)[] = [];
  private keyA: (Int32Array | undefined)[] = [];
  private keyB: (Int32Array | undefined)[] = [];
  // Their elements and entries: the parent's value, its contribution to its container's sum,
  // and the value's node when it is composite.
  private entryCount = 0;
  private values: unknown[] = new Array<unknown>(256).fill(undefined);
  private hashA = new Int32Array(256);
  private hashB = new Int32Array(256);
  // An array element's own hash (before its position is mixed in): an element that moved by
  // one place (an insertion or removal before it, as in a sorted network) is not hashed again.
  private rawA = new Int32Array(256);
  private rawB = new Int32Array(256);
  private child = new Int32Array(256);
  private parent: unknown = undefined;
  private parentA = 0;
  private parentB = 0;
  private hasParent = false;
  /** Whether the parent holds frozen values: then its successors' frozen values are looked up by identity. */
  private frozenParts = false;
  /** The hash of the last container closed or value hashed, in two lanes. */
  ra = 0;
  rb = 0;

  /** Records `state`'s hashes: the successors fingerprinted next are `state`'s. */
  setParent(state: unknown): void {
    this.begin();
    this.record(state, -1, 0);
    this.end(state);
  }

  /**
   * True when the parent still hashes as it did when recorded. A spec that writes to the state
   * it is given would make the recorded hashes lie (a successor sharing the written part would
   * get the parent's old hash), so the search samples this after its calls to the spec.
   */
  parentIntact(): boolean {
    if (!this.hasParent) return true;
    hashValue(this.parent);
    return laneA() === this.parentA && laneB() === this.parentB;
  }

  /** Forgets the parent (and lets it be collected). */
  clearParent(): void {
    this.hasParent = false;
    this.parent = undefined;
    this.values.fill(undefined, 0, this.entryCount);
    this.nodeCount = 0;
    this.entryCount = 0;
  }

  /** Writes the fingerprint of `state` into `out`: the same as `fingerprintInto(state, out)`. */
  fingerprintInto(state: unknown, out: Fingerprint): void {
    if (!this.hasParent) {
      try {
        hashValue(state);
      } catch (error) {
        throw hashError(state, error);
      }
      out.hi = laneA() >>> 0;
      out.lo = laneB() >>> 0;
      return;
    }
    if (state === this.parent) {
      out.hi = this.parentA >>> 0;
      out.lo = this.parentB >>> 0;
      return;
    }
    try {
      this.hashAt(state, this.nodeCount > 0 ? 0 : -1);
    } catch (error) {
      throw hashError(state, error);
    }
    out.hi = this.ra >>> 0;
    out.lo = this.rb >>> 0;
  }

  // ---- recording the parent ----
  // A parent is recorded top-down, as a decoder reads it: a container opens a node with room
  // for its entries, each value read is put into its entry with its hash (and its node, when
  // it is a container itself), and closing a node hashes the container from its entries' sum.
  // The StateCodec records while it decodes (no second walk); setParent walks a state itself.

  /** Starts recording a parent. */
  begin(): void {
    this.hasParent = false;
    this.frozenParts = false;
    this.nodeCount = 0;
    this.entryCount = 0;
  }

  /** Ends recording: `state`, put at node -1, is the parent. */
  end(state: unknown): void {
    this.parent = state;
    this.parentA = this.ra;
    this.parentB = this.rb;
    this.hasParent = true;
  }

  /** Opens an array of `n` elements; returns its node. */
  openArray(n: number): number {
    return this.newNode(n, undefined, undefined, undefined);
  }

  /** Opens an object whose values come in the order of `keys` (hashes `keyA`/`keyB`); returns its node. */
  openObject(keys: readonly string[], keyA: Int32Array, keyB: Int32Array): number {
    return this.newNode(keys.length, keys, keyA, keyB);
  }

  /** Where the entries of `node` start in {@link entryValues}. */
  firstEntry(node: number): number {
    return this.first[node];
  }

  /** The values put so far, entry by entry (a builder reads an object's from here). */
  get entryValues(): readonly unknown[] {
    return this.values;
  }

  /**
   * Puts `value`, whose hash is `a`/`b` (and whose node is `child`, -1 if none), into element
   * or entry `i` of `node`; at node -1 it is the parent itself.
   */
  put(node: number, i: number, value: unknown, a: number, b: number, child: number): void {
    if (node < 0) {
      this.ra = a;
      this.rb = b;
      return;
    }
    const at = this.first[node] + i;
    this.values[at] = value;
    this.child[at] = child;
    let ea: number;
    let eb: number;
    if (this.isArray[node] === 1) {
      ea = elementA(i, a);
      eb = elementB(i, b);
      this.rawA[at] = a;
      this.rawB[at] = b;
    } else if (value === undefined) {
      // Keys whose value is undefined are not entries (as in JSON); a successor's value at
      // such a key is never === undefined, so the entry is never reused.
      return;
    } else {
      ea = entryA(this.keyA[node]![i], a);
      eb = entryB(this.keyB[node]![i], b);
    }
    this.hashA[at] = ea;
    this.hashB[at] = eb;
    this.sumA[node] = (this.sumA[node] + ea) | 0;
    this.sumB[node] = (this.sumB[node] + eb) | 0;
    this.live[node]++;
  }

  /**
   * Marks `node` as holding a zero (-0 or 0): where the parent has one, a successor's value
   * may be === to it and yet be the other zero. Whoever puts a zero into a node marks it
   * (putLeaf does; the codec for the zeros it puts by their known hash).
   */
  markZero(node: number): void {
    if (node >= 0) this.zeros[node] = 1;
  }

  /** Notes that the parent holds a frozen value (whoever records one says so: the codec, or the walk). */
  markFrozen(): void {
    this.frozenParts = true;
  }

  /** Puts a value hashed from scratch (nothing inside it will be reused). */
  putLeaf(node: number, i: number, value: unknown): void {
    if (value === 0) this.markZero(node);
    hashValue(value);
    this.put(node, i, value, laneA(), laneB(), -1);
  }

  /** Closes container `node`: its hash goes to ra/rb. */
  close(node: number): void {
    const n = this.live[node];
    if (this.isArray[node] === 1) {
      this.ra = arrayA(n, this.sumA[node]);
      this.rb = arrayB(n, this.sumB[node]);
    } else {
      this.ra = objectA(n, this.sumA[node]);
      this.rb = objectB(n, this.sumB[node]);
    }
  }

  /** Records `v`, element or entry `i` of `node`, by walking it. */
  private record(v: unknown, node: number, i: number): void {
    if (typeof v !== 'object' || v === null) return this.putLeaf(node, i, v);
    if (Object.isFrozen(v)) this.frozenParts = true;
    const proto = Object.getPrototypeOf(v);
    if (proto === arrayProto) {
      const elements = v as unknown[];
      const array = this.openArray(elements.length);
      for (let j = 0; j < elements.length; j++) this.record(elements[j], array, j);
      this.close(array);
      return this.put(node, i, v, this.ra, this.rb, array);
    }
    if (proto !== objectProto) return this.putLeaf(node, i, v);
    const record = v as Record<string, unknown>;
    const keys = Object.keys(record);
    const keyA = new Int32Array(keys.length);
    const keyB = new Int32Array(keys.length);
    for (let j = 0; j < keys.length; j++) {
      hashValue(keys[j]);
      keyA[j] = laneA();
      keyB[j] = laneB();
    }
    const object = this.openObject(keys, keyA, keyB);
    for (let j = 0; j < keys.length; j++) this.record(record[keys[j]], object, j);
    this.close(object);
    this.put(node, i, v, this.ra, this.rb, object);
  }

  private leaf(v: unknown): void {
    hashValue(v);
    this.ra = laneA();
    this.rb = laneB();
  }

  /** A node with room for `entries`; an object's when `keys` are given. */
  private newNode(entries: number, keys: readonly string[] | undefined, keyA: Int32Array | undefined, keyB: Int32Array | undefined): number {
    const node = this.nodeCount++;
    if (node === this.first.length) this.growNodes();
    this.isArray[node] = keys === undefined ? 1 : 0;
    this.keyA[node] = keyA;
    this.keyB[node] = keyB;
    this.first[node] = this.entryCount;
    this.size[node] = entries;
    this.sumA[node] = 0;
    this.sumB[node] = 0;
    this.live[node] = 0;
    this.zeros[node] = 0;
    this.keys[node] = keys;
    this.entryCount += entries;
    if (this.entryCount > this.hashA.length) this.growEntries(this.entryCount);
    return node;
  }

  // ---- hashing a successor ----

  /** Hashes `v` into ra/rb, where the parent held the composite `node` (-1: nothing to reuse). */
  private hashAt(v: unknown, node: number): void {
    // Only states with frozen parts pay for asking (isFrozen is a call, not inlined).
    if (this.frozenParts && typeof v === 'object' && v !== null && Object.isFrozen(v)) return this.hashFrozen(v, node);
    this.hashFresh(v, node);
  }

  /**
   * A frozen value cannot change, so its hash is remembered by identity: the parts of an actor
   * world (local states, envelopes, messages) are frozen and shared by many worlds, and a
   * successor's new parts are mostly parts other worlds had before.
   */
  private hashFrozen(v: object, node: number): void {
    const known = frozenHashes.get(v);
    if (known !== undefined) {
      this.ra = known[0];
      this.rb = known[1];
      return;
    }
    this.hashFresh(v, node);
    frozenHashes.set(v, [this.ra, this.rb]);
  }

  private hashFresh(v: unknown, node: number): void {
    if (node < 0 || typeof v !== 'object' || v === null) {
      this.leaf(v);
    } else if (this.isArray[node] === 1) {
      if (Object.getPrototypeOf(v) === arrayProto) this.hashArray(v as unknown[], node);
      else this.leaf(v);
    } else if (Object.getPrototypeOf(v) === objectProto) {
      this.hashObject(v as Record<string, unknown>, node);
    } else {
      this.leaf(v);
    }
  }

  // Both containers start from the parent's sum and correct it for the entries that differ.

  private hashArray(v: readonly unknown[], node: number): void {
    const n = v.length;
    const first = this.first[node];
    const had = this.size[node];
    const shift = n - had; // +1: one element inserted, -1: one removed (elements after it moved)
    const values = this.values;
    const zeros = this.zeros[node] === 1;
    let a = this.sumA[node];
    let b = this.sumB[node];
    for (let i = 0; i < n; i++) {
      const e = v[i];
      let ha: number;
      let hb: number;
      if (i < had) {
        const at = first + i;
        if (values[at] === e && (!zeros || e !== 0 || Object.is(values[at], e))) continue;
        a = (a - this.hashA[at]) | 0;
        b = (b - this.hashB[at]) | 0;
      }
      const from = first + i - shift;
      if (shift !== 0 && i - shift >= 0 && i - shift < had && values[from] === e && (!zeros || e !== 0 || Object.is(values[from], e))) {
        ha = this.rawA[from];
        hb = this.rawB[from];
      } else {
        if (i < had) this.hashAt(e, this.child[first + i]);
        else this.leaf(e);
        ha = this.ra;
        hb = this.rb;
      }
      a = (a + elementA(i, ha)) | 0;
      b = (b + elementB(i, hb)) | 0;
    }
    for (let at = first + n; at < first + had; at++) {
      a = (a - this.hashA[at]) | 0;
      b = (b - this.hashB[at]) | 0;
    }
    this.ra = arrayA(n, a);
    this.rb = arrayB(n, b);
  }

  private hashObject(v: Record<string, unknown>, node: number): void {
    const keys = this.keys[node]!;
    const keyA = this.keyA[node]!;
    const keyB = this.keyB[node]!;
    const count = keys.length;
    const first = this.first[node];
    const values = this.values;
    const zeros = this.zeros[node] === 1;
    let a = this.sumA[node];
    let b = this.sumB[node];
    let n = 0;
    let kept = 0; // the parent's entries the successor still has
    let next = 0; // where the parent's next key is expected: successors keep key order
    for (const key in v) {
      const value = v[key];
      if (value === undefined) continue;
      n++;
      let at = -1;
      if (next < count && keys[next] === key) at = first + next++;
      else if (count <= 32) {
        for (let q = 0; q < count; q++) {
          if (keys[q] === key) {
            at = first + q;
            next = q + 1;
            break;
          }
        }
      }
      if (at < 0) {
        // A key the parent did not have (or, past 32 keys, out of place: then the sum is redone).
        if (count > 32) return this.leaf(v);
        hashValue(key);
        const ka = laneA();
        const kb = laneB();
        this.leaf(value);
        a = (a + entryA(ka, this.ra)) | 0;
        b = (b + entryB(kb, this.rb)) | 0;
        continue;
      }
      const old = values[at];
      if (old === value && (!zeros || value !== 0 || Object.is(old, value))) {
        kept++;
        continue;
      }
      this.hashAt(value, this.child[at]);
      a = (a + entryA(keyA[at - first], this.ra)) | 0;
      b = (b + entryB(keyB[at - first], this.rb)) | 0;
      if (old !== undefined) {
        kept++;
        a = (a - this.hashA[at]) | 0;
        b = (b - this.hashB[at]) | 0;
      }
    }
    // Some entry of the parent's is gone: its contribution is still in the sum. Rare; redo.
    if (kept !== this.live[node]) return this.leaf(v);
    this.ra = objectA(n, a);
    this.rb = objectB(n, b);
  }

  private growNodes(): void {
    const size = this.first.length * 2;
    const isArray = new Uint8Array(size);
    isArray.set(this.isArray);
    this.isArray = isArray;
    const zeros = new Uint8Array(size);
    zeros.set(this.zeros);
    this.zeros = zeros;
    this.first = grown(this.first, size);
    this.size = grown(this.size, size);
    this.sumA = grown(this.sumA, size);
    this.sumB = grown(this.sumB, size);
    this.live = grown(this.live, size);
  }

  private growEntries(atLeast: number): void {
    let size = this.hashA.length * 2;
    while (size < atLeast) size *= 2;
    const grow = (a: Int32Array): Int32Array<ArrayBuffer> => grown(a, size);
    this.hashA = grow(this.hashA);
    this.hashB = grow(this.hashB);
    this.rawA = grow(this.rawA);
    this.rawB = grow(this.rawB);
    this.child = grow(this.child);
    // Kept dense (never holey), so reads stay fast.
    for (let i = this.values.length; i < size; i++) this.values.push(undefined);
  }
}

function grown(a: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(size);
  out.set(a);
  return out;
}
