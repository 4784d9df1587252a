import type { HistoryEvent, World, WorldPredicate } from '../../specs/index.ts';
import { checkHistory } from './check-history.ts';
import type { Consistency, History, Operation, SequentialModel } from './types.ts';

/**
 * The client history a protocol recorded with `ctx.invoke`/`ctx.respond`, as a history of
 * operations: event order is real-time order, and an operation without a response has an
 * unknown outcome (it may have taken effect, or not).
 */
export function historyOfEvents(events: readonly HistoryEvent[]): History {
  const ops: Operation[] = [];
  events.forEach((event, call) => {
    if (event.kind !== 'invoke') return;
    const done = events.findIndex((e, j) => j > call && e.client === event.client);
    const response = done >= 0 ? events[done] : undefined;
    ops.push({
      id: ops.length,
      process: event.client,
      input: event.input,
      ...(response?.kind === 'respond' ? { output: response.output, outcome: 'ok' as const, ret: done } : { outcome: 'unknown' as const, ret: Infinity }),
      call,
    });
  });
  return { ops };
}

function historyProperty(model: SequentialModel<any, any, any>, consistency: Consistency): WorldPredicate {
  // Worlds share their history arrays with their predecessors: decide each array once.
  const verdicts = new WeakMap<readonly HistoryEvent[], boolean>();
  return (w: World) => {
    const events = w.state.history;
    if (!events) return true;
    let ok = verdicts.get(events);
    if (ok === undefined) {
      ok = checkHistory(historyOfEvents(events), model, { consistency, explain: false }).verdict !== 'violation';
      verdicts.set(events, ok);
    }
    return ok;
  };
}

/** A world property: the clients' history so far is linearizable with respect to `model`. */
export function linearizable(model: SequentialModel<any, any, any>): WorldPredicate {
  return historyProperty(model, 'linearizable');
}

/** A world property: the clients' history so far is sequentially consistent with respect to `model`. */
export function sequentiallyConsistent(model: SequentialModel<any, any, any>): WorldPredicate {
  return historyProperty(model, 'sequential');
}
