/**
 * For every distinct state, in discovery order: its fingerprint, its parent's id and the
 * index of the action that reached it (or, for an initial state, its index among the
 * initial states). Traces are rebuilt from this by replaying the model, so states
 * themselves are never kept.
 */
export class StateLog {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private parent: Int32Array;
  private action: Uint32Array;
  private count = 0;

  constructor(initialCapacity = 1 << 14) {
    this.hi = new Uint32Array(initialCapacity);
    this.lo = new Uint32Array(initialCapacity);
    this.parent = new Int32Array(initialCapacity);
    this.action = new Uint32Array(initialCapacity);
  }

  /** Number of states logged. */
  get size(): number {
    return this.count;
  }

  /** Bytes held by the log. */
  get bytes(): number {
    return this.hi.byteLength * 4;
  }

  /** Logs a state; `parent` is -1 for an initial state. Returns the new state's id. */
  add(hi: number, lo: number, parent: number, action: number): number {
    const id = this.count;
    if (id === this.hi.length) this.grow();
    this.hi[id] = hi;
    this.lo[id] = lo;
    this.parent[id] = parent;
    this.action[id] = action;
    this.count++;
    return id;
  }

  fingerprintHi(id: number): number {
    return this.hi[id];
  }

  fingerprintLo(id: number): number {
    return this.lo[id];
  }

  parentOf(id: number): number {
    return this.parent[id];
  }

  actionOf(id: number): number {
    return this.action[id];
  }

  /** The log's columns, up to its size (views, not copies): what a checkpoint saves. */
  columns(): { hi: Uint32Array; lo: Uint32Array; parent: Int32Array; action: Uint32Array } {
    const n = this.count;
    return { hi: this.hi.subarray(0, n), lo: this.lo.subarray(0, n), parent: this.parent.subarray(0, n), action: this.action.subarray(0, n) };
  }

  /** Replaces the log's contents with saved columns (resuming from a checkpoint). */
  restore(columns: { hi: Uint32Array; lo: Uint32Array; parent: Int32Array; action: Uint32Array }): void {
    const n = columns.hi.length;
    let capacity = Math.max(1 << 14, this.hi.length);
    while (capacity < n + 1) capacity *= 2;
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.parent = new Int32Array(capacity);
    this.action = new Uint32Array(capacity);
    this.hi.set(columns.hi);
    this.lo.set(columns.lo);
    this.parent.set(columns.parent);
    this.action.set(columns.action);
    this.count = n;
  }

  private grow(): void {
    const capacity = this.hi.length * 2;
    const hi = new Uint32Array(capacity);
    const lo = new Uint32Array(capacity);
    const parent = new Int32Array(capacity);
    const action = new Uint32Array(capacity);
    hi.set(this.hi);
    lo.set(this.lo);
    parent.set(this.parent);
    action.set(this.action);
    this.hi = hi;
    this.lo = lo;
    this.parent = parent;
    this.action = action;
  }
}
