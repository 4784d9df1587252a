import { HistoryParseError } from '../errors.ts';
import type { History, JepsenInput, ProcessId } from '../types.ts';
import { EdnReader, type EdnValue } from './edn.ts';
import { historyFromJepsenEvents, type JepsenEvent } from './jepsen-events.ts';

const OP_LINE = /\bjepsen\.util\s*[-:]\s+(\S+)\s+:(\S+)\s+:(\S+)(?:\s+(.*?))?\s*$/;
const LOG_LINE = /^(?:\d{4}-\d\d-\d\d[ T]\S+\s*)?(?:\{\S*\}\s*)?(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL)\b/;
const CONTINUATION = /^(?:\s|at\s|Caused by|\.\.\.)/;
const SHAPE = 'a Jepsen log line "INFO  jepsen.util - <process> :invoke|:ok|:fail|:info :<f> <value>"';
const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);

/** The single EDN value in `text` (at `line`), or a parse error. */
function value(text: string, file: string, line: number): EdnValue {
  const reader = new EdnReader(text, file, line);
  const v = reader.readForm();
  if (!reader.atEnd()) reader.fail('one EDN value after the function', JSON.stringify(text));
  return v;
}

/**
 * Parses a Jepsen log as in Porcupine's etcd test data (`INFO  jepsen.util - 0\t:invoke\t:read\tnil`;
 * tabs or spaces). Op lines are the lines that mention `jepsen.util`; other log lines (any line
 * starting with a log level, with or without a timestamp, and stack-trace continuations) are
 * skipped; anything else is an error. `:nemesis` lines are ignored. Values are EDN (`nil`, `3`,
 * `[1 2]`, `:timed-out`); the semantics of completions are those of {@link historyFromJepsenEvents}.
 */
export function parsePorcupineEtcd(text: string, file = '<input>'): History<JepsenInput, unknown> {
  const events: JepsenEvent[] = [];
  const lines = text.split('\n');
  let sawOther = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].replace(/\r$/, '');
    const line = i + 1;
    if (raw.trim() === '') continue;
    if (!raw.includes('jepsen.util')) {
      if (LOG_LINE.test(raw) || CONTINUATION.test(raw)) {
        sawOther++;
        continue;
      }
      throw new HistoryParseError(file, line, SHAPE, JSON.stringify(raw.length > 60 ? raw.slice(0, 60) + '…' : raw));
    }
    const m = OP_LINE.exec(raw);
    if (!m) throw new HistoryParseError(file, line, SHAPE, JSON.stringify(raw.length > 60 ? raw.slice(0, 60) + '…' : raw));
    const [, proc, type, f, rest] = m;
    if (proc === ':nemesis') continue;
    let process: ProcessId;
    if (/^\d+$/.test(proc)) process = Number(proc);
    else if (proc.startsWith(':')) process = proc.slice(1);
    else throw new HistoryParseError(file, line, 'a process number (or :nemesis) after "jepsen.util -"', JSON.stringify(proc));
    if (!TYPES.has(type)) throw new HistoryParseError(file, line, ':invoke, :ok, :fail or :info after the process', JSON.stringify(':' + type));
    if (rest === undefined || rest === '') throw new HistoryParseError(file, line, `a value after :${f} (nil when there is none)`, 'end of line');
    events.push({ process, type: type as JepsenEvent['type'], f, value: value(rest, file, line), line });
  }
  if (events.length === 0 && sawOther > 0) {
    throw new HistoryParseError(file, 0, `${SHAPE} (no operations found)`);
  }
  return historyFromJepsenEvents(events, file);
}
