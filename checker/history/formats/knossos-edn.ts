import type { History, JepsenInput } from '../types.ts';
import { EdnReader } from './edn.ts';
import { jepsenEventFromEdn } from './edn-op.ts';
import { historyFromJepsenEvents, type JepsenEvent } from './jepsen-events.ts';

/**
 * Parses a Knossos/Jepsen EDN history: a vector or a list of operation maps
 * (`[{:process 0, :type :invoke, :f :write, :value 3} …]`, `({…} …)`), or the same maps with no
 * enclosing collection (as in Jepsen's history.edn); `;` comments, commas and any whitespace
 * anywhere. `:process :nemesis` entries are ignored. Knossos's semantics of completions
 * ({@link historyFromJepsenEvents} with `'knossos'`).
 */
export function parseKnossosEdn(text: string, file = '<input>'): History<JepsenInput, unknown> {
  const reader = new EdnReader(text, file);
  const events: JepsenEvent[] = [];
  const take = (): void => {
    const line = reader.line;
    const event = jepsenEventFromEdn(reader.readForm(), file, line);
    if (event) events.push(event);
  };
  if (reader.atEnd()) return historyFromJepsenEvents(events, file, 'knossos');
  const open = reader.peek();
  if (open === '[' || open === '(') {
    const close = open === '[' ? ']' : ')';
    const what = open === '[' ? 'vector' : 'list';
    reader.expect(open, `a ${what} of operation maps`);
    for (;;) {
      const c = reader.peek();
      if (c === close) break;
      if (c === '') reader.fail(`"${close}" to close the ${what} of operations`, 'end of input');
      // Record the line where the map starts (peek skipped the whitespace before it).
      take();
    }
    reader.expect(close, `"${close}" to close the ${what} of operations`);
    if (!reader.atEnd()) reader.fail(`nothing after the ${what} of operations`, 'more input');
  } else {
    while (!reader.atEnd()) take();
  }
  return historyFromJepsenEvents(events, file, 'knossos');
}
