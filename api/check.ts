import { availableParallelism } from 'node:os';
import {
  checker,
  livenessOf,
  minimizeFaults,
  modelOfResult,
  NondeterminismError,
  SpecError,
  type CheckResult,
  type IncompleteReason,
  type Progress,
  type RandomRun,
  DEFAULT_RANDOM_RUNS,
} from '../checker/index.ts';
import { withCoverage, type CoverageReport } from '../checker/coverage.ts';
import { faultLabels, NO_FAULTS, renderText, traceOf, traceOfPath, type FaultCounts, type Trace, type TraceOrigin } from '../counterexamples/index.ts';
import { encodeEnvironment, isActorModel, type Environment, type Model, type Params } from '../specs/index.ts';
import { applyEnvironment } from './environment.ts';
import { BadInputError, SpecFailure } from './errors.ts';
import { withExitGuard } from './exit-guard.ts';
import { withLiveness } from './liveness.ts';
import { loadSpec, modelOf, resolveSpecFile, sourceHash } from './load-spec.ts';
import { recipeOf, specRecipe } from './spec-recipe.ts';
import { faultlineVersion } from './version.ts';
import { CheckpointError, identityDifference, readCheckpoint, type Checkpoint, type CheckpointIdentity } from '../checker/checkpoint.ts';
import { parseShard, planShard, shardRuns, shardSeed, type Shard, type ShardPlan, type ShardReport } from './shard.ts';

/** How to check: the strategy, its bounds, the environment, and what to report. */
export interface CheckOptions {
  /** `bfs` (default: shortest counterexamples), `dfs`, or `random` (fast-check walks). */
  strategy?: 'bfs' | 'dfs' | 'random';
  /** A spec file's parameters (its factory's argument), as `--param key=value`. */
  params?: Params;
  /** Overrides of an actor protocol's environment (network, faults, clocks). */
  environment?: Partial<Environment>;
  /** Explore paths of at most this many steps. */
  maxDepth?: number;
  /** Stop after this many distinct states. */
  maxStates?: number;
  /** Stop after this many seconds. */
  timeout?: number;
  /** Stop (`incomplete`, `memory`) once the process's resident memory passes this many bytes (default: 85% of the machine's). */
  maxMemory?: number;
  /** Random walks: fast-check's seed, the number of walks, swarm environments. */
  seed?: number;
  runs?: number;
  swarm?: boolean;
  /** `faults`: among violations, report one with the fewest injected faults, then the fewest steps. */
  minimize?: 'faults';
  /** Report what the search reached (handlers, messages, faults, properties) and what it never did. */
  coverage?: boolean;
  /** Compare full states instead of fingerprints, and count fingerprint collisions. */
  exact?: boolean;
  /** BFS on this many worker threads sharing one visited set (`auto`: one per core). Needs a spec file, or a model loaded from one. */
  workers?: number | 'auto';
  /**
   * Partial-order reduction (`--por`; off by default, `false` is `--no-por`): a one-thread bfs
   * of an untimed actor protocol without a state constraint explores fewer states with the
   * same verdicts; counterexamples are real and replay, but may be longer than the shortest
   * (run without it for a shortest one). Other checks run unreduced, with a warning.
   */
  por?: boolean;
  /** Spec files only: run `faultline lint` first and refuse a spec with lint errors (default true). */
  lint?: boolean;
  /** Called about every two seconds during a long search. */
  onProgress?: (progress: Progress) => void;
  /** Stop requests from another thread (element 0 non-zero: stop, `incomplete`); see `SearchOptions.stop`. */
  stop?: Int32Array;
  /** Where the spec came from, for traces (set for you when checking a file). */
  specPath?: string;
  /** Run shard K of N of the check (`{ index: K, count: N }`, or `'K/N'` / `'auto'` as `--shard` takes); merge the reports with `mergeReports`. */
  shard?: Shard | string;
  /** Sharded exhaustive search: split at this depth instead of the first depth with enough states. */
  splitDepth?: number;
  /** BFS (one thread or `workers`): write a checkpoint into this folder every `checkpointEvery` seconds (at the next level's end, with workers) and when stopped. */
  checkpoint?: string;
  /** Seconds between checkpoints (default 300). */
  checkpointEvery?: number;
  /** Continue from the checkpoint in this folder (written by the same check, on any number of threads); checkpoints go on into it unless `checkpoint` names another folder. */
  resume?: string;
}

/** A property that failed, with its shortest (or fault-minimal) counterexample. */
export interface CheckViolation {
  property: string;
  /** `invariant` (every state), `terminal` (every quiescent state) or `liveness` (a lasso). */
  kind: 'invariant' | 'terminal' | 'liveness' | string;
  /** Steps from an initial state to the violating state (for a lasso: through the loop). */
  length: number;
  faults: FaultCounts;
  /** The injected faults the counterexample needs, as labels (`drop Ack b→a`). */
  needs: string[];
  /** `never reached`, for a reachability goal no reachable state satisfies. */
  message?: string;
  /**
   * The replayable trace (`faultline replay`, `render(trace, …)`). For a reachability goal
   * never reached (`kind: 'reachable'`, `message: 'never reached'`) no run shows the failure:
   * the trace is the first initial state alone (`length` 0), and replaying it says the goal is
   * still not reached (exit 1).
   */
  trace: Trace;
}

/** A reachability goal the search reached, with its witness: the steps to the first state found satisfying it. */
export interface ReachedGoal {
  goal: string;
  /** Steps from an initial state to the witness (bfs: the fewest; dfs: not necessarily). */
  length: number;
  /** The witness, replayable (`faultline replay` says it reproduces). */
  trace: Trace;
}

/** The outcome of {@link check}: exactly what `faultline check --json` prints. */
export interface CheckReport {
  result: 'pass' | 'violation' | 'incomplete';
  /** TLC's counters (TLC-compatible), the search's wall time, and with `exact` the collisions. */
  stats: { distinctStates: number; generatedStates: number; depth: number; seconds: number; fingerprintCollisions?: number };
  violations: CheckViolation[];
  /** The model's reachability goals that were reached, with their witnesses (absent when it declares none). */
  reached?: ReachedGoal[];
  /** Goals not reached: after a complete search each is also a violation ("never reached"); after an incomplete one, not reached yet. */
  unreached?: string[];
  /** Which bound stopped the search, when `result` is `incomplete`. */
  incomplete?: IncompleteReason;
  /** Random walks: the seed and path that reproduce the result. */
  random?: RandomRun;
  coverage?: CoverageReport;
  /** Threads the search ran on, when workers were asked for. */
  workers?: number;
  /** What was checked: the model's name, the spec file and params, the environment in force. */
  spec: { name: string; path?: string; params: Params; environment?: string };
  /** Things the user should know: a property never evaluated, workers capped, … */
  warnings: string[];
  /** TLC's optimistic fingerprint-collision probability (exhaustive searches). */
  collisionProbability?: number;
  /** A sharded check: which shard this is and what it explored (`mergeReports` combines shards). */
  shard?: ShardReport;
  /** A resumed check: the distinct states of the checkpoint it continued from. */
  resumedAt?: number;
  /** With `por`: states expanded with a reduced (ample) set, and how often the reduced search started again after learning. */
  partialOrder?: { reducedStates: number; restarts: number };
}

type AnyModel = Model<unknown, unknown>;

/**
 * Checks a model (or the spec file at a path) and resolves to the report `faultline check
 * --json` prints: invariants, terminal and liveness properties, under the chosen strategy,
 * bounds and environment. Rejects with {@link BadInputError} for bad options or a spec that
 * does not load, and {@link SpecFailure} when the spec throws or is nondeterministic.
 */
export async function check<S, A>(spec: Model<S, A> | string, options: CheckOptions = {}): Promise<CheckReport> {
  return withExitGuard(() => checkNow(spec as AnyModel | string, options));
}

async function checkNow(spec: AnyModel | string, options: CheckOptions): Promise<CheckReport> {
  const strategy = options.strategy ?? 'bfs';
  if (!['bfs', 'dfs', 'random'].includes(strategy)) throw new BadInputError(`strategy ${strategy}: unknown strategy (use one of: bfs, dfs, random)`);
  if (options.minimize !== undefined && options.minimize !== 'faults') throw new BadInputError(`minimize ${options.minimize}: unknown objective (use: faults)`);
  if (options.minimize && strategy !== 'bfs') throw new BadInputError('minimize faults needs the bfs strategy');
  if (options.exact && strategy === 'random') throw new BadInputError('exact needs an exhaustive search (strategy bfs or dfs)');
  const params = options.params ?? {};
  const environment = options.environment ?? {};

  let model: AnyModel;
  let specPath = options.specPath;
  let specSha256: string | undefined;
  let messageTypes: string[] | undefined;
  if (typeof spec === 'string') {
    specPath ??= spec;
    const loaded = await loadSpec(spec);
    specSha256 = sourceHash(loaded.absolute);
    if (options.lint !== false) {
      const { lintBeforeCheck } = await import('./lint-before-check.ts');
      messageTypes = (await lintBeforeCheck(spec, loaded.absolute))?.protocols.flatMap((p) => p.messageTypes ?? []);
    }
    model = applyEnvironment(modelOf(loaded, params), environment, spec);
  } else {
    if (Object.keys(params).length > 0) {
      if (!isActorModel(spec)) throw new BadInputError(`params apply to spec files and protocols; this model takes none (build it with its factory instead)`);
      spec = spec.configure({ params }) as unknown as AnyModel;
    }
    model = applyEnvironment(spec, environment, specPath ?? spec.name);
  }
  const file = specPath ?? model.name;

  const shard = options.shard === undefined ? undefined : typeof options.shard === 'string' ? parseShard(options.shard) : parseShard(`${options.shard.index}/${options.shard.count}`);
  if (shard) refuseWithShards(options, model);
  const covered = options.coverage ? withCoverage(model, { messageTypes }) : undefined;
  let plan: ShardPlan<unknown, unknown> | undefined;
  let shardReport: ShardReport | undefined;
  if (shard && strategy !== 'random') {
    plan = planShard(model, shard, { splitDepth: options.splitDepth, timeout: options.timeout });
    shardReport = plan.report;
  }
  let seed = options.seed;
  let runs = options.runs;
  if (shard && strategy === 'random') {
    seed = shardSeed(seed ?? ((Date.now() ^ (Math.random() * 0x100000000)) | 0), shard);
    runs = shardRuns(runs ?? DEFAULT_RANDOM_RUNS, shard);
    shardReport = { ...shard, seed };
  }
  const explored = plan?.model ?? covered?.model ?? model;
  const builder = checker(explored);
  const resumed = checkpointing(builder, options, strategy, model, { specSha256, params, shard });
  if (options.maxDepth !== undefined) builder.maxDepth(options.maxDepth);
  if (options.maxStates !== undefined) builder.maxStates(options.maxStates);
  if (options.timeout !== undefined) builder.timeout(options.timeout);
  if (options.maxMemory !== undefined) builder.maxMemory(options.maxMemory);
  if (options.exact) builder.exact();
  if (options.onProgress) builder.progress(options.onProgress);
  if (options.stop) builder.stopOn(options.stop);

  const warnings: string[] = [];
  const threads = shard ? 1 : workersOf(options, strategy, model, warnings);
  if (shard && options.workers !== undefined && options.workers !== 1) warnings.push('workers: a shard runs on one thread (run more shards instead)');
  const recipe = threads > 1 ? (typeof spec === 'string' ? specRecipe(resolveSpecFile(spec), params, environment) : recipeOf(model)) : undefined;
  if (threads > 1 && !recipe) warnings.push('workers: a model built in code cannot be rebuilt in worker threads; it ran on one thread (check a spec file, or a model from loadModel(), to use workers)');

  const reduce = options.por === true && partialOrderApplies(options, strategy, model, threads, shard !== undefined, warnings);
  if (reduce) builder.partialOrder();

  let result: CheckResult<unknown, unknown>;
  try {
    if (plan?.prefixResult) result = plan.prefixResult;
    else if (options.minimize === 'faults') result = minimizeFaults(explored, builder.searchOptions());
    else if (strategy === 'random') result = builder.random({ seed, runs, swarm: options.swarm });
    else if (recipe) result = await builder.parallelBfs(recipe, threads);
    else result = strategy === 'bfs' ? builder.bfs() : builder.dfs();
    if (plan && !plan.prefixResult) result = shardResult(result, plan);
    result = withLiveness(result, model, { maxStates: options.maxStates, timeout: options.timeout });
  } catch (error) {
    if (error instanceof NondeterminismError) throw new SpecFailure(file, error);
    if (error instanceof SpecError) {
      const trace = error.path && renderText(traceOfPath(model, error.path, { name: error.phase, kind: 'error' }, { specPath: file, params, strategy }));
      throw new SpecFailure(file, error, trace);
    }
    throw error;
  }

  // Under swarm, a violation belongs to the environment of the walk that found it.
  const traced = modelOfResult(model, result);
  const run = result.random;
  const origin = {
    specPath: file,
    ...(specSha256 ? { specSha256 } : {}),
    params,
    strategy,
    ...(isActorModel(traced) ? { environment: encodeEnvironment(traced.environment) } : {}),
    ...(run ? { random: { seed: run.seed, ...(run.path ? { path: run.path } : {}) } } : {}),
  };
  const violations = result.violations.map((v): CheckViolation => {
    const trace = traceOf(traced, v, origin);
    return { property: v.property, kind: trace.property.kind, length: trace.steps.length, faults: trace.faults, needs: faultLabels(traced, v.path.actions), trace };
  });
  const goals = reachability(traced, result, origin, shard ? 'shard' : strategy, warnings);
  if (goals.neverReached.length > 0) {
    result = { ...result, verdict: 'violation' };
    violations.push(...goals.neverReached);
  }
  const coverage = covered?.report();
  if (coverage) {
    for (const p of coverage.neverReached.properties) warnings.push(`property ${p} was never evaluated: no state the search reached could test it (a bound or constraint too tight?)`);
  }
  if (result.verdict === 'pass' && result.stats.distinctStates === 0) warnings.push('no state was explored: the model has no initial state');
  const { collisionProbability, fingerprintCollisions, ...stats } = result.stats;
  return {
    result: result.verdict,
    stats: { ...stats, ...(fingerprintCollisions !== undefined ? { fingerprintCollisions } : {}) },
    violations,
    ...(goals.reached ? { reached: goals.reached, unreached: goals.unreached } : {}),
    ...(result.incomplete && result.verdict === 'incomplete' ? { incomplete: result.incomplete } : {}),
    ...(run ? { random: run } : {}),
    ...(coverage ? { coverage } : {}),
    ...(options.workers !== undefined ? { workers: recipe ? threads : 1 } : {}),
    spec: { name: model.name, ...(specPath ? { path: specPath } : {}), params, ...(isActorModel(model) ? { environment: model.describeEnvironment() } : {}) },
    warnings,
    ...(collisionProbability !== undefined ? { collisionProbability } : {}),
    ...(shardReport ? { shard: shardReport } : {}),
    ...(resumed !== undefined && resumed > 0 ? { resumedAt: resumed } : {}),
    ...(result.partialOrder ? { partialOrder: result.partialOrder } : {}),
  };
}

/**
 * The reachability goals' side of a result: the witnesses of the goals reached, and — only
 * after a complete search that passed — one violation per goal never reached. An incomplete
 * search says which goals it has not reached yet (a warning), as random walks do: neither
 * proves a goal unreachable.
 */
function reachability(
  model: AnyModel,
  result: CheckResult<unknown, unknown>,
  origin: TraceOrigin,
  strategy: string,
  warnings: string[],
): { reached?: ReachedGoal[]; unreached: string[]; neverReached: CheckViolation[] } {
  const goals = Object.keys(model.reachable ?? {});
  if (goals.length === 0) return { unreached: [], neverReached: [] };
  const reached = (result.reached ?? []).map(({ goal, path }): ReachedGoal => {
    const trace = traceOfPath(model, path, { name: goal, kind: 'reachable' }, origin);
    return { goal, length: trace.steps.length, trace };
  });
  const unreached = goals.filter((g) => !reached.some((r) => r.goal === g));
  const neverReached: CheckViolation[] = [];
  if (unreached.length > 0) {
    if (result.verdict === 'pass' && strategy !== 'random' && strategy !== 'shard') {
      const start = { initIndex: 0, states: [Array.from(model.init())[0]], actions: [], actionIndices: [] };
      for (const goal of unreached) {
        const trace = traceOfPath(model, start, { name: goal, kind: 'reachable' }, origin);
        neverReached.push({ property: goal, kind: 'reachable', length: 0, faults: { ...NO_FAULTS }, needs: [], message: 'never reached', trace });
      }
    } else if (result.verdict !== 'violation') {
      const why =
        strategy === 'random'
          ? result.unreached === undefined
            ? 'random walks under swarm do not record goals: check without --swarm, or exhaustively (bfs, dfs)'
            : 'by the random walks, which prove nothing: check exhaustively (bfs, dfs) to know'
          : strategy === 'shard'
            ? 'in this shard; another may reach it'
            : 'the search stopped first';
      warnings.push(`reachable ${unreached.join(', ')}: not reached (${why})`);
    }
  }
  return { reached, unreached, neverReached };
}

/**
 * Sets up checkpoints (`checkpoint`, `resume`): refuses what cannot be checkpointed, and a
 * checkpoint of another check. Returns the distinct states resumed from (0 for a fresh
 * checkpointed run), or undefined without checkpoints.
 */
function checkpointing(
  builder: ReturnType<typeof checker<unknown, unknown>>,
  options: CheckOptions,
  strategy: string,
  model: AnyModel,
  context: { specSha256?: string; params: Params; shard?: Shard },
): number | undefined {
  const dir = options.checkpoint ?? options.resume;
  if (dir === undefined) return undefined;
  const refuse = (what: string) => new BadInputError(`--checkpoint and --resume ${what}`);
  if (strategy !== 'bfs') throw refuse(`need --strategy bfs (got ${strategy})`);
  if (options.minimize) throw refuse('do not combine with --minimize faults');
  if (options.coverage) throw refuse('do not combine with --coverage');
  if (options.exact) throw refuse('do not combine with --exact');
  if (context.shard) throw refuse('do not combine with --shard yet');
  if (options.checkpointEvery !== undefined && !(options.checkpointEvery > 0)) throw new BadInputError(`--checkpoint-every ${options.checkpointEvery}: expected a positive number of seconds`);
  const identity: CheckpointIdentity = {
    faultline: faultlineVersion(),
    spec: model.name,
    ...(context.specSha256 ? { specSha256: context.specSha256 } : {}),
    params: context.params,
    ...(isActorModel(model) ? { environment: encodeEnvironment(model.environment) } : {}),
    search: { strategy: 'bfs', ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}), symmetry: model.representative !== undefined },
  };
  let resume: Checkpoint<unknown> | undefined;
  if (options.resume !== undefined) {
    try {
      resume = readCheckpoint(options.resume);
    } catch (error) {
      if (error instanceof CheckpointError) throw new BadInputError(error.message);
      throw error;
    }
    const difference = identityDifference(resume.identity, identity);
    if (difference) throw new BadInputError(`${options.resume}: cannot resume this check from that checkpoint: ${difference} (start afresh without --resume)`);
  }
  builder.checkpoint({ dir, identity, ...(options.checkpointEvery !== undefined ? { everySeconds: options.checkpointEvery } : {}), ...(resume ? { resume } : {}) });
  return resume?.progress.distinctStates ?? 0;
}

/** What a shard cannot do: each needs the whole state graph, or runs on one whole search. */
function refuseWithShards(options: CheckOptions, model: AnyModel): void {
  const liveness = Object.keys(livenessOf(model));
  if (liveness.length > 0) throw new BadInputError(`--shard checks safety only; this spec declares liveness properties (${liveness.join(', ')}), which need the whole state graph: check them unsharded`);
  if (options.minimize) throw new BadInputError('--shard and --minimize faults do not combine: minimise the merged counterexample unsharded');
  if (options.coverage) throw new BadInputError('--shard and --coverage do not combine: coverage needs the whole search');
  if (options.splitDepth !== undefined && (!Number.isInteger(options.splitDepth) || options.splitDepth < 1)) throw new BadInputError(`--split-depth ${options.splitDepth}: expected a whole number of at least 1`);
}

/** A shard's result in the whole model's terms: paths from a real initial state, depth from it, the prefix counted. */
function shardResult(result: CheckResult<unknown, unknown>, plan: ShardPlan<unknown, unknown>): CheckResult<unknown, unknown> {
  const { splitDepth = 0, prefixStates = 0 } = plan.report;
  return {
    ...result,
    violations: result.violations.map((v) => ({ ...v, path: plan.extend(v.path) })),
    stats: {
      ...result.stats,
      distinctStates: result.stats.distinctStates + prefixStates,
      depth: result.stats.distinctStates > 0 ? result.stats.depth + splitDepth : splitDepth,
    },
  };
}

/**
 * How many threads the search runs on. Parallel search is BFS of safety properties; whatever
 * else needs the in-process search runs on one thread, and asking for more threads than the
 * machine has cores is capped (more would only contend).
 */
/** Whether `por` applies to this check; when it does not, a warning says why. */
function partialOrderApplies(options: CheckOptions, strategy: string, model: AnyModel, threads: number, sharded: boolean, warnings: string[]): boolean {
  const why =
    strategy !== 'bfs'
      ? `needs --strategy bfs (got ${strategy})`
      : !model.partialOrder
        ? 'applies to actor protocols without clocks (--max-time) or a state constraint (--max-in-flight, constraint)'
        : threads > 1
          ? 'runs on one thread (not with --workers)'
          : sharded || options.checkpoint !== undefined || options.resume !== undefined || options.minimize || options.coverage
            ? 'not with --shard, --checkpoint, --resume, --minimize or --coverage'
            : undefined;
  if (why === undefined) return true;
  warnings.push(`por: ${why}; the search ran unreduced`);
  return false;
}

function workersOf(options: CheckOptions, strategy: string, model: AnyModel, warnings: string[]): number {
  const cores = availableParallelism();
  let asked = options.workers === 'auto' ? cores : (options.workers ?? 1);
  if (!Number.isInteger(asked) || asked < 1) throw new BadInputError(`workers ${options.workers}: expected a whole number of at least 1, or "auto"`);
  if (asked === 1) return 1;
  const oneThread =
    strategy !== 'bfs' ? `--strategy ${strategy} runs on one thread` : options.minimize ? '--minimize runs on one thread' : options.coverage ? '--coverage runs on one thread' : options.exact ? '--exact runs on one thread' : undefined;
  if (oneThread) {
    warnings.push(`workers: ${oneThread}`);
    return 1;
  }
  if (asked > cores) {
    warnings.push(`workers: ${asked} asked, capped at the machine's ${cores} cores`);
    asked = cores;
    if (asked === 1) return 1;
  }
  if (Object.keys(livenessOf(model)).length > 0) warnings.push('workers: liveness properties are then checked on one thread');
  return asked;
}
