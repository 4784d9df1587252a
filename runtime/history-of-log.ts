import type { ParsedLog } from './parse-log.ts';

/** A client operation's input as Jepsen-style histories name it: `{ f, value?, key? }`. */
interface JepsenInput {
  f: string;
  value?: unknown;
  key?: unknown;
}

function isJepsen(input: unknown): input is JepsenInput {
  return input !== null && typeof input === 'object' && !Array.isArray(input) && typeof (input as JepsenInput).f === 'string';
}

/**
 * The client operations of a run log as a history in faultline's `jsonl` format, for
 * `faultline history`: each `invoke` and `respond` in the order of the logged times (an
 * operation in flight when its node crashed ends `info`: unknown outcome). Only inputs shaped
 * as `{ f, value?, key? }` can be written; `skipped` counts the others.
 */
export function historyOfLog(log: ParsedLog): { text: string; operations: number; skipped: number } {
  const events = log.events
    .filter((e) => e.kind === 'invoke' || e.kind === 'respond' || e.kind === 'crash')
    .sort((a, b) => a.t - b.t || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0) || a.seq - b.seq);
  const pending = new Map<string, JepsenInput>();
  const lines: string[] = [];
  let operations = 0;
  let skipped = 0;
  for (const e of events) {
    const process = e.node;
    if (e.kind === 'invoke') {
      if (!isJepsen(e.input)) {
        skipped++;
        continue;
      }
      pending.set(process, e.input);
      operations++;
      lines.push(JSON.stringify({ process, type: 'invoke', f: e.input.f, ...('key' in e.input ? { key: e.input.key } : {}), ...('value' in e.input ? { value: e.input.value } : {}) }));
    } else {
      const input = pending.get(process);
      if (!input) continue;
      pending.delete(process);
      const key = 'key' in input ? { key: input.key } : {};
      if (e.kind === 'respond') lines.push(JSON.stringify({ process, type: 'ok', f: input.f, ...key, value: e.output ?? null }));
      else lines.push(JSON.stringify({ process, type: 'info', f: input.f, ...key }));
    }
  }
  return { text: lines.length === 0 ? '' : lines.join('\n') + '\n', operations, skipped };
}
