import type { VisitedSet } from './visited-set.ts';
import { RecentFingerprints } from './recent-fingerprints.ts';
import { slotOf } from '../specs/hash-mix.ts';

/**
 * How a thread that uses a {@link SharedVisitedSet} takes part in growing it: the owner
 * (the thread that created the set) rehashes while every adding thread is paused, then hands
 * each thread the new table.
 */
export interface GrowthLink {
  /** Tells the owner that this thread has paused for the growth it asked for. */
  announcePause(): void;
  /** The next table the owner sent this thread, if one has arrived (non-blocking). */
  receiveTable(): SharedTable | undefined;
}

/** A table as the owner hands it out after a growth. */
export interface SharedTable {
  slots: SharedArrayBuffer;
  generation: number;
}

/** What another thread needs to attach to a set: both buffers are shared, not copied. */
export interface SharedVisitedSetHandle {
  control: SharedArrayBuffer;
  table: SharedTable;
}

// Control words (Int32). Every `add` reads PHASE and writes COUNT: the count lives on a cache
// line of its own, or each insert would evict the phase from the other cores.
/** generation * 2 + 1 while a growth is requested; the owner bumps the generation when it publishes a grown table. */
const PHASE = 0;
const ABORTED = 1; // 1 when the owner gave up: paused threads must not wait forever
const COUNT = 16; // distinct fingerprints stored (byte 64)
const CONTROL_WORDS = 32;

const MAX_LOAD = 0.75;
/** Small tables would let paused threads' in-flight inserts fill them up. */
const MIN_CAPACITY = 64;

// A zero word marks an empty slot (hi) or a half-written one (lo), so stored words are never 0:
// a fingerprint with a zero half is stored with that half replaced by a fixed nonzero value.
// Such a fingerprint collides with the one that really has that value: one more collision
// chance in 2^32 for a key that already had a 1-in-2^32 half, negligible next to the 64-bit
// fingerprints' own collision odds.
const ZERO_HI = 0x9e3779b9 | 0;
const ZERO_LO = 0x7f4a7c15 | 0;

/**
 * The visited set of a parallel search: open addressing with linear probing over 64-bit
 * fingerprints in a SharedArrayBuffer, two Int32 words a slot, used by several threads at once.
 *
 * Inserting claims a slot with `Atomics.compareExchange` on its hi word, then stores its lo
 * word; a reader that finds a matching hi word whose lo word is still 0 waits for the writer's
 * second store (a few instructions away). Slots are never cleared, which is what makes
 * concurrent linear probing free of duplicates: two threads adding the same key walk the same
 * probe sequence over the same permanently occupied slots and meet at the same empty one.
 *
 * Growing needs every adding thread paused. When the load passes 3/4 the inserting thread
 * raises a flag; every thread checks it at the start of its next `add` (a safe point: it holds
 * no half-written slot), tells the owner through its {@link GrowthLink} and waits. The owner
 * rehashes into a table twice as large ({@link grow}) once all adding threads have paused, and
 * {@link publish}es it; the threads then take the new table from their link and continue.
 * The owner itself may add only while no other thread is attached (it then grows at once).
 */
export class SharedVisitedSet implements VisitedSet {
  private readonly control: Int32Array;
  private slots!: Int32Array;
  private mask = 0;
  private limit = 0;
  private generation = 0;
  /** This thread's own cache of fingerprints it found or added (all of them are in the table). */
  private readonly recent = new RecentFingerprints();

  private constructor(
    private readonly controlBuffer: SharedArrayBuffer,
    table: SharedTable,
    private readonly link: GrowthLink | undefined,
  ) {
    this.control = new Int32Array(controlBuffer);
    this.adopt(table);
  }

  /** A new, empty set owned by the calling thread. */
  static create(initialCapacity = 1 << 16): SharedVisitedSet {
    let capacity = MIN_CAPACITY;
    while (capacity < initialCapacity) capacity <<= 1;
    const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
    return new SharedVisitedSet(control, { slots: new SharedArrayBuffer(capacity * 8), generation: 0 }, undefined);
  }

  /** Attaches another thread to the set the owner created; `link` is how it joins growths. */
  static attach(handle: SharedVisitedSetHandle, link: GrowthLink): SharedVisitedSet {
    return new SharedVisitedSet(handle.control, handle.table, link);
  }

  /** What another thread needs to {@link attach}: post it, the buffers are shared. */
  get handle(): SharedVisitedSetHandle {
    return { control: this.controlBuffer, table: { slots: this.slots.buffer as SharedArrayBuffer, generation: this.generation } };
  }

  get size(): number {
    return Atomics.load(this.control, COUNT);
  }

  get bytes(): number {
    return this.slots.byteLength;
  }

  /** Number of slots of the table this thread uses. */
  get capacity(): number {
    return this.mask + 1;
  }

  /** True while some thread waits for the owner to grow the table. */
  get growRequested(): boolean {
    return (Atomics.load(this.control, PHASE) & 1) !== 0;
  }

  add(hi: number, lo: number): boolean {
    if (Atomics.load(this.control, PHASE) !== this.generation * 2) this.sync();
    let h = hi | 0;
    if (h === 0) h = ZERO_HI;
    let l = lo | 0;
    if (l === 0) l = ZERO_LO;
    const recent = this.recent;
    if (recent.has(h, l)) return false;
    const slots = this.slots;
    const mask = this.mask;
    let i = slotOf(h, l, mask);
    // Plain reads while probing: a nonzero word is final, and a zero one is confirmed atomically.
    for (;;) {
      const at = 2 * i;
      let found = slots[at];
      if (found === 0) {
        found = Atomics.compareExchange(slots, at, 0, h);
        if (found === 0) {
          Atomics.store(slots, at + 1, l);
          if (Atomics.add(this.control, COUNT, 1) + 1 > this.limit) {
            Atomics.compareExchange(this.control, PHASE, this.generation * 2, this.generation * 2 + 1);
          }
          recent.remember(h, l);
          return true;
        }
      }
      if (found === h) {
        let stored = slots[at + 1];
        while (stored === 0) stored = Atomics.load(slots, at + 1); // the writer's second store is imminent
        if (stored === l) {
          recent.remember(h, l);
          return false;
        }
      }
      i = (i + 1) & mask;
    }
  }

  has(hi: number, lo: number): boolean {
    if (this.link && Atomics.load(this.control, PHASE) >> 1 !== this.generation) this.adoptLatest();
    let h = hi | 0;
    if (h === 0) h = ZERO_HI;
    let l = lo | 0;
    if (l === 0) l = ZERO_LO;
    const slots = this.slots;
    const mask = this.mask;
    let i = slotOf(h, l, mask);
    for (;;) {
      const at = 2 * i;
      const found = Atomics.load(slots, at);
      if (found === 0) return false;
      if (found === h) {
        let stored = Atomics.load(slots, at + 1);
        while (stored === 0) stored = Atomics.load(slots, at + 1);
        if (stored === l) return true;
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * Owner only, while no other thread is inside `add`: rehashes into a table twice as large
   * and uses it. Returns the table to {@link publish} once every thread has been sent it.
   */
  grow(): SharedTable {
    const old = this.slots;
    const capacity = (this.mask + 1) * 2;
    const slots = new Int32Array(new SharedArrayBuffer(capacity * 8));
    const mask = capacity - 1;
    // Nobody else touches either table now: plain reads and writes suffice.
    for (let j = 0; j < old.length; j += 2) {
      const h = old[j];
      if (h === 0) continue;
      const l = old[j + 1];
      let i = slotOf(h, l, mask);
      while (slots[2 * i] !== 0) i = (i + 1) & mask;
      slots[2 * i] = h;
      slots[2 * i + 1] = l;
    }
    const table = { slots: slots.buffer as SharedArrayBuffer, generation: this.generation + 1 };
    this.adopt(table);
    return table;
  }

  /** Owner only: after sending every thread the table from {@link grow}, lets them continue. */
  publish(): void {
    Atomics.store(this.control, PHASE, this.generation * 2);
    Atomics.notify(this.control, PHASE);
  }

  /** Owner only: wakes paused threads for good (their `add` then throws), e.g. when a search is cancelled. */
  abort(): void {
    Atomics.store(this.control, ABORTED, 1);
    Atomics.notify(this.control, PHASE);
  }

  /** At a safe point: joins a requested growth, or catches up with one published meanwhile. */
  private sync(): void {
    if (!this.link) {
      // The owner adds only while no other thread is attached: it grows at once.
      if (this.growRequested) {
        this.grow();
        this.publish();
      }
      return;
    }
    if (Atomics.load(this.control, PHASE) >> 1 !== this.generation) this.adoptLatest();
    const phase = Atomics.load(this.control, PHASE);
    if (phase !== this.generation * 2 + 1) return;
    this.link.announcePause();
    while (Atomics.load(this.control, PHASE) === phase) {
      if (Atomics.load(this.control, ABORTED) !== 0) throw new Error('the shared visited set was abandoned by its owner');
      Atomics.wait(this.control, PHASE, phase, 1000);
    }
    this.adoptLatest();
  }

  /** Takes the newest table the owner sent; it is sent before the generation is bumped. */
  private adoptLatest(): void {
    const target = Atomics.load(this.control, PHASE) >> 1;
    let latest: SharedTable | undefined;
    for (let t = this.link!.receiveTable(); t; t = this.link!.receiveTable()) latest = t;
    if (latest) this.adopt(latest);
    if (this.generation !== target) throw new Error(`the shared visited set's table ${target} never arrived (have ${this.generation})`);
  }

  private adopt(table: SharedTable): void {
    this.slots = new Int32Array(table.slots);
    this.mask = this.slots.length / 2 - 1;
    this.limit = Math.floor((this.mask + 1) * MAX_LOAD);
    this.generation = table.generation;
  }
}

/**
 * The owner's side of growing a {@link SharedVisitedSet}: it tracks which threads may be
 * adding and which have paused, and grows the set as soon as every adding thread has paused
 * (a thread that is not adding is at a safe point too). The new table goes to every thread,
 * adding or not, before the set is published.
 */
export class GrowthCoordinator {
  private readonly adding = new Set<number>();
  private readonly paused = new Set<number>();
  /** Growths performed so far. */
  growths = 0;

  constructor(
    private readonly set: SharedVisitedSet,
    private readonly threads: number,
    private readonly sendTable: (thread: number, table: SharedTable) => void,
  ) {}

  /** Thread `thread` is about to add (call before it may add). */
  started(thread: number): void {
    this.adding.add(thread);
  }

  /** Thread `thread` will not add until `started` again. */
  finished(thread: number): void {
    this.adding.delete(thread);
    this.paused.delete(thread);
    this.growIfReady();
  }

  /** Thread `thread` announced its pause. */
  pausedAt(thread: number): void {
    this.paused.add(thread);
    this.growIfReady();
  }

  /** Grows when a growth is requested and no thread is adding; true when it did. */
  growIfReady(): boolean {
    if (!this.set.growRequested || this.paused.size < this.adding.size) return false;
    for (const thread of this.adding) if (!this.paused.has(thread)) return false;
    const table = this.set.grow();
    for (let t = 0; t < this.threads; t++) this.sendTable(t, table);
    this.paused.clear();
    this.growths++;
    this.set.publish();
    return true;
  }
}
