/**
 * Combines the reports of a sharded check (`check --shard K/N --json`, or `check({ shard })`)
 * into one verdict: any violation makes the whole a violation, shortest first; a missing,
 * duplicated or incomplete shard makes it incomplete (never a pass); counts are summed and say
 * that they include the shards' overlap.
 */
import type { CheckReport, CheckViolation } from './check.ts';
import { BadInputError } from './errors.ts';
import type { ShardReport } from './shard.ts';

/** A violation of the merged check, with the shard that found it (and its seed, for random walks). */
export interface MergedViolation extends CheckViolation {
  shard: { index: number; count: number; seed?: number };
}

/** The outcome of {@link mergeReports}: `faultline merge --json` prints it. */
export interface MergedReport {
  result: 'pass' | 'violation' | 'incomplete';
  /** Summed over shards (so overlapping states are counted once per shard that explored them); depth and seconds are the largest. */
  stats: { distinctStates: number; generatedStates: number; depth: number; seconds: number; includesOverlap: true };
  /** Every shard's violations, shortest first, then by shard. */
  violations: MergedViolation[];
  /** Why the merged check is incomplete: a shard's bound, or shards missing. */
  incomplete?: string;
  /** Each shard's verdict and counts, by index. */
  shards: { index: number; result: CheckReport['result']; distinctStates: number; seed?: number; incomplete?: string }[];
  /** Shard indices (1-based) with no report. */
  missing: number[];
  spec: CheckReport['spec'];
  warnings: string[];
}

/** A shard's report as read from a file: the check report, named by where it came from. */
export interface ShardInput {
  /** Where the report came from (a file name), for error messages. */
  source: string;
  report: CheckReport;
}

const sameSpec = (a: CheckReport['spec'], b: CheckReport['spec']): boolean =>
  a.name === b.name && JSON.stringify(a.params ?? {}) === JSON.stringify(b.params ?? {}) && a.environment === b.environment;

/** Merges the reports of the shards of one check. Rejects reports that are not shards of the same check. */
export function mergeReports(inputs: ShardInput[]): MergedReport {
  if (inputs.length === 0) throw new BadInputError('merge: no reports given (give the --json reports of every shard)');
  const first = inputs[0];
  const shardOf = (input: ShardInput): ShardReport => {
    const shard = input.report.shard;
    if (!shard) throw new BadInputError(`${input.source}: not a shard's report (run the check with --shard K/N --json)`);
    return shard;
  };
  const count = shardOf(first).count;
  const seen = new Map<number, ShardInput>();
  for (const input of inputs) {
    const shard = shardOf(input);
    if ((shard.seed === undefined) !== (shardOf(first).seed === undefined)) {
      throw new BadInputError(`${input.source}: mixes random walks and exhaustive search with ${first.source}: merge the shards of one check`);
    }
    if (shard.count !== count) throw new BadInputError(`${input.source}: shard ${shard.index}/${shard.count} is not one of ${count} shards like ${first.source}`);
    if (!sameSpec(input.report.spec, first.report.spec)) {
      throw new BadInputError(`${input.source}: checks ${describeSpec(input.report.spec)}, but ${first.source} checks ${describeSpec(first.report.spec)}: merge the shards of one check`);
    }
    if (seen.has(shard.index)) throw new BadInputError(`${input.source}: shard ${shard.index}/${count} is also in ${seen.get(shard.index)!.source}`);
    seen.set(shard.index, input);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  const ordered = [...seen.values()].sort((a, b) => shardOf(a).index - shardOf(b).index);

  const violations = ordered
    .flatMap((input) => {
      const shard = shardOf(input);
      return input.report.violations.map((v): MergedViolation => ({ ...v, shard: { index: shard.index, count, ...(shard.seed !== undefined ? { seed: shard.seed } : {}) } }));
    })
    .sort((a, b) => a.length - b.length || a.shard.index - b.shard.index);
  const incompleteShards = ordered.filter((i) => i.report.result === 'incomplete');
  const result = violations.length > 0 ? 'violation' : incompleteShards.length > 0 || missing.length > 0 ? 'incomplete' : 'pass';
  const incomplete =
    result !== 'incomplete'
      ? undefined
      : missing.length > 0
        ? `missing shards ${missing.join(', ')} of ${count}`
        : `shard ${incompleteShards.map((i) => `${shardOf(i).index} (${i.report.incomplete ?? 'incomplete'})`).join(', ')} stopped early`;
  const warnings = ordered.flatMap((i) => i.report.warnings.map((w) => `shard ${shardOf(i).index}: ${w}`));
  if (result === 'violation' && missing.length > 0) warnings.push(`${missing.length === 1 ? 'shard' : 'shards'} ${missing.join(', ')} of ${count} ${missing.length === 1 ? 'is' : 'are'} missing: a shorter violation may exist there`);
  const sum = (f: (r: CheckReport) => number) => ordered.reduce((n, i) => n + f(i.report), 0);
  const max = (f: (r: CheckReport) => number) => ordered.reduce((n, i) => Math.max(n, f(i.report)), 0);
  return {
    result,
    stats: {
      distinctStates: sum((r) => r.stats.distinctStates),
      generatedStates: sum((r) => r.stats.generatedStates),
      depth: max((r) => r.stats.depth),
      seconds: max((r) => r.stats.seconds),
      includesOverlap: true,
    },
    violations,
    ...(incomplete ? { incomplete } : {}),
    shards: ordered.map((i) => {
      const shard = shardOf(i);
      return {
        index: shard.index,
        result: i.report.result,
        distinctStates: i.report.stats.distinctStates,
        ...(shard.seed !== undefined ? { seed: shard.seed } : {}),
        ...(i.report.incomplete ? { incomplete: i.report.incomplete } : {}),
      };
    }),
    missing,
    spec: first.report.spec,
    warnings,
  };
}

function describeSpec(spec: CheckReport['spec']): string {
  const params = Object.entries(spec.params ?? {}).map(([k, v]) => `${k}=${v}`);
  return `${spec.name}${params.length > 0 ? `(${params.join(', ')})` : ''}${spec.environment ? ` [${spec.environment}]` : ''}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Reads one shard's `--json` report (data, never code): one clear line naming the file and
 * what is wrong when it is not a shard's report.
 */
export function parseShardReport(text: string, source: string): ShardInput {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new BadInputError(`${source}: not JSON (${error instanceof Error ? error.message : String(error)}); give the output of check --shard K/N --json`);
  }
  const bad = (what: string) => new BadInputError(`${source}: ${what}; give the output of check --shard K/N --json`);
  if (!isObject(data)) throw bad('not a report object');
  if (!['pass', 'violation', 'incomplete'].includes(data.result as string)) throw bad('"result" must be pass, violation or incomplete');
  const stats = data.stats;
  if (!isObject(stats) || !isCount(stats.distinctStates) || !isCount(stats.generatedStates) || !isCount(stats.depth) || typeof stats.seconds !== 'number') {
    throw bad('"stats" must hold distinctStates, generatedStates, depth and seconds');
  }
  if (!Array.isArray(data.violations) || !data.violations.every((v) => isObject(v) && typeof v.property === 'string' && isCount(v.length) && isObject(v.trace))) {
    throw bad('"violations" must be a list of { property, length, trace }');
  }
  if (data.result === 'violation' && data.violations.length === 0) throw bad('"result" is violation but "violations" is empty');
  const shard = data.shard;
  if (!isObject(shard) || !isCount(shard.index) || !isCount(shard.count) || shard.index < 1 || shard.index > shard.count) throw bad('no "shard": { index, count } (1 ≤ index ≤ count)');
  if (shard.seed !== undefined && !Number.isInteger(shard.seed)) throw bad('"shard.seed" must be an integer');
  const spec = data.spec;
  if (!isObject(spec) || typeof spec.name !== 'string') throw bad('no "spec": { name, params, environment }');
  if (!Array.isArray(data.warnings ?? [])) throw bad('"warnings" must be a list');
  return {
    source,
    report: {
      ...(data as unknown as CheckReport),
      spec: { name: spec.name, params: isObject(spec.params) ? (spec.params as CheckReport['spec']['params']) : {}, ...(typeof spec.environment === 'string' ? { environment: spec.environment } : {}), ...(typeof spec.path === 'string' ? { path: spec.path } : {}) },
      warnings: ((data.warnings as unknown[] | undefined) ?? []).map(String),
    },
  };
}
