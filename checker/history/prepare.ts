import { HistoryModelError } from './errors.ts';
import type { PreparedOp } from './search.ts';
import type { History, SequentialModel } from './types.ts';

/**
 * Turns a history into the search's operations: checks every input against the model (a
 * {@link HistoryModelError} naming the line otherwise), and drops unknown-outcome operations that
 * the model says are read-only (they cannot change anything and their output is unknown, so they
 * constrain nothing), and read-only operations whose output the model says tells nothing
 * ({@link SequentialModel.observesNothing}: Knossos's `nil` reads) for the same reason.
 */
export function prepareOps(history: History, model: SequentialModel<unknown, unknown, unknown>): PreparedOp[] {
  const file = history.source ?? '<input>';
  const prepared: PreparedOp[] = [];
  for (const op of history.ops) {
    const problem = model.validate?.(op.input);
    if (problem !== undefined) throw new HistoryModelError(file, op.line ?? 0, problem);
    const known = op.outcome === 'ok';
    if (!known && model.readOnly?.(op.input)) continue;
    if (known && model.readOnly?.(op.input) && model.observesNothing?.(op.input, op.output)) continue;
    if (!(op.call <= op.ret)) throw new HistoryModelError(file, op.line ?? 0, `operation ${op.id} returns (${op.ret}) before it is invoked (${op.call})`);
    prepared.push({ id: op.id, process: op.process, input: op.input, output: op.output, known, call: op.call, ret: known ? op.ret : Infinity, line: op.line });
  }
  return prepared;
}
