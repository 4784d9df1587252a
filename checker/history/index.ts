/**
 * The history checker: linearizability and sequential consistency of recorded client histories
 * against sequential models, and the parsers of the history formats faultline reads.
 * See README.md in this folder.
 *
 * @module
 */
export type {
  Consistency,
  FailureOp,
  History,
  HistoryCheckOptions,
  HistoryCheckResult,
  HistoryFailure,
  HistorySemantics,
  HistoryVerdict,
  JepsenInput,
  Operation,
  Outcome,
  ProcessId,
  SequentialModel,
  StepResult,
  StuckCandidate,
} from './types.ts';
export { HistoryInputError, HistoryParseError, HistoryModelError } from './errors.ts';
export { defineHistoryModel } from './define-model.ts';
export { checkHistory } from './check-history.ts';
export { checkLinearizable } from './linearizable.ts';
export { checkSequentiallyConsistent } from './sequentially-consistent.ts';
export { describeOperation } from './describe-operation.ts';
export { showValue } from './show-value.ts';
export { wholeStateModel } from './whole-state.ts';
export { registerModel } from './models/register.ts';
export type { RegisterModelOptions } from './models/register.ts';
export { casRegisterModel } from './models/cas-register.ts';
export { kvModel } from './models/kv.ts';
export { builtinModel, BUILTIN_MODELS } from './models/builtin.ts';
export type { BuiltinModelName } from './models/builtin.ts';
export { parseHistory, HISTORY_FORMATS } from './formats/parse-history.ts';
export type { HistoryFormat } from './formats/parse-history.ts';
export { parsePorcupineEtcd } from './formats/porcupine-etcd.ts';
export { parsePorcupineKv } from './formats/porcupine-kv.ts';
export { parseKnossosEdn } from './formats/knossos-edn.ts';
export { parseJsonl } from './formats/jsonl.ts';
export { serializeJsonl } from './formats/jsonl-write.ts';
export { historyFromJepsenEvents } from './formats/jepsen-events.ts';
export type { JepsenEvent } from './formats/jepsen-events.ts';
export { EdnReader } from './formats/edn.ts';
export type { EdnValue } from './formats/edn.ts';
export { printEdn } from './formats/print-edn.ts';
export { generateKvHistory, seededRandom } from './generate.ts';
export type { GeneratedHistory, KvHistoryOptions } from './generate.ts';
export { linearizable, sequentiallyConsistent, historyOfEvents } from './properties.ts';
