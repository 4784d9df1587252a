import { explainFailure } from './explain.ts';
import { partitionOps } from './partition.ts';
import { prepareOps } from './prepare.ts';
import { programOrder } from './program-order.ts';
import { realTimeOrder } from './realtime-order.ts';
import { searchLinearization } from './search.ts';
import type { Consistency, History, HistoryCheckOptions, HistoryCheckResult, SequentialModel } from './types.ts';
import { wholeStateModel } from './whole-state.ts';

/**
 * Checks a history against a sequential model for linearizability (real-time order; each
 * partition of a partitioned model on its own) or sequential consistency (per-process order
 * only; the whole state at once). Throws {@link HistoryModelError} when an operation is not one
 * the model understands. Verdict `timeout` when `timeoutMs` ran out first.
 */
export function checkHistory<S, I, O>(
  history: History<I, O>,
  model: SequentialModel<S, I, O>,
  options: HistoryCheckOptions & { consistency?: Consistency } = {},
): HistoryCheckResult {
  const started = performance.now();
  const deadline = options.timeoutMs !== undefined ? Date.now() + options.timeoutMs : Infinity;
  const consistency = options.consistency ?? 'linearizable';
  const m = model as unknown as SequentialModel<unknown, unknown, unknown>;
  const ops = prepareOps(history as History, m);
  const effective = consistency === 'sequential' && m.partition ? (wholeStateModel(m) as SequentialModel<unknown, unknown, unknown>) : m;
  const parts = consistency === 'linearizable' ? partitionOps(ops, m) : [{ ops }];
  const orderOf = consistency === 'linearizable' ? realTimeOrder : programOrder;
  const result = (verdict: HistoryCheckResult['verdict']): HistoryCheckResult => ({
    consistency,
    verdict,
    model: model.name,
    ops: ops.length,
    partitions: parts.length,
    seconds: (performance.now() - started) / 1000,
  });
  if (consistency === 'sequential') {
    // Linearizable implies sequentially consistent, and the real-time search is far narrower:
    // try it first (each key on its own).
    const linear = partitionOps(ops, m).every(
      (part) => searchLinearization(part.ops, m, realTimeOrder(part.ops), { deadline }).kind === 'ok',
    );
    if (linear) return result('ok');
  }
  for (const part of parts) {
    const outcome = searchLinearization(part.ops, effective, orderOf(part.ops), { deadline });
    if (outcome.kind === 'timeout') return result('timeout');
    if (outcome.kind === 'fail') {
      const failure = options.explain === false ? undefined : explainFailure(part.ops, effective, consistency, deadline, 'key' in part ? part.key : undefined, outcome);
      return { ...result('violation'), ...(failure ? { failure } : {}) };
    }
  }
  return result('ok');
}
