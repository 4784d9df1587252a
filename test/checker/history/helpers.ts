import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyFromJepsenEvents, type History, type JepsenEvent, type JepsenInput } from '../../../checker/history/index.ts';

/** The repo root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The corpus of real histories, test/fixtures/histories (a copy of the workplace's shared/histories). */
export function corpusDir(): string {
  const dir = path.resolve(ROOT, 'test/fixtures/histories');
  if (!existsSync(path.join(dir, 'porcupine/VERDICTS.tsv'))) {
    throw new Error(`the history corpus is missing: expected ${dir}/porcupine/VERDICTS.tsv`);
  }
  return dir;
}

/** One event, `[process, type, f, value, key?]`. */
export type Ev = [number | string, JepsenEvent['type'], string, unknown, unknown?];

/** A history from events in real-time order (line i+1 for event i). */
export function events(list: Ev[], file = 'test'): History<JepsenInput, unknown> {
  return historyFromJepsenEvents(
    list.map(([process, type, f, value, key], i) => ({ process, type, f, value, line: i + 1, ...(key !== undefined ? { key } : {}) })),
    file,
  );
}
