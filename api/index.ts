/**
 * faultline's front door: write a spec (the `Model` kernel, `protocol()`), check it
 * (`check`, `assertProperties`), render its counterexamples (`render`). Lower layers are
 * `faultline/checker` (strategies, history checking) and `faultline/counterexamples`
 * (traces, replay, renderers).
 */
export * from '../specs/index.ts';
export { check } from './check.ts';
export type { CheckOptions, CheckReport, CheckViolation } from './check.ts';
export { assertProperties, PropertyCheckError } from './assert-properties.ts';
export { mergeReports, parseShardReport } from './merge-reports.ts';
export type { MergedReport, MergedViolation, ShardInput } from './merge-reports.ts';
export { parseShard, SHARD_INDEX_VARIABLE, SHARD_COUNT_VARIABLE } from './shard.ts';
export type { Shard, ShardReport } from './shard.ts';
export { render, TRACE_FORMATS } from './render.ts';
export { generals } from './generals.ts';
export type { GeneralsOptions, GeneralsResult } from './generals.ts';
export type { TraceFormat } from './render.ts';
export { loadModel } from './load-model.ts';
export { loadSpec, modelOf, SpecExit } from './load-spec.ts';
export type { SpecModule } from './load-spec.ts';
export { writeTraces, validateOutDir } from './write-traces.ts';
export { BadInputError, SpecFailure } from './errors.ts';
export { listProtocols } from './list-protocols.ts';
export type { ProtocolListing, VariantListing } from './list-protocols.ts';
export { optionsFromFlags } from './options-from-flags.ts';
export type { FlagOptions } from './options-from-flags.ts';
export type { Trace, FaultCounts } from '../counterexamples/index.ts';
export type { Progress } from '../checker/index.ts';
