import type { Params } from '../specs/index.ts';
import { BadInputError } from './errors.ts';

/** Coerces a `--param` value: numbers and booleans become themselves, the rest stays text. */
export function coerceParam(raw: string): string | number | boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return raw;
}

/** Parses repeated `--param k=v` into params. */
export function parseParams(pairs: readonly string[]): Params {
  const params: Params = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new BadInputError(`--param ${pair}: expected key=value, e.g. --param rm=5`);
    params[pair.slice(0, eq)] = coerceParam(pair.slice(eq + 1));
  }
  return params;
}

/** `rm=3 variant=commit-early`, or `(defaults)`. */
export function formatParams(params: Params): string {
  const entries = Object.entries(params);
  return entries.length === 0 ? '(defaults)' : entries.map(([k, v]) => `${k}=${v}`).join(' ');
}
