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

/** Why an exhaustive search stopped before covering the state space. */
export type IncompleteReason = 'max-depth' | 'max-states' | 'timeout';

/** The outcome of a search. */
export interface CheckResult<S, A> {
  /** `pass` only when every reachable state was explored and checked. */
  verdict: 'pass' | 'violation' | 'incomplete';
  stats: SearchStats;
  violations: Violation<S, A>[];
  /** Set when the verdict is `incomplete`. */
  incomplete?: IncompleteReason;
  /** Which strategy produced this. */
  strategy: 'bfs' | 'dfs';
}
