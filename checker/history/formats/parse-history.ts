import type { History, JepsenInput } from '../types.ts';
import { parseJsonl } from './jsonl.ts';
import { parseKnossosEdn } from './knossos-edn.ts';
import { parsePorcupineEtcd } from './porcupine-etcd.ts';
import { parsePorcupineKv } from './porcupine-kv.ts';

/** The history file formats faultline reads, by CLI name. */
export const HISTORY_FORMATS = {
  'porcupine-etcd': parsePorcupineEtcd,
  'porcupine-kv': parsePorcupineKv,
  'knossos-edn': parseKnossosEdn,
  jsonl: parseJsonl,
} as const;

/** A history format's CLI name. */
export type HistoryFormat = keyof typeof HISTORY_FORMATS;

/** Parses `text` (the contents of `file`) in the given format. Throws HistoryParseError on bad input. */
export function parseHistory(text: string, format: HistoryFormat, file = '<input>'): History<JepsenInput, unknown> {
  return HISTORY_FORMATS[format](text, file);
}
