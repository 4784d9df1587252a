import { checkHistory } from './check-history.ts';
import type { History, HistoryCheckOptions, HistoryCheckResult, SequentialModel } from './types.ts';

/**
 * Whether `history` is sequentially consistent with respect to `model`: like linearizability, but
 * the total order need only respect each process's own order of operations, not real time between
 * processes. Every linearizable history is sequentially consistent; a stale read by another client
 * after a write completed is sequentially consistent but not linearizable. Sequential consistency
 * is not compositional, so a partitioned model is checked over all its keys at once.
 */
export function checkSequentiallyConsistent<S, I, O>(
  history: History<I, O>,
  model: SequentialModel<S, I, O>,
  options: HistoryCheckOptions = {},
): HistoryCheckResult {
  return checkHistory(history, model, { ...options, consistency: 'sequential' });
}
