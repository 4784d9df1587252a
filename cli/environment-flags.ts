import type { Environment } from '../api/index.ts';

/** The environment flags as commander parses them. */
export interface EnvironmentOptions {
  fifo?: boolean;
  maxDrops?: number;
  loss?: boolean;
  maxDups?: number;
  partitions?: number;
  maxInFlight?: number;
  crashes?: number;
  recover?: boolean;
  maxTime?: number;
  skew?: number;
  drift?: number;
  minDelay?: number;
  maxDelay?: number;
  promptTimers?: boolean;
}

/** The environment knobs the flags set (absent when not given). */
export function environmentOverrides(options: EnvironmentOptions): Partial<Environment> {
  const env: Partial<Environment> = {};
  if (options.fifo) env.fifo = true;
  if (options.maxDrops !== undefined) env.maxDrops = options.maxDrops;
  if (options.loss) env.maxDrops = Infinity;
  if (options.maxDups !== undefined) env.maxDups = options.maxDups;
  if (options.partitions !== undefined) env.partitions = options.partitions;
  if (options.maxInFlight !== undefined) env.maxInFlight = options.maxInFlight;
  if (options.crashes !== undefined) env.crashes = options.crashes;
  if (options.recover) env.recover = true;
  for (const knob of ['maxTime', 'skew', 'drift', 'minDelay', 'maxDelay'] as const) {
    if (options[knob] !== undefined) env[knob] = options[knob];
  }
  if (options.promptTimers) env.promptTimers = true;
  return env;
}
