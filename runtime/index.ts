/**
 * `faultline run` / `conform`: a protocol's own handlers run for real (in one process or one
 * process per node over UDP), logged as JSON lines, and the log validated against the model.
 */
export { run, loadProtocol } from './run.ts';
export type { RunOptions, RunReport, CrashPlan, Transport } from './run-options.ts';
export { memoryTransport } from './run-in-process.ts';
export { NodeRunner, runtimeModel } from './node-runner.ts';
export type { Packet, StepOutcome, NodeRunnerOptions } from './node-runner.ts';
export { LOG_VERSION, formatLogLine } from './log-format.ts';
export type { LogEvent, RunHeader } from './log-format.ts';
export { parseLog } from './parse-log.ts';
export type { ParsedLog, LoggedEvent } from './parse-log.ts';
export { conform, conformModel } from './conform.ts';
export type { ConformOptions, ConformReport, ConformFailure } from './conform.ts';
export { groupLog, describeEvent } from './log-groups.ts';
export type { LogGroup, GroupedLog } from './log-groups.ts';
export { historyOfLog } from './history-of-log.ts';
