/**
 * Trace files: a trace as JSON text, and back. A trace file is data someone may have sent
 * you: `parseTrace` checks every field before anything reads it, and a file that is not a
 * trace is one line naming the field, what was expected and what was found.
 */
import { FAULT_KINDS } from '../specs/index.ts';
import type { FaultCounts, Trace, TraceStep } from './trace.ts';
import { jsonText, own } from './diff.ts';
import { escapeControl } from './escape.ts';

/** A trace file that cannot be read: the message says what is wrong and how to fix it. */
export class TraceFileError extends Error {
  /** The field at fault, e.g. `steps[3].index` (undefined when the file is not JSON at all). */
  readonly field?: string;
  constructor(message: string, field?: string) {
    super(message);
    this.name = 'TraceFileError';
    if (field !== undefined) this.field = field;
  }
}

/**
 * A trace as the text of a trace file (`JSON.stringify(trace, null, 2)` and a newline, built
 * without recursion so that a state of any depth can be saved).
 */
export function serializeTrace(trace: Trace): string {
  return jsonText(trace, { indent: 2 }) + '\n';
}

/** The strategies a trace may record: the searches of `check`, `flp` for the runs of `faultline flp`, `generals` for those of `faultline generals`. */
export const TRACE_STRATEGIES = ['bfs', 'dfs', 'random', 'flp', 'generals'] as const;

const WHERE = '(a trace file is written by `faultline check --out DIR` or taken from `check --json`)';

/** What was found, for a message: a type and a short, inert view of the value. */
function found(value: unknown, present: boolean): string {
  if (!present) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  const short = text.length > 40 ? `${text.slice(0, 39)}…` : text;
  return `${typeof value === 'string' ? 'the string' : `the ${typeof value}`} ${escapeControl(short)}`;
}

/** Throws the one-line error of a field. */
function fail(field: string, expected: string, value: unknown, present = true, note?: string): never {
  throw new TraceFileError(`${escapeControl(field)}: expected ${expected}, found ${found(value, present)}${note ? ` ${note}` : ''}`, field);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `a.b`, or `a["x y"]` for a key that is not a plain name. */
function fieldOf(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** Reads fields of one JSON object, each by its own key only. */
class Fields {
  constructor(
    readonly record: Record<string, unknown>,
    readonly path: string,
  ) {}

  has(key: string): boolean {
    return Object.hasOwn(this.record, key) && this.record[key] !== undefined;
  }

  field(key: string): string {
    return fieldOf(this.path, key);
  }

  get(key: string): unknown {
    return own(this.record, key);
  }

  string(key: string, what = 'a string'): string {
    const v = this.get(key);
    if (typeof v !== 'string') fail(this.field(key), what, v, this.has(key));
    return v;
  }

  index(key: string): number {
    const v = this.get(key);
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(this.field(key), 'a whole number ≥ 0', v, this.has(key));
    return v;
  }

  number(key: string): number {
    const v = this.get(key);
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(this.field(key), 'a number', v, this.has(key));
    return v;
  }

  object(key: string, what = 'an object'): Fields {
    const v = this.get(key);
    if (!isRecord(v)) fail(this.field(key), what, v, this.has(key));
    return new Fields(v, this.field(key));
  }

  /** A value that must be present (any JSON). */
  present(key: string, what: string): unknown {
    if (!Object.hasOwn(this.record, key)) fail(this.field(key), what, undefined, false);
    return this.get(key);
  }
}

/**
 * A flat map of plain values, as data: a null-prototype object (so a key such as
 * `toString` or `__proto__` is an entry like any other, and a missing key reads undefined).
 */
function flatMap<T>(fields: Fields, what: string, accept: (v: unknown) => v is T): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  for (const key of Object.keys(fields.record)) {
    const v = fields.get(key);
    if (!accept(v)) fail(fields.field(key), what, v);
    Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const isParam = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
const isKnob = (v: unknown): v is number | boolean | null => v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
const isClock = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function clocksOf(parent: Fields): TraceStep['clocks'] | undefined {
  if (!parent.has('clocks')) return undefined;
  const clocks = parent.object('clocks', 'an object { t, local }');
  const local = clocks.object('local', 'an object of each node’s local clock');
  return { t: clocks.number('t'), local: flatMap(local, 'a number', isClock) };
}

const FAULTS: readonly (keyof FaultCounts)[] = FAULT_KINDS.map((f) => f.name);
/** The kinds a trace file may leave out (written before they existed): read as 0. */
const OPTIONAL_FAULTS = new Set(FAULT_KINDS.filter((f) => f.optionalInTraceFiles).map((f) => f.name));

/**
 * Reads a trace file: a bare trace, or the output of `check --json` (its first violation's
 * trace). Every field is checked, so what comes back is a well-formed {@link Trace} built
 * afresh from the file's data (unknown fields are left behind; params, environment and
 * clocks are null-prototype maps). A file that is not one throws a {@link TraceFileError}
 * of one line, `<field>: expected …, found …`; with `file`, the line starts `<file>: `.
 */
export function parseTrace(text: string, file?: string): Trace {
  try {
    return readTrace(text);
  } catch (error) {
    if (file !== undefined && error instanceof TraceFileError) {
      throw new TraceFileError(`${escapeControl(file)}: ${error.message}`, error.field);
    }
    throw error;
  }
}

function readTrace(text: string): Trace {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TraceFileError(`not JSON: ${escapeControl((error as Error).message)} ${WHERE}`);
  }
  let path = '';
  if (isRecord(json) && Object.hasOwn(json, 'violations')) {
    const violations = own(json, 'violations');
    if (!Array.isArray(violations)) fail('violations', 'an array of violations', violations);
    if (violations.length === 0) fail('violations', 'at least one violation', violations, true, '(this check result has no violation, so no trace)');
    const first = violations[0];
    if (!isRecord(first) || !isRecord(own(first, 'trace'))) fail('violations[0]', 'an object with a "trace"', first);
    json = own(first, 'trace');
    path = 'violations[0].trace';
  }
  if (!isRecord(json)) fail(path || '(file)', 'a trace object', json, true, `(not a faultline trace ${WHERE})`);
  const top = new Fields(json, path);
  const at = (key: string): string => top.field(key);
  if (top.get('format') !== 'faultline-trace') {
    fail(at('format'), '"faultline-trace"', top.get('format'), top.has('format'), `(not a faultline trace ${WHERE})`);
  }
  if (top.get('version') !== 1) {
    const v = top.get('version');
    const note = typeof v === 'number' ? `(trace version ${v} is not supported: this faultline reads version 1)` : undefined;
    fail(at('version'), '1', v, top.has('version'), note);
  }

  const spec = top.object('spec', 'an object { path, name, sha256? }');
  const specPath = spec.string('path');
  if (specPath === '') fail(spec.field('path'), 'a file path', specPath);
  const name = spec.string('name');
  let sha256: string | undefined;
  if (spec.has('sha256')) {
    sha256 = spec.string('sha256', 'a SHA-256 as 64 hex digits');
    if (!/^[0-9a-f]{64}$/.test(sha256)) fail(spec.field('sha256'), 'a SHA-256 as 64 hex digits', sha256);
  }

  const params = flatMap(top.object('params', 'an object of --param values'), 'a string, a number or a boolean', isParam);
  const environment = top.has('environment')
    ? flatMap(top.object('environment', 'an object of environment knobs'), 'a number, a boolean or null', isKnob)
    : undefined;

  const strategy = top.string('strategy', `one of ${TRACE_STRATEGIES.join(', ')}`);
  if (!(TRACE_STRATEGIES as readonly string[]).includes(strategy)) fail(at('strategy'), `one of ${TRACE_STRATEGIES.join(', ')}`, strategy);

  let random: Trace['random'];
  if (top.has('random')) {
    const r = top.object('random', 'an object { seed, path? }');
    const seed = r.get('seed');
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) fail(r.field('seed'), 'a whole number', seed, r.has('seed'));
    random = r.has('path') ? { seed, path: r.string('path') } : { seed };
  }

  const property = top.object('property', 'an object { name, kind }');
  const propertyName = property.string('name');
  const kind = property.string('kind');
  if (kind === '') fail(property.field('kind'), 'a property kind (invariant, terminal, liveness, error, …)', kind);

  const faultFields = top.object('faults', `an object { ${FAULTS.join(', ')} }`);
  const faults = {} as FaultCounts;
  for (const key of FAULTS) faults[key] = OPTIONAL_FAULTS.has(key) && !faultFields.has(key) ? 0 : faultFields.index(key);

  const initialFields = top.object('initial', 'an object { index, state }');
  const initialClocks = clocksOf(initialFields);
  const initial: Trace['initial'] = {
    index: initialFields.index('index'),
    state: initialFields.present('state', 'a state'),
    ...(initialClocks ? { clocks: initialClocks } : {}),
  };

  const stepList = top.get('steps');
  if (!Array.isArray(stepList)) fail(at('steps'), 'an array of steps', stepList, top.has('steps'));
  const steps: TraceStep[] = new Array(stepList.length);
  for (let i = 0; i < stepList.length; i++) {
    const field = fieldOf(at('steps'), i);
    const hint = `(step ${i + 1} must have a string "label", a whole-number "index" and a "state")`;
    const value: unknown = stepList[i];
    if (!isRecord(value)) fail(field, 'a step object { label, index, state }', value, true, hint);
    const step = new Fields(value, field);
    try {
      const clocks = clocksOf(step);
      steps[i] = {
        label: step.string('label'),
        index: step.index('index'),
        state: step.present('state', 'a state'),
        ...(clocks ? { clocks } : {}),
      };
    } catch (error) {
      if (error instanceof TraceFileError) throw new TraceFileError(`${error.message} ${hint}`, error.field);
      throw error;
    }
  }

  let loop: Trace['loop'];
  if (top.has('loop')) {
    const l = top.object('loop', 'an object { start }');
    const start = l.index('start');
    if (start > steps.length) fail(l.field('start'), `a step number from 0 to ${steps.length}`, start);
    loop = { start };
  }

  return {
    format: 'faultline-trace',
    version: 1,
    spec: { path: specPath, name, ...(sha256 !== undefined ? { sha256 } : {}) },
    params,
    ...(environment ? { environment } : {}),
    strategy,
    ...(random ? { random } : {}),
    property: { name: propertyName, kind },
    faults,
    initial,
    steps,
    ...(loop ? { loop } : {}),
  };
}
