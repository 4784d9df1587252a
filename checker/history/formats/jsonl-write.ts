import type { History, JepsenInput, Operation, ProcessId } from '../types.ts';

interface Line {
  time: number;
  /** Invocations sort before completions at the same time (they are concurrent). */
  order: number;
  record: Record<string, unknown>;
}

function event(op: Operation<JepsenInput, unknown>, type: string, value: unknown): Record<string, unknown> {
  const record: Record<string, unknown> = { process: op.process, type, f: op.input.f };
  if (op.input.key !== undefined) record.key = op.input.key;
  record.value = value === undefined ? null : value;
  return record;
}

/**
 * Writes a history in faultline's JSON-lines format, the inverse of {@link parseJsonl}: an
 * `invoke` line at each operation's call and an `ok` line at its completion (a cas that returned
 * false becomes a `fail`); an unknown-outcome operation gets an `info` line just before its
 * process's next invocation, or no completion at all when it is the process's last.
 * Values must be JSON-serialisable.
 */
export function serializeJsonl(history: History<JepsenInput, unknown>): string {
  const lines: Line[] = [];
  const byProcess = new Map<ProcessId, Operation<JepsenInput, unknown>[]>();
  for (const op of history.ops) {
    const list = byProcess.get(op.process) ?? [];
    list.push(op);
    byProcess.set(op.process, list);
  }
  for (const list of byProcess.values()) {
    list.sort((a, b) => a.call - b.call);
    list.forEach((op, i) => {
      lines.push({ time: op.call, order: 0, record: event(op, 'invoke', op.input.value) });
      if (op.outcome === 'ok') {
        if (op.input.f === 'cas') lines.push({ time: op.ret, order: 1, record: event(op, op.output === false ? 'fail' : 'ok', op.input.value) });
        else lines.push({ time: op.ret, order: 1, record: event(op, 'ok', op.output) });
      } else if (i + 1 < list.length) {
        // Just before the next invocation of the same process.
        lines.push({ time: list[i + 1].call, order: -1, record: event(op, 'info', null) });
      }
    });
  }
  lines.sort((a, b) => a.time - b.time || a.order - b.order);
  return lines.map((l) => JSON.stringify(l.record) + '\n').join('');
}
