import { HistoryParseError } from '../errors.ts';
import type { ProcessId } from '../types.ts';
import type { EdnValue } from './edn.ts';
import type { JepsenEvent } from './jepsen-events.ts';
import { printEdn } from './print-edn.ts';

const TYPES = new Set([':invoke', ':ok', ':fail', ':info']);

/**
 * Reads one Jepsen/Knossos operation map (`{:process 0, :type :invoke, :f :read, :value nil}`,
 * optionally with `:key`; other keys such as `:time` and `:index` are ignored). Returns null for
 * `:process :nemesis` entries, which are not client operations.
 */
export function jepsenEventFromEdn(form: EdnValue, file: string, line: number): JepsenEvent | null {
  if (!(form instanceof Map)) {
    throw new HistoryParseError(file, line, 'an operation map like {:process 0, :type :invoke, :f :read, :value nil}', printEdn(form).slice(0, 60));
  }
  const processValue = form.get(':process');
  if (processValue === ':nemesis') return null;
  let process: ProcessId;
  if (typeof processValue === 'number' && Number.isInteger(processValue)) process = processValue;
  else if (typeof processValue === 'string') process = processValue.startsWith(':') ? processValue.slice(1) : processValue;
  else throw new HistoryParseError(file, line, 'a :process (an integer or :nemesis) in the operation map', processValue === undefined ? 'none' : printEdn(processValue));
  const type = form.get(':type');
  if (typeof type !== 'string' || !TYPES.has(type)) {
    throw new HistoryParseError(file, line, ':type :invoke, :ok, :fail or :info in the operation map', type === undefined ? 'none' : printEdn(type));
  }
  const f = form.get(':f');
  if (typeof f !== 'string' || f === '') throw new HistoryParseError(file, line, 'a :f (like :read) in the operation map', f === undefined ? 'none' : printEdn(f));
  const event: JepsenEvent = {
    process,
    type: type.slice(1) as JepsenEvent['type'],
    f: f.startsWith(':') ? f.slice(1) : f,
    value: form.has(':value') ? form.get(':value') : null,
    line,
  };
  if (form.has(':key')) event.key = form.get(':key');
  return event;
}
