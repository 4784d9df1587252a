/** Int32 words per logged state: fingerprint hi, fingerprint lo, parent's global id, action index. */
const WORDS = 4;

/**
 * A worker's {@link import('../state-log.ts').StateLog} in shared memory, so that the main
 * thread can follow parent links across workers without asking them. Only the owning worker
 * writes; when it outgrows its buffer it copies into a bigger one and hands that to
 * `onGrow` (the worker posts it to the main thread before reporting any id stored in it).
 *
 * Parents are global ids: a state's global id is `local * workers + worker`.
 */
export class SharedStateLog {
  private words: Int32Array;
  private count = 0;

  constructor(
    private readonly onGrow: (buffer: SharedArrayBuffer) => void,
    initialCapacity = 1 << 14,
  ) {
    this.words = new Int32Array(new SharedArrayBuffer(initialCapacity * WORDS * 4));
    onGrow(this.words.buffer as SharedArrayBuffer);
  }

  /** Number of states logged. */
  get size(): number {
    return this.count;
  }

  /** Logs a state; `parent` is -1 for an initial state. Returns its local id. */
  add(hi: number, lo: number, parent: number, action: number): number {
    const id = this.count;
    if ((id + 1) * WORDS > this.words.length) this.grow();
    const at = id * WORDS;
    const w = this.words;
    w[at] = hi;
    w[at + 1] = lo;
    w[at + 2] = parent;
    w[at + 3] = action;
    this.count++;
    return id;
  }

  private grow(): void {
    const words = new Int32Array(new SharedArrayBuffer(this.words.byteLength * 2));
    words.set(this.words);
    this.words = words;
    this.onGrow(words.buffer as SharedArrayBuffer);
  }
}

/** One logged state as the main thread reads it. */
export interface LogEntry {
  hi: number;
  lo: number;
  parent: number;
  action: number;
}

/** The main thread's view of every worker's {@link SharedStateLog}. */
export class SharedStateLogs {
  private readonly buffers: Int32Array[] = [];

  constructor(private readonly workers: number) {}

  /** Worker `worker` moved its log to `buffer`. */
  update(worker: number, buffer: SharedArrayBuffer): void {
    this.buffers[worker] = new Int32Array(buffer);
  }

  /** The entry of a global id (reported by a worker, so already logged). */
  entry(id: number): LogEntry {
    const words = this.buffers[id % this.workers];
    const at = Math.floor(id / this.workers) * WORDS;
    return { hi: words[at] >>> 0, lo: words[at + 1] >>> 0, parent: words[at + 2], action: words[at + 3] };
  }

  /** The path to a state as indices: where it starts, the actions taken, and each state's fingerprint. */
  chain(id: number): { initIndex: number; actionIndices: number[]; fingerprints: [number, number][] } {
    const entries: LogEntry[] = [];
    for (let at = id; at >= 0; ) {
      const e = this.entry(at);
      entries.push(e);
      at = e.parent;
    }
    entries.reverse();
    return {
      initIndex: entries[0].action,
      actionIndices: entries.slice(1).map((e) => e.action),
      fingerprints: entries.map((e) => [e.hi, e.lo]),
    };
  }
}
