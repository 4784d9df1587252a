import { isActorModel, type Environment, type Model } from '../specs/index.ts';
import { BadInputError } from './errors.ts';

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

/** The model with the flags' environment applied; flags on a kernel model are bad input. */
export function applyEnvironment<S, A>(model: Model<S, A>, options: EnvironmentOptions, specFile: string): Model<S, A> {
  const overrides = environmentOverrides(options);
  if (isActorModel(model)) {
    try {
      return model.configure({ environment: overrides }) as unknown as Model<S, A>;
    } catch (error) {
      throw new BadInputError(`${specFile}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (Object.keys(overrides).length > 0) {
    throw new BadInputError(
      `${specFile}: environment flags (${Object.keys(overrides).join(', ')}) apply only to actor protocols; this spec is a plain Model (drop the flags, or write it with protocol())`,
    );
  }
  return model;
}
