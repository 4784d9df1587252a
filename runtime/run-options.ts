import type { Environment, NodeId, Params } from '../specs/index.ts';
import type { Packet } from './node-runner.ts';

/**
 * A transport for in-process runs: how packets travel between nodes. `memory` is one; plug a
 * user's own (a socket, a message bus) with the same three calls.
 */
export interface Transport {
  /** Called once before the first send: `receive` hands a packet to its destination node. */
  open(receive: (packet: Packet) => void): void | Promise<void>;
  /** Carries a packet to `packet.to` (or loses it: the log then shows a send never delivered). */
  send(packet: Packet): void;
  /** Stops carrying packets. */
  close(): void | Promise<void>;
}

/** A node to kill at a moment of the run (and restart `restartAfter` seconds later). */
export interface CrashPlan {
  node: NodeId;
  /** Seconds after the start. */
  at: number;
}

/** Options of {@link run}. */
export interface RunOptions {
  /** The spec's parameters (for a spec file or factory). */
  params?: Params;
  /** Environment overrides for the protocol (e.g. `maxTime` for a timed one). */
  environment?: Partial<Environment>;
  /** How long to run, in seconds (default 2). */
  seconds?: number;
  /** Write the JSON-lines log to this file. */
  log?: string;
  /** `memory` (one process, default), `udp` (one process per node, localhost datagrams), or a {@link Transport}. */
  transport?: 'memory' | 'udp' | Transport;
  /** Probability that a send is dropped by the network (logged as `drop`). */
  dropRate?: number;
  /** Probability that a send is duplicated by the network (logged as `duplicate`). */
  dupRate?: number;
  /** Nodes to kill and restart. */
  crashes?: CrashPlan[];
  /** Seconds a crashed node stays down before it is restarted from its durable store (default 0.2). */
  restartAfter?: number;
  /** Seeds `choose`, drops and duplicates (default 1). */
  seed?: number;
  /** Milliseconds per model tick (default 10). */
  tickMs?: number;
  /** Ticks after which an untimed timer (`setTimer(name)`) fires (default 20). */
  untimedTimerTicks?: number;
  /** The memory transport's largest delivery delay in milliseconds (default 2). */
  maxDelayMs?: number;
  /**
   * Clock skew in ticks (default 0): each clocked node's `now()` is the real clock plus a fixed
   * offset drawn from the seed in [-skew, +skew], as the checker's `--skew` explores.
   */
  skew?: number;
  /** Each clocked node's offset in ticks, chosen by you instead of drawn (nodes left out: 0). */
  clockOffsets?: Record<NodeId, number>;
}

/** What a run did. */
export interface RunReport {
  /** The protocol's name. */
  protocol: string;
  transport: string;
  /** Events logged (lines after the header). */
  events: number;
  /** Seconds the run took. */
  seconds: number;
  /** Each node's local state at the end (crashed nodes: their last state), in node order. */
  finalStates: Record<NodeId, unknown>;
  /** The log file written, if any. */
  log?: string;
}

/** Options with defaults filled in. */
export type ResolvedRunOptions = Required<Omit<RunOptions, 'log' | 'transport' | 'environment' | 'params' | 'clockOffsets'>> &
  Pick<RunOptions, 'log' | 'environment' | 'clockOffsets'> & { params: Params };

/** Fills in defaults and rejects values that mean nothing (rates outside [0, 1], negative times). */
export function resolveRunOptions(options: RunOptions): ResolvedRunOptions {
  const resolved: ResolvedRunOptions = {
    params: options.params ?? {},
    environment: options.environment,
    seconds: options.seconds ?? 2,
    log: options.log,
    dropRate: options.dropRate ?? 0,
    dupRate: options.dupRate ?? 0,
    crashes: options.crashes ?? [],
    restartAfter: options.restartAfter ?? 0.2,
    seed: options.seed ?? 1,
    tickMs: options.tickMs ?? 10,
    untimedTimerTicks: options.untimedTimerTicks ?? 20,
    maxDelayMs: options.maxDelayMs ?? 2,
    skew: options.skew ?? 0,
    clockOffsets: options.clockOffsets,
  };
  for (const key of ['dropRate', 'dupRate'] as const) {
    const p = resolved[key];
    if (!(p >= 0 && p < 1)) throw new RangeError(`${key} is a probability in [0, 1), got ${p}`);
  }
  for (const key of ['seconds', 'restartAfter', 'tickMs', 'untimedTimerTicks', 'maxDelayMs'] as const) {
    const v = resolved[key];
    if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`${key} must be a non-negative number, got ${v}`);
  }
  if (resolved.seconds > 3600) throw new RangeError(`seconds: a run is bounded to an hour, got ${resolved.seconds}`);
  if (resolved.tickMs === 0) throw new RangeError('tickMs must be positive');
  if (!(Number.isInteger(resolved.skew) && resolved.skew >= 0 && resolved.skew <= 1000)) throw new RangeError(`skew is a whole number of ticks from 0 to 1000, got ${resolved.skew}`);
  for (const [node, offset] of Object.entries(resolved.clockOffsets ?? {})) {
    if (!Number.isInteger(offset)) throw new RangeError(`clockOffsets.${node} is a whole number of ticks, got ${offset}`);
  }
  for (const c of resolved.crashes) {
    if (!(Number.isFinite(c.at) && c.at >= 0)) throw new RangeError(`crash ${c.node}@${c.at}: the time is seconds from the start`);
  }
  return resolved;
}
