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
  stateDiff,
  stateLeaves,
  type Trace,
} from '../../counterexamples/index.ts';

/** Keys that name Object.prototype members: a state may hold any of them as data. */
const SHADOWING = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'] as const;

/** An object from JSON text, so that `__proto__` is an own key (as in a parsed trace). */
const json = (text: string): Record<string, unknown> => JSON.parse(text);

const plain = (changes: ReturnType<typeof stateDiff>) => changes.map(({ path, kind, before, after }) => ({ path, kind, before, after }));

function kernelTrace(states: unknown[]): Trace {
  return {
    format: 'faultline-trace',
    version: 1,
    spec: { path: 'x.ts', name: 'X' },
    params: {},
    strategy: 'bfs',
    property: { name: 'P', kind: 'invariant' },
    faults: { ...NO_FAULTS },
    initial: { index: 0, state: states[0] },
    steps: states.slice(1).map((state, i) => ({ label: `step ${i + 1}`, index: 0, state })),
  };
}

describe('stateDiff and stateLeaves read own keys only', () => {
  for (const key of SHADOWING) {
    it(`a key named ${key}: changed, added and removed`, () => {
      const a = json(`{"${key}": 1}`);
      const b = json(`{"${key}": 2}`);
      expect(plain(stateDiff(a, b))).toEqual([{ path: key, kind: 'set', before: 1, after: 2 }]);
      expect(plain(stateDiff({}, b))).toEqual([{ path: key, kind: 'set', before: undefined, after: 2 }]);
      expect(plain(stateDiff(a, {}))).toEqual([{ path: key, kind: 'set', before: 1, after: undefined }]);
      expect(stateDiff(a, json(`{"${key}": 1}`))).toEqual([]);
      expect(plain(stateLeaves(json(`{"${key}": {"${key}": "x"}}`)))).toEqual([{ path: `${key}.${key}`, kind: 'set', before: undefined, after: 'x' }]);
    });
  }

  it('a record that lacks a key is never read through its prototype', () => {
    // {} has no own toString: the diff sees undefined, not Object.prototype.toString.
    expect(plain(stateDiff({ a: 1 }, { a: 1, toString: 'x', constructor: 0 }))).toEqual([
      { path: 'constructor', kind: 'set', before: undefined, after: 0 },
      { path: 'toString', kind: 'set', before: undefined, after: 'x' },
    ]);
    // A list of records holding such keys compares as a multiset.
    expect(plain(stateDiff({ net: [json('{"__proto__": 1}')] }, { net: [json('{"__proto__": 2}')] }))).toEqual([
      { path: 'net', kind: 'removed', before: { ['__proto__']: 1 }, after: undefined },
      { path: 'net', kind: 'added', before: undefined, after: json('{"__proto__": 2}') },
    ]);
  });

  it('a null-prototype state diffs like any record', () => {
    const a = Object.assign(Object.create(null), { n: 1 });
    const b = Object.assign(Object.create(null), { n: 2 });
    expect(plain(stateDiff(a, b))).toEqual([{ path: 'n', kind: 'set', before: 1, after: 2 }]);
  });
});

describe('every renderer renders states with keys that shadow Object.prototype', () => {
  const states = [
    json('{"toString": 0, "constructor": {"valueOf": 1}, "__proto__": {"hasOwnProperty": 2}}'),
    json('{"toString": 1, "constructor": {"valueOf": 1}, "__proto__": {"hasOwnProperty": 3}, "valueOf": "v"}'),
    json('{"hasOwnProperty": true}'),
  ];

  it('text shows each key as data', () => {
    expect(renderText(kernelTrace(states))).toBe(
      [
        '  0  initial state  __proto__.hasOwnProperty = 2',
        '                    constructor.valueOf = 1',
        '                    toString = 0',
        '  1  step 1         __proto__.hasOwnProperty: 2 → 3',
        '                    toString: 0 → 1',
        '                    valueOf = "v"',
        '  2  step 2         __proto__: {"hasOwnProperty":3} → —',
        '                    constructor: {"valueOf":1} → —',
        '                    hasOwnProperty = true',
        '                    toString: 1 → —',
        '                    valueOf: "v" → —',
      ].join('\n'),
    );
  });

  it('Markdown, Mermaid, HTML and DOT render it, and it survives a trace file', () => {
    const trace = kernelTrace(states);
    const md = renderMarkdown(trace);
    expect(md).toContain('| hasOwnProperty | `true` |');
    expect(renderMermaid(trace)).toContain('__proto__.hasOwnProperty: 2 #8594; 3');
    expect(renderHtml(trace)).toContain('<li class="set"><code>__proto__.hasOwnProperty: 2 → 3</code></li>');
    expect(renderDot(trace)).toContain('__proto__.hasOwnProperty: 2 → 3');
    const read = parseTrace(serializeTrace(trace));
    expect(renderText(read)).toBe(renderText(trace));
    for (const out of [md, renderHtml(trace), renderDot(trace), renderText(trace)]) expect(out).not.toContain('native code');
  });

  it('an actor world whose node ids, timers, clocks and message fields are such keys', () => {
    const world = (constructorState: unknown, net: unknown[]) =>
      json(
        JSON.stringify({
          nodes: { constructor: constructorState, toString: { n: 0 }, ['__proto__']: { n: 1 } }, // computed: an own key
          timers: { toString: { valueOf: 2 } },
          down: [],
          net,
          split: [],
          faults: {},
        }),
      );
    const say = { from: 'toString', to: 'constructor', msg: { type: 'Say', valueOf: 1, hasOwnProperty: 'x', constructor: null } };
    const trace: Trace = {
      ...kernelTrace([]),
      initial: { index: 0, state: world({ heard: 0 }, [say]), clocks: { t: 0, local: json('{"toString": 5, "__proto__": 6}') as Record<string, number> } },
      steps: [
        {
          label: 'deliver Say(valueOf=1, hasOwnProperty=x, constructor=null) toString→constructor',
          index: 0,
          state: world({ heard: 1 }, []),
          clocks: { t: 1, local: json('{"toString": 5, "__proto__": 6}') as Record<string, number> },
        },
        { label: 'timer valueOf @toString', index: 0, state: world({ heard: 1 }, []), clocks: { t: 1, local: json('{"toString": 7}') as Record<string, number> } },
      ],
    };
    const text = renderText(trace);
    expect(text).toContain('net − Say(valueOf=1, hasOwnProperty=x, constructor=null) toString→constructor');
    expect(text).toContain('nodes.constructor.heard: 0 → 1');
    const md = renderMarkdown(trace);
    // The node `constructor` has no local clock: the cell is blank, not Object's constructor.
    expect(md).toContain('| constructor | up |  | `heard=1` |  |');
    expect(md).toContain('| toString | up | 7 | `n=0` | `valueOf at 2` |');
    expect(md).toContain('| \\_\\_proto\\_\\_ | up |  | `n=1` |  |');
    const mermaid = renderMermaid(trace);
    expect(mermaid).toContain('participant constructor as constructor');
    expect(mermaid).toContain('participant n___proto__ as __proto__');
    expect(mermaid).toContain('start: t=0, clocks toString@5 __proto__@6');
    expect(mermaid).toContain('toString->>constructor: 1. Say(valueOf=1, hasOwnProperty=x, constructor=null)');
    expect(mermaid).toContain('Note over toString: 2. timer valueOf (local clock 7)');
    const html = renderHtml(trace);
    expect(html).toContain('2. timer valueOf (local clock 7)');
    for (const out of [text, md, mermaid, html, renderDot(trace)]) {
      expect(out).not.toContain('native code');
      expect(out).not.toContain('[object Object]');
    }
  });
});
