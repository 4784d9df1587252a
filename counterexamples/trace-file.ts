import type { Trace } from './trace.ts';

/** A trace file that cannot be read: the message says what is wrong and how to fix it. */
export class TraceFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceFileError';
  }
}

/** A trace as the text of a trace file. */
export function serializeTrace(trace: Trace): string {
  return JSON.stringify(trace, null, 2) + '\n';
}

function fail(what: string): never {
  throw new TraceFileError(`${what} (a trace file is written by \`faultline check --out DIR\` or taken from \`check --json\`)`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Reads a trace file: a bare trace, or the output of `check --json` (its first violation's
 * trace). Checks the shape replay and the renderers rely on.
 */
export function parseTrace(text: string): Trace {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    fail(`not JSON: ${(error as Error).message}`);
  }
  if (isRecord(json) && Array.isArray(json.violations)) {
    if (json.violations.length === 0) fail('this check result has no violation, so no trace');
    json = (json.violations[0] as Record<string, unknown>).trace;
  }
  if (!isRecord(json) || json.format !== 'faultline-trace') fail('not a faultline trace: "format" is not "faultline-trace"');
  if (json.version !== 1) fail(`trace version ${JSON.stringify(json.version)} is not supported (this faultline reads version 1)`);
  const spec = json.spec;
  if (!isRecord(spec) || typeof spec.path !== 'string' || typeof spec.name !== 'string') fail('"spec" must have a string "path" and "name"');
  if (!isRecord(json.params)) fail('"params" must be an object');
  if (json.environment !== undefined && !isRecord(json.environment)) fail('"environment" must be an object');
  const property = json.property;
  if (!isRecord(property) || typeof property.name !== 'string' || typeof property.kind !== 'string') {
    fail('"property" must have a string "name" and "kind"');
  }
  const initial = json.initial;
  if (!isRecord(initial) || !Number.isInteger(initial.index) || (initial.index as number) < 0 || !('state' in initial)) {
    fail('"initial" must have a whole-number "index" and a "state"');
  }
  if (!Array.isArray(json.steps)) fail('"steps" must be an array');
  json.steps.forEach((step, i) => {
    if (!isRecord(step) || typeof step.label !== 'string' || !Number.isInteger(step.index) || (step.index as number) < 0 || !('state' in step)) {
      fail(`step ${i + 1} must have a string "label", a whole-number "index" and a "state"`);
    }
  });
  if (!isRecord(json.faults)) fail('"faults" must be an object');
  return json as unknown as Trace;
}
