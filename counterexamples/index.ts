export { traceOf, traceOfPath, faultsOf, NO_FAULTS } from './trace.ts';
export type { Trace, TraceStep, TraceOrigin, FaultCounts } from './trace.ts';
export { renderText, describeFaults } from './render-text.ts';
export { stateDiff, stateLeaves } from './diff.ts';
export type { Change } from './diff.ts';
