import { FAULT_DEFAULTS, FAULT_KINDS, type EnvironmentFlag, type FaultKnobs } from './faults.ts';

/**
 * The environment a protocol runs in: data, not code. Every knob is also a CLI flag that
 * overrides the spec's default. The fault knobs ({@link FaultKnobs}) are declared with their
 * fault kinds in faults.ts.
 */
export interface Environment extends FaultKnobs {
  /** Per-link FIFO delivery (default: unordered). */
  fifo: boolean;
  /** States with more messages in flight are checked but not expanded. */
  maxInFlight: number;
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

/**
 * The order trace files list the knobs in (they are written in the order of
 * {@link DEFAULT_ENVIRONMENT}'s keys): fixed, so that files stay byte-stable; knobs not
 * named here follow in the order they are declared.
 */
const TRACE_ORDER = ['fifo', 'maxDrops', 'maxDups', 'partitions', 'maxInFlight', 'crashes', 'recover', 'maxTime', 'skew', 'drift', 'minDelay', 'maxDelay', 'promptTimers'];

function inTraceOrder(env: Environment): Environment {
  const known = TRACE_ORDER.filter((k) => k in env);
  const keys = [...known, ...Object.keys(env).filter((k) => !known.includes(k))];
  return Object.fromEntries(keys.map((k) => [k, env[k as keyof Environment]])) as unknown as Environment;
}

/** A reliable, unordered network and no faults. */
export const DEFAULT_ENVIRONMENT: Environment = inTraceOrder({
  fifo: false,
  maxInFlight: Infinity,
  ...FAULT_DEFAULTS,
  maxTime: 0,
  skew: 0,
  drift: 0,
  minDelay: 0,
  maxDelay: Infinity,
  promptTimers: false,
});

/** Every environment flag, in help order: the network's, the faults' (from faults.ts), the clocks'. */
export const ENVIRONMENT_FLAGS: readonly EnvironmentFlag[] = [
  { flag: '--fifo', help: 'deliver messages in order on each link', sets: { fifo: true } },
  ...FAULT_KINDS.flatMap((f) => f.flags),
  { flag: '--max-in-flight', help: 'do not expand states with more messages in flight', count: { knob: 'maxInFlight', value: '<n>' } },
  { flag: '--max-time', help: 'global time runs 0..ticks (turns clocks on)', count: { knob: 'maxTime', value: '<ticks>' } },
  { flag: '--skew', help: 'each local clock is off by up to this much', count: { knob: 'skew', value: '<ticks>' } },
  { flag: '--drift', help: 'each tick may move a local clock by up to this much', count: { knob: 'drift', value: '<ticks>' } },
  { flag: '--min-delay', help: 'messages spend at least this long in flight', count: { knob: 'minDelay', value: '<ticks>' } },
  { flag: '--max-delay', help: 'messages are delivered or dropped within this long', count: { knob: 'maxDelay', value: '<ticks>' } },
  { flag: '--prompt-timers', help: 'overdue timers fire before time advances', sets: { promptTimers: true } },
];

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
  const parts = [env.fifo ? 'fifo links' : 'unordered network'];
  for (const fault of FAULT_KINDS) if (fault.describe) parts.push(fault.describe(env));
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
