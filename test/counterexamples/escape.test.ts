import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dotString, escapeControl, escapeHtml, mdCode, mdText, mermaidText } from '../../counterexamples/escape.ts';
import { NO_FAULTS, renderDot, renderHtml, renderMarkdown, renderMermaid, renderText, type Trace } from '../../counterexamples/index.ts';

/** What must never reach a terminal or a reader raw (newlines between lines aside). */
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Clears the screen, moves up a line, returns the carriage and prints a fake verdict. */
const CLEAR = '\u001b[2J\u001b[H';
const FAKE_PASS = '\u001b[1A\r\u001b[32mpass\u001b[0m';
const BIDI = '\u202egnp.exe\u202c\u2066x\u2069';
const ALL = `${CLEAR}${FAKE_PASS} x\b\b${BIDI}\u0007\u009b31m\u2028\ufeff\ud800`;

describe('escapeControl', () => {
  it('writes control, BiDi and invisible format characters as visible escapes', () => {
    expect(escapeControl('\u001b[2J')).toBe('\\u001b[2J');
    expect(escapeControl('a\rb\nc\td')).toBe('a\\rb\\nc\\td');
    expect(escapeControl('x\b\u007f\u0000')).toBe('x\\u0008\\u007f\\u0000');
    expect(escapeControl('\u009b31m')).toBe('\\u009b31m'); // C1 CSI
    expect(escapeControl('\u202a\u202b\u202c\u202d\u202e')).toBe('\\u202a\\u202b\\u202c\\u202d\\u202e');
    expect(escapeControl('\u2066\u2067\u2068\u2069')).toBe('\\u2066\\u2067\\u2068\\u2069');
    expect(escapeControl('\u200e\u200f\u061c\u200b\u2028\u2029\ufeff')).toBe('\\u200e\\u200f\\u061c\\u200b\\u2028\\u2029\\ufeff');
    expect(escapeControl('\ud800 \udc00')).toBe('\\ud800 \\udc00'); // lone surrogates
  });

  it('keeps every other character: accents, arrows, CJK, emoji with ZWJ, combining marks', () => {
    for (const text of ['héllo → wörld', '二相コミット', '👨‍👩‍👧 👍🏽', 'e\u0301', 'general-A→general-B', 'ZWNJ\u200cok', '']) {
      expect(escapeControl(text)).toBe(text);
    }
  });

  it('leaves nothing active, whatever the input (fast-check)', () => {
    expect(escapeControl('a\nb')).toBe('a\\nb');
    const unit = fc.oneof(fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), fc.constantFrom('\u001b', '\r', '\u202e', '\u2066'));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), (text) => {
        const out = escapeControl(text);
        expect(out).not.toMatch(ACTIVE);
        if (!ACTIVE.test(text) && !text.includes('\n')) expect(out).toBe(text); // (a line break is escaped too)
      }),
      { numRuns: 2000 },
    );
  });

  it('is applied by every output language', () => {
    expect(escapeHtml('<b>\u001b[2J</b>')).toBe('&lt;b&gt;\\u001b[2J&lt;/b&gt;');
    expect(mdText('\u001b[2J *x*')).toBe('\\\\u001b\\[2J \\*x\\*');
    expect(mdCode('\u001b[2J')).toBe('`\\u001b[2J`');
    expect(mermaidText('\u202eab')).toBe('#92;u202eab');
    expect(dotString('\u001b[2J')).toBe('"\\\\u001b[2J"');
    for (const out of [escapeHtml(ALL), mdText(ALL), mdCode(ALL), mermaidText(ALL), dotString(ALL)]) expect(out).not.toMatch(ACTIVE);
  });

  it('mdCode handles a text of 200,000 backtick runs (no argument spreading)', () => {
    const text = '`a'.repeat(200_000);
    expect(mdCode(text).startsWith('``')).toBe(true);
  });
});

/** A trace where every spec-controlled string carries escape sequences, CR, backspace and BiDi overrides. */
function hostileTrace(): Trace {
  const a = `a${CLEAR}`;
  const b = `b${BIDI}`;
  const world = (net: unknown[], heard: string) => ({
    nodes: { [a]: { [`k${FAKE_PASS}`]: ALL }, [b]: { heard } },
    timers: { [a]: { [`t${CLEAR}`]: 3 } },
    down: [],
    net,
    split: [],
    faults: {},
  });
  const msg = { from: a, to: b, msg: { type: `Say${FAKE_PASS}`, [`f${BIDI}`]: ALL } };
  return {
    format: 'faultline-trace',
    version: 1,
    spec: { path: `specs/${ALL}.ts`, name: `Spec ${ALL}` },
    params: { [`p${CLEAR}`]: ALL, n: 1 },
    environment: { [`e${CLEAR}`]: 1 },
    strategy: 'bfs',
    property: { name: `Prop ${FAKE_PASS}`, kind: `kind${BIDI}` },
    faults: { ...NO_FAULTS },
    initial: { index: 0, state: world([msg], ''), clocks: { t: 0, local: { [a]: 1, [`c${FAKE_PASS}`]: 2 } } },
    steps: [
      { label: `deliver Say${FAKE_PASS}(f=${ALL}) ${a}→${b}`, index: 0, state: world([], ALL), clocks: { t: 1, local: { [a]: 1 } } },
      { label: `timer t${CLEAR} @${a}`, index: 0, state: world([], ALL) },
      { label: `custom ${ALL}`, index: 0, state: world([], `${ALL}!`) },
    ],
  };
}

/** A kernel trace whose state keys and values, labels and names are hostile. */
function hostileKernelTrace(): Trace {
  return {
    format: 'faultline-trace',
    version: 1,
    spec: { path: 'x.ts', name: ALL },
    params: {},
    strategy: 'bfs',
    property: { name: ALL, kind: 'invariant' },
    faults: { ...NO_FAULTS },
    initial: { index: 0, state: { [ALL]: 0, v: 'x' } },
    steps: [
      { label: `\r${FAKE_PASS}`, index: 0, state: { [ALL]: 1, v: ALL } },
      { label: CLEAR, index: 0, state: { [ALL]: 2, v: [ALL, { [ALL]: ALL }] } },
    ],
  };
}

describe('every renderer keeps spec-controlled text inert', () => {
  for (const [name, make] of [['actor', hostileTrace], ['kernel', hostileKernelTrace]] as const) {
    it(`${name} trace: no control, BiDi or format character reaches any output`, () => {
      const trace = make();
      for (const render of [renderText, renderMarkdown, renderMermaid, renderDot, renderHtml]) {
        const out = render(trace);
        expect(out).not.toMatch(ACTIVE);
      }
      // The text shows what was there, as visible escapes.
      const text = renderText(trace);
      expect(text).toContain('\\u001b[2J');
      expect(text).not.toMatch(/^pass/m);
    });
  }

  it('renderText: a label that returns the carriage and prints `pass` stays on its own row, visibly', () => {
    const lines = renderText(hostileKernelTrace()).split('\n');
    const row = lines.find((l) => l.startsWith('  1  '))!;
    expect(row.startsWith('  1  \\r\\u001b[1A\\r\\u001b[32mpass\\u001b[0m  ')).toBe(true);
    // Rows stay aligned: the escaped labels set the width.
    const width = row.indexOf('  ', 5);
    expect(lines.find((l) => l.startsWith('  2  '))!.slice(width, width + 2)).toBe('  ');
  });
});
