import { StateCodec } from './state-codec.ts';
import type { SuccessorFingerprints } from './successor-fingerprint.ts';

/** States waiting to be expanded (TLC's StateQueue), each with its id in the state log. */
export interface Frontier<S> {
  /** Number of states waiting. */
  readonly size: number;
  /** Adds a state. */
  push(state: S, id: number): void;
  /** Removes the next state; its id is then `poppedId`. Call only when `size > 0`. */
  pop(): S;
  /** The id of the state last returned by `pop`. */
  readonly poppedId: number;
  /** Bytes the waiting states take, when the frontier knows (encoded frontiers do). */
  readonly bytes?: number;
}

/** First in, first out: what makes breadth-first search level by level. */
export class FifoFrontier<S> implements Frontier<S> {
  private states: S[] = [];
  private ids: number[] = [];
  private head = 0;
  poppedId = -1;

  get size(): number {
    return this.states.length - this.head;
  }

  push(state: S, id: number): void {
    this.states.push(state);
    this.ids.push(id);
  }

  pop(): S {
    const i = this.head++;
    const state = this.states[i];
    this.poppedId = this.ids[i];
    this.states[i] = undefined as S; // let the state be collected
    if (this.head >= 4096 && this.head * 2 >= this.states.length) {
      this.states = this.states.slice(this.head);
      this.ids = this.ids.slice(this.head);
      this.head = 0;
    }
    return state;
  }
}

const CHUNK = 1 << 20;

/**
 * First in, first out, with every state encoded by a {@link StateCodec}: tens of bytes a
 * state instead of hundreds, nothing for the collector to trace, and each popped state a
 * fresh copy whose objects have one hidden class per key list (see state-codec.ts for why
 * that makes the spec's own code faster). A popped state is equal, key order included, to
 * the one pushed. With a `recorder`, each popped state is recorded into it as it is decoded,
 * so its successors are fingerprinted from its hashes.
 */
export class PackedFrontier<S> implements Frontier<S> {
  private readonly codec = new StateCodec();
  // Chunks of bytes: each entry is the id (4 bytes) then the encoded state.
  private readonly chunks: Uint8Array[] = [];
  /** Where the written bytes of each full chunk end (the last chunk's end is `writeAt`). */
  private readonly ends: number[] = [];
  private writeChunk: Uint8Array;
  private writeAt = 0;
  private readChunk = 0;
  private readAt = 0;
  private count = 0;
  private held = 0;
  poppedId = -1;

  constructor(private readonly recorder?: SuccessorFingerprints) {
    this.writeChunk = new Uint8Array(CHUNK);
    this.chunks.push(this.writeChunk);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the chunks not yet read through. */
  get bytes(): number {
    return this.held + this.writeChunk.byteLength;
  }

  push(state: S, id: number): void {
    const codec = this.codec;
    codec.encode(state);
    const n = codec.encodedLength;
    if (this.writeAt + n + 4 > this.writeChunk.length) this.newChunk(n + 4);
    const chunk = this.writeChunk;
    let at = this.writeAt;
    chunk[at] = id;
    chunk[at + 1] = id >>> 8;
    chunk[at + 2] = id >>> 16;
    chunk[at + 3] = id >>> 24;
    at += 4;
    const src = codec.scratch;
    if (n <= 32) for (let i = 0; i < n; i++) chunk[at + i] = src[i];
    else chunk.set(src.subarray(0, n), at);
    this.writeAt = at + n;
    this.count++;
  }

  pop(): S {
    let chunk = this.chunks[this.readChunk];
    while (this.readAt >= this.endOf(this.readChunk)) {
      this.chunks[this.readChunk] = EMPTY; // let the chunk be collected
      this.held -= chunk.byteLength;
      this.readChunk++;
      this.readAt = 0;
      chunk = this.chunks[this.readChunk];
    }
    const at = this.readAt;
    this.poppedId = (chunk[at] | (chunk[at + 1] << 8) | (chunk[at + 2] << 16) | (chunk[at + 3] << 24)) >>> 0;
    const state = (this.recorder ? this.codec.decodeRecording(chunk, at + 4, this.recorder) : this.codec.decode(chunk, at + 4)) as S;
    this.readAt = this.codec.decodedEnd;
    this.count--;
    if (this.count === 0) this.reset();
    return state;
  }

  /** Drops every waiting state. */
  clear(): void {
    this.count = 0;
    this.reset();
  }

  /** Where the written bytes of chunk `i` end. */
  private endOf(i: number): number {
    return i === this.chunks.length - 1 ? this.writeAt : this.ends[i];
  }

  private newChunk(atLeast: number): void {
    this.ends[this.chunks.length - 1] = this.writeAt;
    this.held += this.writeChunk.byteLength;
    this.writeChunk = new Uint8Array(Math.max(CHUNK, atLeast));
    this.chunks.push(this.writeChunk);
    this.writeAt = 0;
  }

  /** Empty again: start over in the current write chunk. */
  private reset(): void {
    this.chunks.length = 0;
    this.ends.length = 0;
    this.chunks.push(this.writeChunk);
    this.held = 0;
    this.writeAt = 0;
    this.readChunk = 0;
    this.readAt = 0;
  }
}

const EMPTY = new Uint8Array(0);
