import type { History, JepsenInput } from '../types.ts';
import { EdnReader } from './edn.ts';
import { jepsenEventFromEdn } from './edn-op.ts';
import { historyFromJepsenEvents, type JepsenEvent } from './jepsen-events.ts';

/**
 * Parses a Porcupine key-value log: one EDN operation map per line
 * (`{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}`); blank lines and `;`
 * comments are skipped. Semantics of completions: {@link historyFromJepsenEvents}.
 */
export function parsePorcupineKv(text: string, file = '<input>'): History<JepsenInput, unknown> {
  const events: JepsenEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const reader = new EdnReader(lines[i], file, i + 1);
    if (reader.atEnd()) continue;
    if (reader.peek() !== '{') reader.fail('an operation map starting with "{" (one per line)', JSON.stringify(lines[i].trim().slice(0, 60)));
    const form = reader.readForm();
    if (!reader.atEnd()) reader.fail('one operation map per line', 'more after the map');
    const event = jepsenEventFromEdn(form, file, i + 1);
    if (event) events.push(event);
  }
  return historyFromJepsenEvents(events, file);
}
