export { traceOf, traceOfPath, faultsOf, faultLabels, NO_FAULTS } from './trace.ts';
export { parseTrace, serializeTrace, TraceFileError } from './trace-file.ts';
export { replayTrace } from './replay.ts';
export type { ReplayOutcome } from './replay.ts';
export type { Trace, TraceStep, TraceOrigin, FaultCounts } from './trace.ts';
export { renderText, describeFaults } from './render-text.ts';
export { stateDiff, stateLeaves } from './diff.ts';
export type { Change } from './diff.ts';
