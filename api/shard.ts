/**
 * Shards: one check split into N independent processes that never talk to each other (SPIN's
 * swarm, a CI matrix, a Kubernetes Indexed Job), combined afterwards by `mergeReports`.
 *
 * Exhaustive search: every shard explores the states closer than the *split depth* itself (a
 * small prefix), hashes each state at exactly that depth, and keeps the ones that hash to it as
 * its initial states. Every reachable state is either in the prefix or on a shortest path
 * through some split state, so the shards together explore every reachable state (they may
 * overlap: a state reachable from two split states is explored by both). A violation is found
 * at its true shortest length by the shard owning the split state on its shortest path, so
 * the merged shortest violation is a shortest one. Random walks: shard K runs its share of the
 * walks from its own seed, derived from the base seed and K.
 */
import { checker, type CheckResult, type Path, type Violation } from '../checker/index.ts';
import { canonicalJson, type Model } from '../specs/index.ts';
import { BadInputError } from './errors.ts';

/** Which part of a sharded check this process runs: shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** What a shard explored, as `check --json` reports it under `shard`. */
export interface ShardReport extends Shard {
  /** Exhaustive search: the depth (steps from an initial state) where the state space was split. */
  splitDepth?: number;
  /** Exhaustive search: the states at the split depth, all shards together. */
  splitStates?: number;
  /** Exhaustive search: the split states this shard explored from. */
  ownStates?: number;
  /** Exhaustive search: the distinct states closer than the split depth (explored by every shard). */
  prefixStates?: number;
  /** Random walks: this shard's seed (replays its walks with `--seed`). */
  seed?: number;
}

/** Split states wanted per shard before the split depth stops growing: enough to balance the work. */
const SPLIT_STATES_PER_SHARD = 8;
/** The deepest split tried: the prefix is explored by every shard, so it must stay small. */
const MAX_SPLIT_DEPTH = 24;
/** Kubernetes Indexed Jobs set this (0-based) in every pod. */
export const SHARD_INDEX_VARIABLE = 'JOB_COMPLETION_INDEX';
/** The shard count under `--shard auto`: set it to the Job's `completions` (see deploy/kubernetes). */
export const SHARD_COUNT_VARIABLE = 'FAULTLINE_SHARDS';

/**
 * Reads `K/N` (1 ≤ K ≤ N) or `auto`: shard `JOB_COMPLETION_INDEX + 1` of `FAULTLINE_SHARDS`,
 * as a Kubernetes Indexed Job runs it.
 */
export function parseShard(text: string, env: Record<string, string | undefined> = process.env): Shard {
  if (text === 'auto') {
    const index = env[SHARD_INDEX_VARIABLE];
    const count = env[SHARD_COUNT_VARIABLE];
    if (index === undefined || count === undefined) {
      throw new BadInputError(`--shard auto: set ${SHARD_INDEX_VARIABLE} (0-based, as a Kubernetes Indexed Job does) and ${SHARD_COUNT_VARIABLE} (the number of shards), or give --shard K/N`);
    }
    if (!/^\d+$/.test(index)) throw new BadInputError(`--shard auto: ${SHARD_INDEX_VARIABLE}=${JSON.stringify(index)} is not a whole number`);
    return checkShard({ index: Number(index) + 1, count: Number(count) }, `${SHARD_INDEX_VARIABLE}=${index} ${SHARD_COUNT_VARIABLE}=${count}`);
  }
  const match = /^(\d+)\/(\d+)$/.exec(text);
  if (!match) throw new BadInputError(`--shard ${text}: expected K/N (shard K of N, 1 ≤ K ≤ N) or auto`);
  return checkShard({ index: Number(match[1]), count: Number(match[2]) }, text);
}

function checkShard(shard: Shard, given: string): Shard {
  if (!Number.isSafeInteger(shard.count) || shard.count < 1 || shard.count > 100_000) throw new BadInputError(`--shard ${given}: the shard count must be 1–100000`);
  if (!Number.isSafeInteger(shard.index) || shard.index < 1 || shard.index > shard.count) throw new BadInputError(`--shard ${given}: the shard must be 1–${shard.count}`);
  return shard;
}

/** Shard K's seed for random walks: distinct per shard, fixed by the base seed. */
export function shardSeed(base: number, shard: Shard): number {
  return (base + Math.imul(shard.index - 1, 0x9e3779b1)) | 0;
}

/** Shard K's share of `runs` walks: the walks are dealt out as evenly as possible. */
export function shardRuns(runs: number, shard: Shard): number {
  return Math.floor(runs / shard.count) + (shard.index <= runs % shard.count ? 1 : 0);
}

/** 32-bit FNV-1a of a string: stable across processes, machines and Node versions. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** How a model's exhaustive search is split, and this shard's part of it. */
export interface ShardPlan<S, A> {
  /** A violation already found in the prefix (every shard reports it). */
  prefixResult?: CheckResult<S, A>;
  /** The model whose initial states are this shard's split states. */
  model: Model<S, A>;
  report: ShardReport;
  /** Extends a path found in the shard's model back to one of the real initial states. */
  extend(path: Path<S, A>): Path<S, A>;
}

const RECORDER = '\u0000faultline-shard-recorder';

/** The distinct states within `steps` steps of the initial states, by canonical key (and any prefix violation). */
function statesWithin<S, A>(model: Model<S, A>, steps: number, timeout: number | undefined): { states: Map<string, S>; result: CheckResult<S, A> } {
  const states = new Map<string, S>();
  const key = keyOf(model);
  const recording: Model<S, A> = Object.create(model);
  recording.invariants = {
    ...model.invariants,
    [RECORDER]: (s: S) => {
      const k = key(s);
      if (!states.has(k)) states.set(k, s);
      return true;
    },
  };
  const builder = checker(recording).maxDepth(steps);
  if (timeout !== undefined) builder.timeout(timeout);
  return { states, result: builder.bfs() };
}

function keyOf<S, A>(model: Model<S, A>): (s: S) => string {
  return model.representative ? (s) => canonicalJson(model.representative!(s)) : (s) => canonicalJson(s);
}

/**
 * Plans shard `shard` of an exhaustive search of `model`: finds the split depth (the first
 * depth with enough states for every shard), checks the prefix, and builds the model of this
 * shard's subtrees. `splitDepth` forces a depth.
 */
export function planShard<S, A>(model: Model<S, A>, shard: Shard, options: { splitDepth?: number; timeout?: number } = {}): ShardPlan<S, A> {
  const wanted = SPLIT_STATES_PER_SHARD * shard.count;
  let before = statesWithin(model, 0, options.timeout);
  let depth = 0;
  for (;;) {
    if (before.result.violations.length > 0) return prefixViolation(model, shard, before.result);
    const within = statesWithin(model, depth + 1, options.timeout);
    const level = [...within.states.keys()].filter((k) => !before.states.has(k));
    const forced = options.splitDepth !== undefined;
    const enough = forced ? depth + 1 >= options.splitDepth! : level.length >= wanted || depth + 1 >= MAX_SPLIT_DEPTH;
    if (within.result.violations.length > 0) return prefixViolation(model, shard, within.result);
    if (level.length === 0 || enough) {
      // Split at depth + 1: the prefix is every state within `depth` steps.
      const own = level.filter((k) => fnv1a(k) % shard.count === shard.index - 1).map((k) => within.states.get(k)!);
      const explored: Model<S, A> = Object.create(model);
      explored.init = () => own;
      const splitDepth = depth + 1;
      return {
        model: explored,
        report: { ...shard, splitDepth, splitStates: level.length, ownStates: own.length, prefixStates: before.states.size },
        extend: (path) => extendPath(model, path, own[path.initIndex], splitDepth),
      };
    }
    before = within;
    depth++;
  }
}

function prefixViolation<S, A>(model: Model<S, A>, shard: Shard, result: CheckResult<S, A>): ShardPlan<S, A> {
  return { prefixResult: result, model, report: { ...shard }, extend: (p) => p };
}

/** Prepends to a shard's path a shortest path from a real initial state to its split state. */
function extendPath<S, A>(model: Model<S, A>, path: Path<S, A>, start: S, splitDepth: number): Path<S, A> {
  // The very state the prefix search met first: a deterministic BFS meets it first again.
  const target = canonicalJson(start);
  const finder: Model<S, A> = Object.create(model);
  finder.invariants = { [RECORDER]: (s: S) => canonicalJson(s) !== target };
  const found = checker(finder).maxDepth(splitDepth).bfs().violations[0] as Violation<S, A> | undefined;
  if (!found) throw new Error(`shard: the split state at depth ${splitDepth} is no longer reachable (the spec is nondeterministic?)`);
  const prefix = found.path;
  return {
    initIndex: prefix.initIndex,
    states: [...prefix.states, ...path.states.slice(1)],
    actions: [...prefix.actions, ...path.actions],
    actionIndices: [...prefix.actionIndices, ...path.actionIndices],
  };
}
