import type { FailureOp, HistoryCheckResult, HistoryFailure } from '../../checker/history/index.ts';

/** Where a reported history came from, for headings. */
export interface HistoryReportContext {
  /** The history file. */
  file?: string;
  /** Its format name. */
  format?: string;
}

/** "linearizable" / "sequentially consistent". */
export function conditionName(result: HistoryCheckResult): string {
  return result.consistency === 'linearizable' ? 'linearizable' : 'sequentially consistent';
}

/** One-line verdict: `etcd_000.log: not linearizable (cas-register model, 85 operations, 0.013 s)`. */
export function headline(result: HistoryCheckResult, context: HistoryReportContext = {}): string {
  const what = context.file ? `${context.file}: ` : '';
  const verdict =
    result.verdict === 'ok'
      ? conditionName(result)
      : result.verdict === 'violation'
        ? `not ${conditionName(result)}`
        : `gave up (time limit) before deciding whether it is ${conditionName(result)}`;
  const parts = result.partitions > 1 ? `, ${result.partitions} keys` : '';
  return `${what}${verdict} (${result.model} model, ${result.ops} operations${parts}, ${result.seconds.toFixed(3)} s)`;
}

/** `p3` for process 3, `pnemesis` for a named one. */
export function processLabel(process: string | number): string {
  return `p${process}`;
}

/** The failure's operations by id. */
export function opsById(failure: HistoryFailure): Map<number, FailureOp> {
  return new Map(failure.ops.map((op) => [op.id, op]));
}

/** `op 43 (line 85, p11): read() → 2`. */
export function opReference(op: FailureOp): string {
  const where = op.line !== undefined ? `line ${op.line}, ` : '';
  return `op ${op.id} (${where}${processLabel(op.process)}): ${op.label}`;
}

/** Processes in a stable order: numbers numerically, then names. */
export function sortedProcesses(ops: readonly FailureOp[]): Array<string | number> {
  const seen = [...new Set(ops.map((op) => op.process))];
  return seen.sort((a, b) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : typeof a === 'number' ? -1 : typeof b === 'number' ? 1 : String(a).localeCompare(String(b)),
  );
}

/** Sentences explaining a failure, shared by the renderers (plain text, no markup). */
export function failureSentences(result: HistoryCheckResult, failure: HistoryFailure): { failing: string; states?: string; stuckState: string } {
  const byId = opsById(failure);
  const failing = byId.get(failure.failingOp)!;
  const failingText = `The history stops being ${conditionName(result)} when ${opReference(failing)} completes: every prefix before that point is ${conditionName(result)}.`;
  const states =
    failure.possibleStates === undefined
      ? undefined
      : `Just before op ${failing.id} was invoked, the model could only be in ${failure.possibleStates.length === 1 ? 'state' : 'one of the states'} ${failure.possibleStates.join(', ')} (over every linearization of the operations completed by then); from none of them can the window below be linearized.`;
  const last = failure.longestStates.length > 0 ? failure.longestStates[failure.longestStates.length - 1] : failure.initialState;
  return { failing: failingText, states, stuckState: last };
}

/** Shortens a long description for a table cell (`…` in the middle is not needed: states read left to right). */
export function clip(text: string, max = 80): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}
