import { slotOf } from '../specs/hash-mix.ts';
import { RecentFingerprints } from './recent-fingerprints.ts';
/** The set of fingerprints already seen (TLC's FPSet): the only question the search asks. */
export interface VisitedSet {
  /** Number of distinct fingerprints stored. */
  readonly size: number;
  /** Adds a fingerprint; true when it was not there before. */
  add(hi: number, lo: number): boolean;
  /** True when the fingerprint is present. */
  has(hi: number, lo: number): boolean;
  /** Bytes held by the table. */
  readonly bytes: number;
}

const MAX_LOAD = 0.75;

/**
 * Open addressing with linear probing over 64-bit keys in one Uint32Array (8 bytes a slot).
 * The all-zero key marks an empty slot, so a zero fingerprint is kept in a flag of its own.
 */
export class FingerprintTable implements VisitedSet {
  private slots: Uint32Array;
  private mask: number;
  private count = 0;
  private limit: number;
  private hasZero = false;
  private readonly recent = new RecentFingerprints();

  constructor(initialCapacity = 1 << 16) {
    let capacity = 1 << 4;
    while (capacity < initialCapacity) capacity <<= 1;
    this.slots = new Uint32Array(capacity * 2);
    this.mask = capacity - 1;
    this.limit = Math.floor(capacity * MAX_LOAD);
  }

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.slots.byteLength;
  }

  add(hi: number, lo: number): boolean {
    if (hi === 0 && lo === 0) {
      if (this.hasZero) return false;
      this.hasZero = true;
      this.count++;
      return true;
    }
    const recent = this.recent;
    if (recent.has(hi, lo)) return false;
    recent.remember(hi, lo);
    const slots = this.slots;
    const mask = this.mask;
    let i = slotOf(hi, lo, mask);
    for (;;) {
      const h = slots[2 * i];
      const l = slots[2 * i + 1];
      if (h === 0 && l === 0) break;
      if (h === hi && l === lo) return false;
      i = (i + 1) & mask;
    }
    slots[2 * i] = hi;
    slots[2 * i + 1] = lo;
    if (++this.count > this.limit) this.grow();
    return true;
  }

  has(hi: number, lo: number): boolean {
    if (hi === 0 && lo === 0) return this.hasZero;
    const slots = this.slots;
    const mask = this.mask;
    let i = slotOf(hi, lo, mask);
    for (;;) {
      const h = slots[2 * i];
      const l = slots[2 * i + 1];
      if (h === 0 && l === 0) return false;
      if (h === hi && l === lo) return true;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    const capacity = (this.mask + 1) * 2;
    this.slots = new Uint32Array(capacity * 2);
    this.mask = capacity - 1;
    this.limit = Math.floor(capacity * MAX_LOAD);
    const slots = this.slots;
    const mask = this.mask;
    for (let j = 0; j < old.length; j += 2) {
      const hi = old[j];
      const lo = old[j + 1];
      if (hi === 0 && lo === 0) continue;
      let i = slotOf(hi, lo, mask);
      while (slots[2 * i] !== 0 || slots[2 * i + 1] !== 0) i = (i + 1) & mask;
      slots[2 * i] = hi;
      slots[2 * i + 1] = lo;
    }
  }
}
