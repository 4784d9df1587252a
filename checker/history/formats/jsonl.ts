import { HistoryParseError } from '../errors.ts';
import type { History, JepsenInput, ProcessId } from '../types.ts';
import { historyFromJepsenEvents, type JepsenEvent } from './jepsen-events.ts';

const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);
/** How deeply a value may nest (as for EDN): deeper is refused, never a stack overflow later. */
const MAX_DEPTH = 200;

/** Whether `value` nests deeper than `limit` arrays/objects (iterative: any depth is fine). */
function deeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}
const SHAPE = 'a JSON object like {"process": 0, "type": "invoke", "f": "write", "value": 3}';

/**
 * Parses faultline's JSON-lines history format (see checker/history/README.md): one event per
 * line, `{"process": 0, "type": "invoke"|"ok"|"fail"|"info", "f": "write", "key"?: …, "value"?: …}`,
 * in real-time order; blank lines are skipped; other fields are ignored; `"process": "nemesis"`
 * events are ignored. Semantics of completions: {@link historyFromJepsenEvents}.
 */
export function parseJsonl(text: string, file = '<input>'): History<JepsenInput, unknown> {
  const events: JepsenEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    const line = i + 1;
    if (raw === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch (error) {
      throw new HistoryParseError(file, line, SHAPE, `invalid JSON (${(error as Error).message})`);
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new HistoryParseError(file, line, SHAPE, raw.length > 60 ? raw.slice(0, 60) + '…' : raw);
    }
    const r = record as Record<string, unknown>;
    if (deeperThan(r.value, MAX_DEPTH) || deeperThan(r.key, MAX_DEPTH)) {
      throw new HistoryParseError(file, line, `a "value" and "key" with at most ${MAX_DEPTH} levels of nesting`, 'deeper nesting');
    }
    const process = r.process;
    if (process === 'nemesis') continue;
    if (!((typeof process === 'number' && Number.isInteger(process)) || (typeof process === 'string' && process !== ''))) {
      throw new HistoryParseError(file, line, 'a "process" (an integer or a non-empty string)', process === undefined ? 'none' : JSON.stringify(process));
    }
    if (typeof r.type !== 'string' || !TYPES.has(r.type)) {
      throw new HistoryParseError(file, line, '"type": "invoke", "ok", "fail" or "info"', r.type === undefined ? 'none' : JSON.stringify(r.type));
    }
    if (typeof r.f !== 'string' || r.f === '') {
      throw new HistoryParseError(file, line, 'an "f" (the operation name, like "read")', r.f === undefined ? 'none' : JSON.stringify(r.f));
    }
    const event: JepsenEvent = { process: process as ProcessId, type: r.type as JepsenEvent['type'], f: r.f, value: r.value ?? null, line };
    if ('key' in r) event.key = r.key;
    events.push(event);
  }
  return historyFromJepsenEvents(events, file);
}
