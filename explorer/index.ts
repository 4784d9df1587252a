/**
 * `faultline explore`: a local server and an offline page over the library, to walk a
 * protocol's state space by hand, with stable links (`/#/<init>/<a1>/…`) and a JSON API.
 */
export { startExplorer, EXPLORER_CSP, DEFAULT_STEP_TIMEOUT_SECONDS } from './server.ts';
export { StepWorker } from './step-worker.ts';
export type { SpecFacts, StepAnswer } from './step-worker.ts';
export type { ExplorerOptions, ExplorerServer, SpecView } from './server.ts';
export { traceStart } from './trace-start.ts';
export { stepView, actionKind, MAX_DIFF_LINES } from './step-view.ts';
export type { StepView, ActionView, ActionGroup, NodeView } from './step-view.ts';
export { PathWalker, isFailure, MAX_PATH_STEPS } from './path-walker.ts';
export type { PathFailure, Reached } from './path-walker.ts';
export { valencyIndex, DEFAULT_VALENCY_BOUNDS } from './valency-index.ts';
export type { ValencyIndex, ValencyBounds } from './valency-index.ts';
export { CheckRunner, DEFAULT_CHECK_BOUNDS } from './check-from-here.ts';
export type { CheckBounds, CheckStatus } from './check-from-here.ts';
