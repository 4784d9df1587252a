import { ENVIRONMENT_FLAGS, type Environment } from '../api/index.ts';

/**
 * The environment flags as commander parses them: each flag's value under its camel-cased
 * name (`--max-drops` → `maxDrops`, `--loss` → `loss`); the flags are those of
 * `ENVIRONMENT_FLAGS`.
 */
export interface EnvironmentOptions {
  [option: string]: unknown;
}

/** The name commander keeps a flag's value under: `--max-drops` → `maxDrops`. */
export function optionName(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The environment knobs the flags set (absent when not given), in flag order (`--loss` after `--max-drops`). */
export function environmentOverrides(options: EnvironmentOptions): Partial<Environment> {
  const env: Record<string, unknown> = {};
  for (const f of ENVIRONMENT_FLAGS) {
    const value = options[optionName(f.flag)];
    if (f.count && value !== undefined) env[f.count.knob] = value;
    else if (f.sets && value) Object.assign(env, f.sets);
  }
  return env as Partial<Environment>;
}
