import { ENVIRONMENT_FLAGS, type Environment, type Params } from '../specs/index.ts';
import type { CheckOptions } from './check.ts';
import { BadInputError } from './errors.ts';
import { coerceParam } from './params.ts';

/** Flags that take a whole number and the environment knob each sets. */
const NUMBER_KNOBS: Record<string, keyof Environment> = Object.fromEntries(
  ENVIRONMENT_FLAGS.filter((f) => f.count).map((f) => [f.flag, f.count!.knob]),
);

/** Flags that stand alone and the environment knobs each sets. */
const SWITCH_KNOBS: Record<string, Partial<Environment>> = Object.fromEntries(
  ENVIRONMENT_FLAGS.filter((f) => f.sets).map((f) => [f.flag, f.sets!]),
);

/** The check options that `flags` stand for (the `--param` and environment flags only). */
export type FlagOptions = Pick<CheckOptions, 'params' | 'environment' | 'strategy' | 'maxDepth' | 'por'>;

/**
 * The {@link CheckOptions} that `faultline check` flags stand for: `--param k=v`, the
 * environment flags (`--loss`, `--crashes 1`, `--recover`, `--skew 2`, …), `--strategy`
 * `--max-depth` and `--por` / `--no-por`. This is how a spec's `about` (its documented flags) becomes a call to
 * `check()`. Rejects any other flag, and a flag without its value, with a
 * {@link BadInputError} naming it.
 */
export function optionsFromFlags(flags: readonly string[]): FlagOptions {
  const params: Params = {};
  const environment: Partial<Environment> = {};
  const options: FlagOptions = { params, environment };
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i];
    const value = (): string => {
      const next = flags[++i];
      if (next === undefined || next.startsWith('--')) throw new BadInputError(`flag ${flag} needs a value`);
      return next;
    };
    const whole = (): number => {
      const raw = value();
      const n = Number(raw);
      if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n)) throw new BadInputError(`flag ${flag} takes a whole number, got "${raw}"`);
      return n;
    };
    if (flag === '--param' || flag === '-p') {
      const pair = value();
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new BadInputError(`flag --param ${pair}: expected key=value`);
      // defineProperty: a key such as __proto__ stays a plain key, not the prototype.
      Object.defineProperty(params, pair.slice(0, eq), { value: coerceParam(pair.slice(eq + 1)), enumerable: true, writable: true, configurable: true });
    } else if (Object.hasOwn(NUMBER_KNOBS, flag)) {
      (environment as Record<string, number>)[NUMBER_KNOBS[flag]] = whole();
    } else if (Object.hasOwn(SWITCH_KNOBS, flag)) {
      Object.assign(environment, SWITCH_KNOBS[flag]);
    } else if (flag === '--strategy' || flag === '-s') {
      const strategy = value();
      if (strategy !== 'bfs' && strategy !== 'dfs' && strategy !== 'random') throw new BadInputError(`flag --strategy ${strategy}: use bfs, dfs or random`);
      options.strategy = strategy;
    } else if (flag === '--max-depth') {
      options.maxDepth = whole();
    } else if (flag === '--por' || flag === '--no-por') {
      options.por = flag === '--por';
    } else {
      throw new BadInputError(`flag ${JSON.stringify(flag)} is not a --param, environment, --strategy or --max-depth flag`);
    }
  }
  return options;
}
