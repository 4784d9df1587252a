import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checker, livenessOf, minimizeFaults, modelOfResult, NondeterminismError, SpecError, type CheckResult, type Progress } from '../../checker/index.ts';
import { renderCoverage, withCoverage } from '../../checker/coverage.ts';
import { lintBeforeCheck } from './lint.ts';
import { describeFaults, faultLabels, renderMarkdown, renderText, serializeTrace, traceOf, traceOfPath, type Trace } from '../../counterexamples/index.ts';
import { BadInputError, ExitCode, SpecFailure } from '../errors.ts';
import { encodeEnvironment, isActorModel } from '../../specs/index.ts';
import { specHash } from './replay.ts';
import { withLiveness } from './flp.ts';
import { importSpec } from '../load-spec.ts';
import { formatParams, parseParams } from '../params.ts';
import type { EnvironmentOptions } from '../environment-flags.ts';
import { checkModel, workerModelRecipe } from '../worker-model.ts';

/** Options of `faultline check`. */
export interface CheckOptions extends EnvironmentOptions {
  param: string[];
  strategy: string;
  maxDepth?: number;
  maxStates?: number;
  timeout?: number;
  json?: boolean;
  progress?: boolean;
  /** `faults`: among violations, report one with the fewest faults, then the fewest steps. */
  minimize?: string;
  /** Random walks: fast-check's seed, the number of walks, swarm environments. */
  seed?: number;
  runs?: number;
  swarm?: boolean;
  /** Write each violation's trace (.json) and report (.md) into this directory. */
  out?: string;
  /** False with --no-lint: skip the lint that refuses specs with errors. */
  lint?: boolean;
  /** Report what the search reached (handlers, messages, faults, properties) and what it never did. */
  coverage?: boolean;
  /** Compare full states instead of fingerprints, and count fingerprint collisions. */
  exact?: boolean;
  /** BFS on this many worker threads sharing one visited set. */
  workers?: number;
}

const STRATEGIES = ['bfs', 'dfs', 'random'] as const;
type Strategy = (typeof STRATEGIES)[number];

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function progressLine(p: Progress): string {
  const rate = p.seconds > 0 ? Math.round(p.distinctStates / p.seconds) : 0;
  return `… ${count(p.distinctStates)} distinct, ${count(p.generatedStates)} generated, ${count(rate)} states/s, depth ${p.depth}, queue ${count(p.queue)}`;
}

/** `faultline check <spec>`: explores the spec exhaustively and reports the verdict. */
export async function check(specFile: string, options: CheckOptions): Promise<number> {
  if (!(STRATEGIES as readonly string[]).includes(options.strategy)) {
    throw new BadInputError(`--strategy ${options.strategy}: unknown strategy (use one of: ${STRATEGIES.join(', ')})`);
  }
  const strategy = options.strategy as Strategy;
  if (options.minimize !== undefined && options.minimize !== 'faults') {
    throw new BadInputError(`--minimize ${options.minimize}: unknown objective (use: --minimize faults)`);
  }
  if (options.minimize && strategy !== 'bfs') throw new BadInputError('--minimize faults needs --strategy bfs');
  const params = parseParams(options.param);
  const spec = await importSpec(specFile);
  const linted = options.lint === false ? undefined : await lintBeforeCheck(specFile);
  const model = checkModel(spec, params, options);
  const covered = options.coverage ? withCoverage(model, { messageTypes: linted?.protocols.flatMap((p) => p.messageTypes ?? []) }) : undefined;
  const explored = covered?.model ?? model;

  const builder = checker(explored);
  if (options.maxDepth !== undefined) builder.maxDepth(options.maxDepth);
  if (options.maxStates !== undefined) builder.maxStates(options.maxStates);
  if (options.timeout !== undefined) builder.timeout(options.timeout);
  if (options.exact) {
    if (strategy === 'random') throw new BadInputError('--exact needs an exhaustive search (--strategy bfs or dfs)');
    builder.exact();
  }
  const tty = process.stderr.isTTY === true;
  if (options.progress || tty) {
    builder.progress((p) => process.stderr.write(tty ? `\r${progressLine(p)}\x1b[K` : `${progressLine(p)}\n`));
  }

  const threads = workersOf(options, strategy, model);

  let result: CheckResult<unknown, unknown>;
  try {
    if (options.minimize === 'faults') result = minimizeFaults(explored, builder.searchOptions());
    else if (strategy === 'random') result = builder.random({ seed: options.seed, runs: options.runs, swarm: options.swarm });
    else if (threads.count > 1) result = await builder.parallelBfs(workerModelRecipe(specFile, params, options), threads.count);
    else result = strategy === 'bfs' ? builder.bfs() : builder.dfs();
  } catch (error) {
    if (error instanceof NondeterminismError) throw new SpecFailure(specFile, error);
    if (error instanceof SpecError) {
      const trace = error.path && renderText(traceOfPath(model, error.path, { name: error.phase, kind: 'error' }, { specPath: specFile, params, strategy }));
      throw new SpecFailure(specFile, error, trace);
    }
    throw error;
  } finally {
    if (tty) process.stderr.write('\r\x1b[K');
  }
  result = withLiveness(result, model, options);
  // Under swarm, a violation belongs to the environment of the walk that found it.
  const traced = modelOfResult(model, result);
  const run = result.random;

  const origin = {
    specPath: specFile,
    specSha256: specHash(spec.absolute),
    params,
    strategy,
    ...(isActorModel(traced) ? { environment: encodeEnvironment(traced.environment) } : {}),
    ...(run ? { random: { seed: run.seed, ...(run.path ? { path: run.path } : {}) } } : {}),
  };
  const coverage = covered?.report();
  const traces = result.violations.map((v) => traceOf(traced, v, origin));
  const needs = result.violations.map((v) => faultLabels(traced, v.path.actions));
  const coverageText = coverage && renderCoverage(coverage, result.verdict === 'pass' ? undefined : result.verdict);
  if (options.out) writeTraces(options.out, specFile, traces, coverageText);
  if (options.json) {
    const workers = options.workers !== undefined ? { workers: threads.count } : {};
    process.stdout.write(JSON.stringify({ ...jsonResult(result, traces), ...(coverage ? { coverage } : {}), ...workers }) + '\n');
  } else {
    const header = [
      `faultline check ${specFile}`,
      `  spec      ${model.name}`,
      `  params    ${formatParams(params)}`,
      `  strategy  ${strategy}`,
      ...(options.workers !== undefined ? [`  workers   ${threads.count}${threads.note ? ` (${threads.note})` : ''}`] : []),
      ...(isActorModel(model) ? [`  network   ${model.describeEnvironment()}`] : []),
      ...(run ? [`  random    ${randomLine(run)}`] : []),
      '',
    ];
    process.stdout.write(header.join('\n') + '\n' + humanResult(result, traces, needs) + '\n' + (coverageText ? `\n${coverageText}\n` : ''));
  }
  return result.verdict === 'pass' ? ExitCode.pass : result.verdict === 'violation' ? ExitCode.violation : ExitCode.incomplete;
}

/**
 * How many threads the search runs on, and why not the number asked for. Parallel search is
 * BFS of safety properties; whatever else needs the in-process search runs on one thread.
 */
function workersOf(options: CheckOptions, strategy: Strategy, model: Parameters<typeof livenessOf>[0]): { count: number; note?: string } {
  const asked = options.workers ?? 1;
  if (asked === 1) return { count: 1 };
  const oneThread =
    strategy !== 'bfs'
      ? `--strategy ${strategy} runs on one thread`
      : options.minimize
        ? '--minimize runs on one thread'
        : options.coverage
          ? '--coverage runs on one thread'
          : options.exact
            ? '--exact runs on one thread'
            : undefined;
  if (oneThread) return { count: 1, note: oneThread };
  if (Object.keys(livenessOf(model)).length > 0) return { count: asked, note: 'liveness properties are then checked on one thread' };
  return { count: asked };
}

/** Seed, walks and shrinking of a random search: what it takes to re-run it. */
function randomLine(run: NonNullable<CheckResult<unknown, unknown>['random']>): string {
  const parts = [`seed ${run.seed}`, `${count(run.runs)} walks`];
  if (run.path) parts.push(`path ${run.path}`);
  if (run.originalLength !== undefined) parts.push(`shrunk ${run.originalLength} → ${run.shrunkLength} steps`);
  if (run.environment) parts.push(`swarm environment ${JSON.stringify(run.environment)}`);
  return parts.join(', ');
}

function jsonResult(result: CheckResult<unknown, unknown>, traces: Trace[]): object {
  // The contract's four counters, plus the collision count when --exact asked for it.
  const { collisionProbability: _, fingerprintCollisions, ...stats } = result.stats;
  return {
    result: result.verdict,
    stats: { ...stats, ...(fingerprintCollisions !== undefined ? { fingerprintCollisions } : {}) },
    violations: traces.map((t) => ({ property: t.property.name, length: t.steps.length, faults: t.faults, trace: t })),
    ...(result.incomplete ? { incomplete: result.incomplete } : {}),
    ...(result.random ? { random: result.random } : {}),
  };
}

/**
 * Writes `<spec>-<property>.json` (the trace) and `.md` (its report, with the coverage of the
 * search when `--coverage` was given) for each violation into `dir`.
 */
function writeTraces(dir: string, specFile: string, traces: Trace[], coverage?: string): void {
  mkdirSync(dir, { recursive: true });
  const base = path.basename(specFile).replace(/\.[cm]?[jt]s$/, '');
  for (const trace of traces) {
    const name = `${base}-${trace.property.name}`.replace(/[^\w.-]+/g, '-');
    writeFileSync(path.join(dir, `${name}.json`), serializeTrace(trace));
    const section = coverage ? `\n\n## Coverage of the search\n\n\`\`\`\n${coverage}\n\`\`\`\n` : '';
    writeFileSync(path.join(dir, `${name}.md`), renderMarkdown(trace) + section);
  }
}

/** TLC's line on fingerprint collisions, or the count an exact search measured. */
function fingerprintLine(s: CheckResult<unknown, unknown>['stats']): string {
  if (s.fingerprintCollisions !== undefined) {
    return `\nexact: states compared in full; ${count(s.fingerprintCollisions)} fingerprint collision${s.fingerprintCollisions === 1 ? '' : 's'} among them`;
  }
  if (s.collisionProbability === undefined) return '';
  return `\nfingerprint collision probability (optimistic, as TLC computes it): ${s.collisionProbability.toExponential(1)}`;
}

function humanResult(result: CheckResult<unknown, unknown>, traces: Trace[], needs: string[][]): string {
  const s = result.stats;
  const rate = s.seconds > 0 ? ` (${count(Math.round(s.distinctStates / s.seconds))} states/s)` : '';
  const summary = `${count(s.distinctStates)} distinct states, ${count(s.generatedStates)} generated, depth ${s.depth}, ${s.seconds.toFixed(2)} s${rate}`;
  if (result.verdict === 'pass') return `pass: every property holds in every reachable state\n${summary}${fingerprintLine(s)}`;
  if (result.verdict === 'incomplete') {
    const why = { 'max-depth': 'the depth bound (--max-depth)', 'max-states': 'the state bound (--max-states)', timeout: 'the time limit (--timeout)', random: 'the random walks (--runs), which prove nothing' }[
      result.incomplete ?? 'timeout'
    ];
    return `incomplete: stopped at ${why} before exploring every state; no violation found so far\n${summary}`;
  }
  return traces
    .map((t, i) => {
      const steps = t.steps.length === 1 ? '1 step' : `${t.steps.length} steps`;
      const need = needs[i].length > 0 ? `\nneeds: ${needs[i].join('; ')}` : '';
      return `violation: ${t.property.kind} ${t.property.name} fails after ${steps} (${describeFaults(t.faults)})${need}\n${summary}\n\n${renderText(t)}`;
    })
    .join('\n\n');
}
