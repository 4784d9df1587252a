import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  NO_FAULTS,
  parseTrace,
  renderDot,
  renderHtml,
  renderMarkdown,
  renderMermaid,
  renderText,
  serializeTrace,
  TraceFileError,
  type Trace,
} from '../../counterexamples/index.ts';

const gallery = path.resolve(import.meta.dirname, '../../counterexamples/gallery');

/** A small valid trace, as the JSON object a file holds. */
function base(): Record<string, unknown> {
  return {
    format: 'faultline-trace',
    version: 1,
    spec: { path: 'specs/x.ts', name: 'X', sha256: 'a'.repeat(64) },
    params: { rm: 3, variant: 'commit-early', fast: true },
    environment: { fifo: false, maxDrops: 1, maxInFlight: null },
    strategy: 'random',
    random: { seed: 7, path: 'abc' },
    property: { name: 'P', kind: 'invariant' },
    faults: { drops: 1, dups: 0, crashes: 0, recoveries: 0, partitions: 0 },
    initial: { index: 0, state: { n: 0 }, clocks: { t: 0, local: { a: -3 } } },
    steps: [
      { label: 'inc', index: 0, state: { n: 1 }, clocks: { t: 1, local: { a: -2 } } },
      { label: 'inc', index: 2, state: { n: 2 } },
    ],
    loop: { start: 1 },
  };
}

/** The message parseTrace gives for a file holding `json` (text for strings), or 'ok'. */
function problem(json: unknown): string {
  try {
    parseTrace(typeof json === 'string' ? json : JSON.stringify(json));
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(TraceFileError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message).not.toMatch(/internal error/i);
    return message;
  }
}

function edit(change: (t: any) => void): Record<string, unknown> {
  const t = base();
  change(t);
  return t;
}

describe('parseTrace: every field is checked, each problem one line naming the field', () => {
  it('accepts a valid trace, bare or as a check --json result, and every gallery trace', () => {
    expect(problem(base())).toBe('ok');
    expect(problem({ result: 'violation', violations: [{ property: 'P', trace: base() }] })).toBe('ok');
    const files = ['two-generals-Agreement.json', 'lease-lock-NoSplitBrainWrites.json', 'two-phase-TCConsistent.json'];
    for (const f of files) expect(problem(readFileSync(path.join(gallery, f), 'utf8'))).toBe('ok');
  });

  const cases: [string, unknown, RegExp][] = [
    ['not JSON', '{ "format": ', /^not JSON: /],
    ['an array', [], /^\(file\): expected a trace object, found an array of 0 \(not a faultline trace/],
    ['no format', edit((t) => delete t.format), /^format: expected "faultline-trace", found nothing \(not a faultline trace/],
    ['a string version', edit((t) => (t.version = '1')), /^version: expected 1, found the string "1"/],
    ['version 2', edit((t) => (t.version = 2)), /^version: expected 1, found the number 2 \(trace version 2 is not supported/],
    ['violations: [null]', { violations: [null] }, /^violations\[0\]: expected an object with a "trace", found null$/],
    ['violations: {}', { violations: {} }, /^violations: expected an array of violations, found an object$/],
    ['violations: []', { violations: [] }, /^violations: expected at least one violation, found an array of 0 \(this check result has no violation/],
    ['a bad field inside violations[0].trace', { violations: [{ trace: edit((t) => (t.strategy = 1)) }] }, /^violations\[0\]\.trace\.strategy: expected one of bfs, dfs, random, flp, generals, found the number 1$/],
    ['no strategy', edit((t) => delete t.strategy), /^strategy: expected one of bfs, dfs, random, flp, generals, found nothing$/],
    ['a numeric strategy', edit((t) => (t.strategy = 3)), /^strategy: expected one of bfs, dfs, random, flp, generals, found the number 3$/],
    ['an unknown strategy', edit((t) => (t.strategy = 'bfs; rm -rf')), /^strategy: expected one of .*, found the string "bfs; rm -rf"$/],
    ['no spec', edit((t) => delete t.spec), /^spec: expected an object \{ path, name, sha256\? \}, found nothing$/],
    ['a numeric spec path', edit((t) => (t.spec.path = 7)), /^spec\.path: expected a string, found the number 7$/],
    ['an empty spec path', edit((t) => (t.spec.path = '')), /^spec\.path: expected a file path, found the string ""$/],
    ['a bad sha256', edit((t) => (t.spec.sha256 = 'zz')), /^spec\.sha256: expected a SHA-256 as 64 hex digits, found the string "zz"$/],
    ['params an array', edit((t) => (t.params = [1])), /^params: expected an object of --param values, found an array of 1$/],
    ['a param that is an object', edit((t) => (t.params = { x: { y: 1 } })), /^params\.x: expected a string, a number or a boolean, found an object$/],
    ['a param that is null', edit((t) => (t.params = { 'a b': null })), /^params\["a b"\]: expected a string, a number or a boolean, found null$/],
    ['a __proto__ param holding an object', '{"format":"faultline-trace","version":1,"spec":{"path":"x.ts","name":"X"},"params":{"__proto__":{"polluted":1}}}', /^params\.__proto__: expected a string, a number or a boolean, found an object$/],
    ['an environment knob that is a string', edit((t) => (t.environment = { maxDrops: '1' })), /^environment\.maxDrops: expected a number, a boolean or null, found the string "1"$/],
    ['a fractional seed', edit((t) => (t.random = { seed: 1.5 })), /^random\.seed: expected a whole number, found the number 1\.5$/],
    ['no property', edit((t) => delete t.property), /^property: expected an object \{ name, kind \}, found nothing$/],
    ['a numeric property kind', edit((t) => (t.property.kind = 3)), /^property\.kind: expected a string, found the number 3$/],
    ['a property name that is null', edit((t) => (t.property = { name: null, kind: 'invariant' })), /^property\.name: expected a string, found null$/],
    ['faults without recoveries', edit((t) => delete t.faults.recoveries), /^faults\.recoveries: expected a whole number ≥ 0, found nothing$/],
    ['negative drops', edit((t) => (t.faults.drops = -1)), /^faults\.drops: expected a whole number ≥ 0, found the number -1$/],
    ['no initial state', edit((t) => delete t.initial.state), /^initial\.state: expected a state, found nothing$/],
    ['a string initial index', edit((t) => (t.initial.index = '0')), /^initial\.index: expected a whole number ≥ 0, found the string "0"$/],
    ['clocks without local', edit((t) => (t.initial.clocks = { t: 0 })), /^initial\.clocks\.local: expected an object of each node’s local clock, found nothing$/],
    ['a local clock that is a string', edit((t) => (t.steps[0].clocks.local = { constructor: 'x' })), /^steps\[0\]\.clocks\.local\.constructor: expected a number, found the string "x"/],
    ['steps not an array', edit((t) => (t.steps = { 0: {} })), /^steps: expected an array of steps, found an object$/],
    ['a null step', edit((t) => (t.steps[1] = null)), /^steps\[1\]: expected a step object \{ label, index, state \}, found null \(step 2 must have a string "label"/],
    ['a step without a label', edit((t) => (t.steps[1] = { label: 7 })), /^steps\[1\]\.label: expected a string, found the number 7 \(step 2 must have a string "label"/],
    ['a negative action index', edit((t) => (t.steps[0].index = -1)), /^steps\[0\]\.index: expected a whole number ≥ 0, found the number -1/],
    ['a fractional action index', edit((t) => (t.steps[1].index = 0.5)), /^steps\[1\]\.index: expected a whole number ≥ 0, found the number 0\.5/],
    ['a step without a state', edit((t) => delete t.steps[0].state), /^steps\[0\]\.state: expected a state, found nothing/],
    ['a loop past the end', edit((t) => (t.loop = { start: 3 })), /^loop\.start: expected a step number from 0 to 2, found the number 3$/],
  ];

  for (const [name, json, message] of cases) {
    it(`${name}: ${message.source.slice(1, 40)}…`, () => {
      expect(problem(json)).toMatch(message);
    });
  }

  it('names the file first when given one, and escapes what it quotes from the file', () => {
    expect(() => parseTrace(JSON.stringify(edit((t) => (t.strategy = undefined))), 'traces/t.json')).toThrow(
      /^traces\/t\.json: strategy: expected one of bfs, dfs, random, flp, generals, found nothing$/,
    );
    const hostile = problem(edit((t) => (t.params = { '\u001b[2J\u202e': [] })));
    expect(hostile).toBe('params["\\u001b[2J\\u202e"]: expected a string, a number or a boolean, found an array of 0');
    expect(problem(edit((t) => (t.strategy = '\u001b[2Jpass\r')))).toBe('strategy: expected one of bfs, dfs, random, flp, generals, found the string "\\u001b[2Jpass\\r"');
  });

  it('reads params whose keys shadow Object.prototype members as plain data', () => {
    const text = '{"format":"faultline-trace","version":1,"spec":{"path":"x.ts","name":"X"},' +
      '"params":{"toString":1,"constructor":"c","__proto__":true,"hasOwnProperty":2,"valueOf":"v"},' +
      '"strategy":"bfs","property":{"name":"P","kind":"invariant"},"faults":{"drops":0,"dups":0,"crashes":0,"recoveries":0,"partitions":0},' +
      '"initial":{"index":0,"state":{}},"steps":[]}';
    const trace = parseTrace(text);
    expect(Object.keys(trace.params)).toEqual(['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']);
    expect(trace.params.toString).toBe(1);
    expect(trace.params.__proto__).toBe(true);
    expect(trace.params.missing).toBeUndefined(); // nothing inherited
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    for (const render of [renderText, renderMarkdown, renderMermaid, renderHtml, renderDot]) expect(typeof render(trace)).toBe('string');
    expect(renderMarkdown(trace)).toContain('toString=1 constructor=c \\_\\_proto\\_\\_=true hasOwnProperty=2 valueOf=v');
    expect(parseTrace(serializeTrace(trace))).toEqual(trace);
  });

  it('reads a state 100,000 levels deep and writes it back', () => {
    let list: unknown = null;
    for (let i = 0; i < 100_000; i++) list = { next: list };
    const trace = { ...(base() as unknown as Trace), steps: [{ label: 'deep', index: 0, state: { list } }], loop: undefined };
    const text = serializeTrace(trace);
    const back = parseTrace(text);
    expect(back.steps).toHaveLength(1);
    expect(serializeTrace(back)).toBe(text);
  });
});

// ---------------------------------------------------------------------------------------
// Round trips, with hostile keys and strings.

/** Keys that name Object.prototype members, and other hostile keys. */
const HOSTILE_KEYS = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'toJSON', 'isPrototypeOf', '__defineGetter__', '', 'a b', '"', '\\'];
/** Strings that act on terminals and readers: escape sequences, CR, backspace, BiDi overrides, lone surrogates. */
const HOSTILE_STRINGS = ['\u001b[2J', '\u001b[1A\rpass', 'x\b\b', '\u202eevil', '\u2066\u2069', '\ud800', '\udc00x', '<img src=x onerror=alert(1)>', '</script>', '# h', '\u0000', '\u2028'];

const key = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 6 }));
const text = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ unit: 'binary', maxLength: 12 }));

/** An object built with defineProperty, so a `__proto__` key is an own entry, never the prototype. */
function record<T>(entries: [string, T][]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

const { value: stateValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
    text,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map(record),
  ),
}));

const traceArbitrary: fc.Arbitrary<Trace> = fc
  .record({
    name: text,
    specPath: text.filter((s) => s !== ''),
    params: fc.array(fc.tuple(key, fc.oneof(text, fc.integer(), fc.boolean())), { maxLength: 5 }).map(record),
    strategy: fc.constantFrom('bfs', 'dfs', 'random', 'flp'),
    property: fc.record({ name: text, kind: text.filter((s) => s !== '') }),
    initial: stateValue,
    steps: fc.array(fc.record({ label: text, index: fc.nat(), state: stateValue }), { maxLength: 5 }),
    local: fc.array(fc.tuple(key, fc.integer()), { maxLength: 3 }).map(record),
  })
  .map(({ name, specPath, params, strategy, property, initial, steps, local }) => ({
    format: 'faultline-trace' as const,
    version: 1 as const,
    spec: { path: specPath, name },
    params,
    strategy,
    property,
    faults: { ...NO_FAULTS },
    initial: { index: 0, state: initial, clocks: { t: 0, local } },
    steps,
  }));

describe('serializeTrace / parseTrace round trips', () => {
  it('every gallery trace reads and writes back byte for byte', () => {
    const files = readdirSync(gallery).filter((f) => f.endsWith('.json') && f !== 'entries.json');
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const text = readFileSync(path.join(gallery, f), 'utf8');
      expect(serializeTrace(parseTrace(text)), f).toBe(text);
    }
  });

  it('parseTrace(serializeTrace(t)) equals t, and the text is JSON.stringify(t, null, 2)', () => {
    fc.assert(
      fc.property(traceArbitrary, (trace) => {
        const written = serializeTrace(trace);
        expect(written).toBe(JSON.stringify(trace, null, 2) + '\n');
        const read = parseTrace(written);
        expect(read).toEqual(trace);
        expect(serializeTrace(read)).toBe(written);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('every renderer renders a parsed hostile trace, with no control character in text output', () => {
    fc.assert(
      fc.property(traceArbitrary, (trace) => {
        const read = parseTrace(serializeTrace(trace));
        for (const render of [renderText, renderMarkdown, renderMermaid, renderDot]) {
          expect(render(read)).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
        }
        expect(renderHtml(read)).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      }),
      { numRuns: 100 },
    );
  });
});
