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

  /** Replaces the log with `count` entries held in `buffer` (resuming from a checkpoint). */
  adopt(buffer: SharedArrayBuffer, count: number): void {
    this.words = new Int32Array(buffer);
    this.count = count;
    this.onGrow(buffer);
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

  /** Worker `worker`'s log words. */
  words(worker: number): Int32Array {
    return this.buffers[worker];
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

/** A log's columns, as a checkpoint holds them (ids are indices). */
export interface LogColumns {
  hi: Uint32Array;
  lo: Uint32Array;
  parent: Int32Array;
  action: Uint32Array;
}

/**
 * The workers' logs as one, for a checkpoint: `sizes[w]` entries of worker w, in the order of
 * their global ids, renumbered 0, 1, … without the gaps that logs of unequal lengths leave;
 * parents renumbered the same way. `flatId` renumbers any logged global id.
 */
export function flattenLogs(logs: SharedStateLogs, sizes: readonly number[]): LogColumns & { flatId: (id: number) => number } {
  const workers = sizes.length;
  const total = sizes.reduce((a, b) => a + b, 0);
  const rows = Math.max(0, ...sizes);
  const flat = new Int32Array(rows * workers).fill(-1);
  let k = 0;
  for (let local = 0; local < rows; local++) for (let w = 0; w < workers; w++) if (local < sizes[w]) flat[local * workers + w] = k++;
  const hi = new Uint32Array(total);
  const lo = new Uint32Array(total);
  const parent = new Int32Array(total);
  const action = new Uint32Array(total);
  for (let w = 0; w < workers; w++) {
    const words = logs.words(w);
    for (let local = 0; local < sizes[w]; local++) {
      const i = flat[local * workers + w];
      const at = local * WORDS;
      hi[i] = words[at];
      lo[i] = words[at + 1];
      const p = words[at + 2];
      parent[i] = p < 0 ? p : flat[p];
      action[i] = words[at + 3];
    }
  }
  return { hi, lo, parent, action, flatId: (id) => flat[id] };
}

/**
 * A checkpoint's log dealt out to `workers` logs: entry i goes to worker i % workers as its
 * entry ⌊i / workers⌋, so that its global id is i again and parents need no renumbering.
 */
export function dealLog(columns: LogColumns, workers: number): { buffer: SharedArrayBuffer; logged: number }[] {
  const n = columns.hi.length;
  return Array.from({ length: workers }, (_, w) => {
    const logged = n > w ? Math.ceil((n - w) / workers) : 0;
    let capacity = 1 << 14;
    while (capacity < logged + 1) capacity *= 2;
    const words = new Int32Array(new SharedArrayBuffer(capacity * WORDS * 4));
    for (let local = 0; local < logged; local++) {
      const i = local * workers + w;
      const at = local * WORDS;
      words[at] = columns.hi[i];
      words[at + 1] = columns.lo[i];
      words[at + 2] = columns.parent[i];
      words[at + 3] = columns.action[i];
    }
    return { buffer: words.buffer as SharedArrayBuffer, logged };
  });
}
