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
  /** Global time runs 0..maxTime in ticks; 0 means the protocol is untimed (no clocks). */
  maxTime: number;
  /** Each node's clock is off by a fixed offset in [-skew, +skew], chosen at start. */
  skew: number;
  /** Each tick may move a node's offset by up to this much (staying within the skew). */
  drift: number;
  /** A message cannot be delivered before it has been in flight this many ticks. */
  minDelay: number;
  /** A message must be delivered or dropped before it has been in flight this many ticks. */
  maxDelay: number;
  /** Overdue timers fire before time advances. */
  promptTimers: boolean;
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
  maxTime: 0,
  skew: 0,
  drift: 0,
  minDelay: 0,
  maxDelay: Infinity,
  promptTimers: false,
};

/** True when the environment has clocks. */
export function timed(env: Environment): boolean {
  return env.maxTime > 0;
}

/** True when messages carry their age in ticks. */
export function agesMessages(env: Environment): boolean {
  return timed(env) && (env.minDelay > 0 || env.maxDelay !== Infinity);
}

/** Rejects knob combinations that mean nothing. */
export function validateEnvironment(env: Environment): void {
  const clockKnobs = (['skew', 'drift', 'minDelay', 'promptTimers'] as const).filter((k) => Boolean(env[k]));
  if (env.maxDelay !== Infinity) clockKnobs.push('maxDelay' as never);
  if (!timed(env) && clockKnobs.length > 0) {
    throw new Error(`${clockKnobs.join(', ')} need clocks: set maxTime (--max-time N)`);
  }
  if (env.minDelay > env.maxDelay) throw new Error(`minDelay ${env.minDelay} exceeds maxDelay ${env.maxDelay}`);
  if (env.drift > 0 && env.skew === 0) throw new Error('drift needs a skew bound to drift within: set skew (--skew N)');
}

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
  if (timed(env)) {
    parts.push(`time 0..${env.maxTime}`, `skew ±${env.skew}`);
    if (env.drift > 0) parts.push(`drift ±${env.drift}/tick`);
    if (agesMessages(env)) parts.push(`delay ${env.minDelay}..${bound(env.maxDelay)} ticks`);
    if (env.promptTimers) parts.push('prompt timers');
  }
  return parts.join(', ');
}

/** The environment as JSON (unbounded knobs become null), for trace files. */
export function encodeEnvironment(env: Environment): Record<string, number | boolean | null> {
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, v === Infinity ? null : (v as number | boolean)]),
  );
}

/** Reads an environment back from a trace file (null means unbounded). */
export function decodeEnvironment(json: Record<string, unknown>): Partial<Environment> {
  const env: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    if (!(key in DEFAULT_ENVIRONMENT)) throw new Error(`unknown environment knob "${key}"`);
    const expected = typeof DEFAULT_ENVIRONMENT[key as keyof Environment];
    if (value === null && expected === 'number') env[key] = Infinity;
    else if (typeof value === expected) env[key] = value;
    else throw new Error(`environment.${key} must be a ${expected}, got ${JSON.stringify(value)}`);
  }
  return env as Partial<Environment>;
}
