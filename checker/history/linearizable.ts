import { checkHistory } from './check-history.ts';
import type { History, HistoryCheckOptions, HistoryCheckResult, SequentialModel } from './types.ts';

/**
 * Whether `history` is linearizable with respect to `model`: there is a total order of its
 * operations that respects real time (an operation that completed before another was invoked comes
 * first), in which every known-outcome operation returns what the model returns, and in which each
 * unknown-outcome operation takes effect after its invocation or not at all. Wing–Gong–Lowe search
 * with memoisation; partitioned models are checked key by key (P-compositionality).
 */
export function checkLinearizable<S, I, O>(
  history: History<I, O>,
  model: SequentialModel<S, I, O>,
  options: HistoryCheckOptions = {},
): HistoryCheckResult {
  return checkHistory(history, model, { ...options, consistency: 'linearizable' });
}
