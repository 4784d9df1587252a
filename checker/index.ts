// The public surface of faultline/checker: strategies, results, traces' paths, graphs,
// liveness, histories, valency. Internals (the state log, visited sets, frontiers, the
// per-state step) are imported from their files by the library and the tests.
export { checker, CheckerBuilder } from './checker.ts';
export { bfs } from './bfs.ts';
export { partialOrderBfs } from './partial-order.ts';
export { dfs } from './dfs.ts';
export { parallelBfs } from './parallel/parallel-bfs.ts';
export type { ParallelSearchOptions } from './parallel/parallel-bfs.ts';
export type { ModelRecipe } from './parallel/recipe.ts';
export { fingerprint, fingerprintInto, fingerprintHex } from './fingerprint.ts';
export type { Fingerprint } from './fingerprint.ts';
export { canonicalJson } from '../specs/index.ts';
export { replayPath } from './path.ts';
export type { Path } from './path.ts';
export { SpecError, NondeterminismError } from './errors.ts';
export type { SpecPhase } from './errors.ts';
export type { CheckResult, SearchStats, Violation, IncompleteReason, RandomRun, PartialOrderStats } from './result.ts';
export type { SearchOptions, Progress } from './options.ts';
export { minimizeFaults } from './minimize-faults.ts';
export { random, modelOfResult, DEFAULT_RANDOM_DEPTH, DEFAULT_RANDOM_RUNS, DEFAULT_FAULT_RATE } from './random.ts';
export type { RandomOptions } from './random.ts';
export { shrinkPath, replayLabels } from './shrink.ts';
export type { ShrinkOptions, LabelReplay } from './shrink.ts';
export { buildGraph, stronglyConnected, fairnessOf, StateGraph, WEAK_FAIRNESS_OF_NEXT, EXPANDED, AT_BOUND, UNEXPLORED } from './graph.ts';
export type { Fairness, GraphOptions, GraphParts, AnyGraph } from './graph.ts';
export { checkLiveness, checkLivenessProperties, findLasso, livenessOf } from './liveness.ts';
export type { Lasso, LassoQuery, LassoReason, LivenessResult, LivenessViolation, LivenessOptions } from './liveness.ts';
export {
  checkHistory,
  defineHistoryModel,
  registerModel,
  casRegisterModel,
  kvModel,
  linearizable,
  sequentiallyConsistent,
  historyOfEvents,
} from './history/index.ts';
export type { SequentialModel, History, Operation, HistoryCheckResult } from './history/index.ts';
export { exploreValency, valencies, showValency } from './valency.ts';
export type { ConsensusSpec, FlpReport, FlpRun, FlpStep, FlpOptions, InitialConfiguration, Valency } from './valency.ts';
export { indistinguishabilityChain, DEFAULT_GENERALS_MAX_STEPS, DEFAULT_GENERALS_MAX_STATES } from './indistinguishability.ts';
export type { GeneralsReport, GeneralsRun, GeneralsRunEnd, GeneralsChainOptions, LocalEvent } from './indistinguishability.ts';
