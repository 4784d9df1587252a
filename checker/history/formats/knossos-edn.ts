import type { History, JepsenInput } from '../types.ts';
import { EdnReader } from './edn.ts';
import { jepsenEventFromEdn } from './edn-op.ts';
import { historyFromJepsenEvents, type JepsenEvent } from './jepsen-events.ts';

/**
 * Parses a Knossos/Jepsen EDN history: a vector of operation maps
 * (`[{:process 0, :type :invoke, :f :write, :value 3} …]`), or the same maps with no enclosing
 * vector (as in Jepsen's history.edn). `:process :nemesis` entries are ignored. Semantics of
 * completions: {@link historyFromJepsenEvents}.
 */
export function parseKnossosEdn(text: string, file = '<input>'): History<JepsenInput, unknown> {
  const reader = new EdnReader(text, file);
  const events: JepsenEvent[] = [];
  const take = (): void => {
    const line = reader.line;
    const event = jepsenEventFromEdn(reader.readForm(), file, line);
    if (event) events.push(event);
  };
  if (reader.atEnd()) return historyFromJepsenEvents(events, file);
  if (reader.peek() === '[') {
    reader.expect('[', 'a vector of operation maps');
    for (;;) {
      const c = reader.peek();
      if (c === ']') break;
      if (c === '') reader.fail('"]" to close the vector of operations', 'end of input');
      // Record the line where the map starts (peek skipped the whitespace before it).
      take();
    }
    reader.expect(']', '"]" to close the vector of operations');
    if (!reader.atEnd()) reader.fail('nothing after the vector of operations', 'more input');
  } else {
    while (!reader.atEnd()) take();
  }
  return historyFromJepsenEvents(events, file);
}
