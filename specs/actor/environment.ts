/**
 * The environment a protocol runs in: data, not code. Every knob is also a CLI flag that
 * overrides the spec's default.
 */
export interface Environment {
  /** Per-link FIFO delivery (default: unordered). */
  fifo: boolean;
  /** Messages the network may drop (`Infinity` = lossy without bound, `--loss`). */
  maxDrops: number;
  /** Messages the network may duplicate. */
  maxDups: number;
  /** Times the network may split the nodes in two (each split heals later). */
  partitions: number;
  /** States with more messages in flight are checked but not expanded. */
  maxInFlight: number;
  /** Nodes that may crash. */
  crashes: number;
  /** Crashed nodes may recover (persistent fields kept, the rest reset). */
  recover: boolean;
}

/** A reliable, unordered network and no faults. */
export const DEFAULT_ENVIRONMENT: Environment = {
  fifo: false,
  maxDrops: 0,
  maxDups: 0,
  partitions: 0,
  maxInFlight: Infinity,
  crashes: 0,
  recover: false,
};

function bound(n: number): string {
  return n === Infinity ? '∞' : String(n);
}

/** One line for result headers: `unordered, drops ≤ 1, dups ≤ 0, crashes ≤ 1 (crash-recover), partitions ≤ 0`. */
export function describeEnvironment(env: Environment): string {
  const parts = [
    env.fifo ? 'fifo links' : 'unordered network',
    `drops ≤ ${bound(env.maxDrops)}`,
    `dups ≤ ${bound(env.maxDups)}`,
    `crashes ≤ ${bound(env.crashes)} (${env.recover ? 'crash-recover' : 'crash-stop'})`,
    `partitions ≤ ${bound(env.partitions)}`,
  ];
  if (env.maxInFlight !== Infinity) parts.push(`in flight ≤ ${env.maxInFlight}`);
  return parts.join(', ');
}
