import { BadInputError } from '../api/errors.ts';
import { EVENT_KINDS, LOG_VERSION, type LogEvent, type RunHeader } from './log-format.ts';

/** An event as read from a log, with where it came from. */
export type LoggedEvent = LogEvent & { /** `file:line`, for messages. */ where: string };

/** A parsed run log. */
export interface ParsedLog {
  /** The first header line, if the log has one. */
  header: RunHeader | undefined;
  /** The events, in file order. */
  events: LoggedEvent[];
}

const FIX = 'one JSON object per line, as faultline run writes; the format is in the README, "Checking the real thing"';

type Check = (value: unknown) => boolean;
const isString: Check = (v) => typeof v === 'string' && v.length > 0;
const isMessage: Check = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { type?: unknown }).type === 'string';
const isStringList: Check = (v) => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isList: Check = (v) => Array.isArray(v);
const isCount: Check = (v) => Number.isInteger(v) && (v as number) >= 0;
const isNumber: Check = (v) => typeof v === 'number' && Number.isFinite(v);

/** The fields each kind must have (required) or may have (optional), and their shapes. */
const FIELDS: Record<string, { required: Record<string, Check>; optional: Record<string, Check> }> = {
  start: { required: {}, optional: { state: () => true, timers: isStringList, chose: isList, now: isNumber } },
  deliver: { required: { from: isString, msg: isMessage }, optional: { mid: isString, state: () => true, timers: isStringList, chose: isList, now: isNumber } },
  timer: { required: { timer: isString }, optional: { state: () => true, timers: isStringList, chose: isList, now: isNumber } },
  recover: { required: {}, optional: { state: () => true, timers: isStringList, chose: isList, now: isNumber } },
  crash: { required: {}, optional: {} },
  send: { required: { to: isString, msg: isMessage, mid: isString }, optional: {} },
  drop: { required: { to: isString, msg: isMessage }, optional: { mid: isString } },
  duplicate: { required: { to: isString, msg: isMessage }, optional: { mid: isString } },
  invoke: { required: { input: () => true }, optional: {} },
  respond: { required: { output: () => true }, optional: {} },
};

const HEADER_FIELDS: Record<string, Check> = {
  protocol: (v) => typeof v === 'string',
  params: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
  nodes: isStringList,
  transport: (v) => typeof v === 'string',
  tickMs: (v) => isNumber(v) && (v as number) > 0,
  seed: isNumber,
  dropRate: isNumber,
  dupRate: isNumber,
};

function has(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/**
 * Reads a JSON-lines run log. Logs are data: each line is parsed with JSON.parse and checked
 * field by field; nothing in it is ever executed. A malformed line is bad input: one error
 * naming `file:line`, what is wrong and the fix.
 */
export function parseLog(text: string, file: string): ParsedLog {
  const lines = text.split('\n');
  let header: RunHeader | undefined;
  const events: LoggedEvent[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === '') continue;
    const where = `${file}:${i + 1}`;
    const fail = (why: string): never => {
      throw new BadInputError(`${where}: ${why} (${FIX})`);
    };
    let entry: unknown;
    try {
      entry = JSON.parse(raw);
    } catch {
      fail(`not JSON: ${JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}…` : raw)}`);
    }
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) fail('expected a JSON object');
    const o = entry as Record<string, unknown>;
    if (o.v !== LOG_VERSION) fail(`log version ${JSON.stringify(o.v ?? null)}: this faultline reads version ${LOG_VERSION} ("v":${LOG_VERSION} on every line)`);
    const kind = o.kind;
    if (kind === 'run') {
      for (const [key, check] of Object.entries(HEADER_FIELDS)) if (!has(o, key) || !check(o[key])) fail(`the run header's "${key}" is missing or malformed`);
      if (has(o, 'skew') && !(Number.isInteger(o.skew) && (o.skew as number) >= 0 && (o.skew as number) <= 1000)) fail('the run header\'s "skew" must be a whole number of ticks from 0 to 1000');
      header ??= o as unknown as RunHeader;
      continue;
    }
    if (typeof kind !== 'string' || !(EVENT_KINDS as readonly string[]).includes(kind)) {
      fail(`unknown event kind ${JSON.stringify(kind ?? null)} (kinds: run, ${EVENT_KINDS.join(', ')})`);
    }
    if (!isString(o.node)) fail('"node" is missing or not a node id');
    if (!Number.isInteger(o.seq) || (o.seq as number) < 1) fail('"seq" must be the node\'s sequence number, a whole number from 1');
    if (!isNumber(o.t)) fail('"t" must be the milliseconds since the run started');
    const fields = FIELDS[kind as string];
    for (const [key, check] of Object.entries(fields.required)) if (!has(o, key) || !check(o[key])) fail(`a ${kind} event needs a well-formed "${key}"`);
    for (const [key, check] of Object.entries(fields.optional)) if (has(o, key) && !check(o[key])) fail(`a ${kind} event's "${key}" is malformed`);
    if (isCount(o.seq)) events.push({ ...(o as unknown as LogEvent), where });
  }
  return { header, events };
}
