import { HistoryParseError } from '../errors.ts';
import type { History, HistorySemantics, JepsenInput, Operation, ProcessId } from '../types.ts';

/** One line of a Jepsen-style history: an invocation or a completion. */
export interface JepsenEvent {
  process: ProcessId;
  type: 'invoke' | 'ok' | 'fail' | 'info';
  /** The function, without a leading colon: `read`, `write`, `cas`, `get`, … */
  f: string;
  key?: unknown;
  value: unknown;
  /** 1-based source line. */
  line: number;
}

interface Open {
  event: JepsenEvent;
  time: number;
}

/**
 * Pairs Jepsen-style invocations and completions (in file order, which is real-time order) into a
 * {@link History}, with these semantics:
 *
 * - `:ok`: the operation took effect between its invocation and completion; its output is the
 *   completion's value, except for `cas`, whose output is `true`.
 * - `:fail`: the operation did not take effect and is dropped — except `cas`, which did run and
 *   returned false (a completed operation with output `false`). A failed read says nothing.
 * - `:info`, or no completion before the end of the file: unknown outcome — it may take effect at
 *   any point after its invocation, or never. The process is free to invoke again afterwards.
 *
 * With `semantics` `'knossos'` (EDN histories), Knossos's rules instead: an `:ok` completion's
 * value becomes the operation's value (a write's or cas's argument too, as knossos.history/complete
 * does), and every `:fail`ed operation is dropped, a cas included; the history is marked
 * `semantics: 'knossos'` so that the register models read a `nil` read as "value unknown".
 *
 * Throws a {@link HistoryParseError} for a completion without an invocation, a completion of a
 * different function, or an invocation while the process has an operation in flight.
 */
export function historyFromJepsenEvents(
  events: Iterable<JepsenEvent>,
  file: string,
  semantics: HistorySemantics = 'porcupine',
): History<JepsenInput, unknown> {
  const knossos = semantics === 'knossos';
  const open = new Map<ProcessId, Open>();
  // Kept operations, in invocation order, before ids are assigned.
  const kept: Array<{ call: number; op: Omit<Operation<JepsenInput, unknown>, 'id'> }> = [];
  let time = 0;
  const start = (o: Open, ret: number, outcome: 'ok' | 'unknown', output: unknown, completed?: JepsenEvent): void => {
    const e = o.event;
    // Knossos (knossos.history/complete): an :ok completion's value becomes the operation's value.
    const value = knossos && completed && e.f !== 'read' ? completed.value : e.value;
    const input: JepsenInput = e.key === undefined ? { f: e.f, value } : { f: e.f, key: e.key, value };
    const op: Omit<Operation<JepsenInput, unknown>, 'id'> = { process: e.process, input, outcome, call: o.time, ret, line: e.line };
    if (outcome === 'ok') op.output = output;
    kept.push({ call: o.time, op });
  };
  for (const e of events) {
    const t = time++;
    if (e.type === 'invoke') {
      const previous = open.get(e.process);
      if (previous) {
        throw new HistoryParseError(
          file,
          e.line,
          `a completion of process ${String(e.process)}'s :${previous.event.f} (invoked at line ${previous.event.line}) before its next invocation`,
          `:invoke :${e.f}`,
        );
      }
      open.set(e.process, { event: e, time: t });
      continue;
    }
    const invocation = open.get(e.process);
    if (!invocation) {
      throw new HistoryParseError(file, e.line, `an :invoke by process ${String(e.process)} before this completion`, `:${e.type} :${e.f} with nothing in flight`);
    }
    if (invocation.event.f !== e.f) {
      throw new HistoryParseError(
        file,
        e.line,
        `a completion of :${invocation.event.f} (invoked at line ${invocation.event.line}) for process ${String(e.process)}`,
        `:${e.type} :${e.f}`,
      );
    }
    open.delete(e.process);
    if (e.type === 'ok') start(invocation, t, 'ok', e.f === 'cas' ? true : e.value, e);
    else if (e.type === 'fail') {
      // Knossos drops every failed operation (knossos.history/without-failures).
      if (e.f === 'cas' && !knossos) start(invocation, t, 'ok', false);
    } else start(invocation, Infinity, 'unknown', undefined);
  }
  for (const o of open.values()) start(o, Infinity, 'unknown', undefined);
  kept.sort((a, b) => a.call - b.call);
  const history: History<JepsenInput, unknown> = { ops: kept.map(({ op }, id) => ({ id, ...op })), source: file };
  if (knossos) history.semantics = 'knossos';
  return history;
}
