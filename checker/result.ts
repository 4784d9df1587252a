import type { Path } from './path.ts';

/** Counters, computed exactly as TLC does so results compare with TLC's. */
export interface SearchStats {
  /** Reachable distinct states found, initial states included. */
  distinctStates: number;
  /** Initial states plus every successor computed, duplicates included. */
  generatedStates: number;
  /** States on the longest shortest path (BFS); deepest stack (DFS). A lone initial state: 1. */
  depth: number;
  /** Wall time of the search. */
  seconds: number;
  /**
   * Exhaustive searches: TLC's optimistic estimate of the probability that a fingerprint
   * collision made the search miss a state, distinct × (generated − distinct) / 2^64.
   */
  collisionProbability?: number;
  /** With `exact`: distinct states whose fingerprint equalled an earlier, different state's. */
  fingerprintCollisions?: number;
}

/** How much partial-order reduction reduced (see checker/partial-order.ts). */
export interface PartialOrderStats {
  /** States expanded with an ample set smaller than the enabled set. */
  reducedStates: number;
  /** Times the reduced search started again after learning what handlers cause or properties read. */
  restarts: number;
}

/** A property that failed, with the path that shows it. */
export interface Violation<S, A> {
  /** The property's name. */
  property: string;
  /** What kind of property it is. */
  kind: 'invariant';
  /** From an initial state to the violating state. */
  path: Path<S, A>;
}

/**
 * Why a search did not cover the state space: a bound stopped it, or (`random`) it sampled
 * walks and found no violation, which proves nothing.
 */
export type IncompleteReason = 'max-depth' | 'max-states' | 'timeout' | 'random' | 'memory' | 'interrupted' | 'stuck';

/** How a random search ran, and how to replay its counterexample. */
export interface RandomRun {
  /** fast-check's seed. */
  seed: number;
  /** fast-check's path to the (shrunk) failing walk: with `seed`, replays it exactly. */
  path?: string;
  /** Walks run (until the first failure, when there is one). */
  runs: number;
  /** Steps of the failing walk as first found. */
  originalLength?: number;
  /** Steps after fast-check's shrinking. */
  fastCheckLength?: number;
  /** Steps after shrinking by step removal (the reported path's length). */
  shrunkLength?: number;
  /** Swarm: the environment of the failing walk, which the reported path belongs to. */
  environment?: Record<string, number | boolean>;
}

/** The outcome of a search. */
export interface CheckResult<S, A> {
  /** `pass` only when every reachable state was explored and checked. */
  verdict: 'pass' | 'violation' | 'incomplete';
  stats: SearchStats;
  violations: Violation<S, A>[];
  /** Set when the verdict is `incomplete`. */
  incomplete?: IncompleteReason;
  /** Which strategy produced this. */
  strategy: 'bfs' | 'dfs' | 'random';
  /** Set by the random strategy. */
  random?: RandomRun;
  /**
   * The model's reachability goals that the search reached, each with the path to the first
   * state found satisfying it (bfs and parallel bfs: a shortest one; dfs: not necessarily).
   */
  reached?: ReachedGoal<S, A>[];
  /**
   * Goals no explored state satisfied. After a complete search (`pass`) each is a failure,
   * "never reached" (`check()` reports it as a violation of kind `reachable`); after an
   * incomplete one they are only not reached yet.
   */
  unreached?: string[];
  /** With partial-order reduction: how much it reduced. */
  partialOrder?: PartialOrderStats;
}

/** A reachability goal and its witness: the path to the first state found satisfying it. */
export interface ReachedGoal<S, A> {
  goal: string;
  path: Path<S, A>;
}
