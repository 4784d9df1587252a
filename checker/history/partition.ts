import type { PreparedOp } from './search.ts';
import type { SequentialModel } from './types.ts';

/** One independent part of a history (P-compositionality), with the key it is about. */
export interface HistoryPartition {
  /** The partition key, when the model is partitioned. */
  key?: string;
  ops: PreparedOp[];
}

/**
 * Splits operations by the model's `partition` key (in key order), or returns them as one part
 * when the model has none. A history is linearizable iff each part is (linearizability is local).
 */
export function partitionOps(ops: PreparedOp[], model: SequentialModel<unknown, unknown, unknown>): HistoryPartition[] {
  if (!model.partition) return [{ ops }];
  const parts = new Map<string, PreparedOp[]>();
  for (const op of ops) {
    const key = model.partition(op.input);
    const list = parts.get(key);
    if (list) list.push(op);
    else parts.set(key, [op]);
  }
  return [...parts.keys()].sort().map((key) => ({ key, ops: parts.get(key)! }));
}
