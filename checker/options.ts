/** A progress report during a long search. */
export interface Progress {
  distinctStates: number;
  generatedStates: number;
  depth: number;
  /** States waiting to be expanded. */
  queue: number;
  seconds: number;
}

/** Checkpointing a breadth-first search (one thread or workers): where, how often, and what to resume from. */
export interface CheckpointOptions {
  /** The folder the checkpoint is written to (`checkpoint.bin`). */
  dir: string;
  /** Seconds between checkpoints (default 300): taken between states on one thread, at the next level barrier with workers. A stop request always writes one. */
  everySeconds?: number;
  /** What is being checked, written into the checkpoint's header. */
  identity: import('./checkpoint.ts').CheckpointIdentity;
  /** A checkpoint to continue from (already checked to be of this check). */
  resume?: import('./checkpoint.ts').Checkpoint<unknown>;
  /** Called after each checkpoint is written, with its size. */
  onWrite?: (bytes: number, seconds: number) => void;
}

/** Bounds and hooks shared by every strategy. */
export interface SearchOptions {
  /** Explore paths of at most this many steps from an initial state. */
  maxDepth?: number;
  /** Stop once this many distinct states are found. */
  maxStates?: number;
  /** Stop after this many seconds. */
  timeoutSeconds?: number;
  /** Called about every `progressEverySeconds` (default 2) while the search runs. */
  onProgress?: (progress: Progress) => void;
  progressEverySeconds?: number;
  /**
   * Exhaustive searches only: decide "seen before" by comparing full canonical states instead
   * of 64-bit fingerprints (slow, and memory grows with the states' size: for small models),
   * and count the fingerprint collisions that the fingerprinted search would have suffered.
   */
  exact?: boolean;
  /**
   * Stop requests from outside the search thread: when element 0 becomes non-zero the search
   * stops at its next state with the result `incomplete` (`interrupted`). With 4 elements the
   * search also publishes its distinct, generated and depth counts in elements 1–3.
   */
  stop?: Int32Array;
  /** Stop (`incomplete`, `memory`) once the V8 heap is this full, as a fraction of its limit (default 0.9). */
  heapLimitRatio?: number;
  /** Stop (`incomplete`, `memory`) once the process's resident memory passes this many bytes (default: 85% of the machine's or cgroup's memory). */
  maxMemory?: number;
  /** BFS (one thread or workers): write checkpoints (and resume from one). */
  checkpoint?: CheckpointOptions;
}
