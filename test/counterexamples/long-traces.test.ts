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

/**
 * Traces and states far past what the call stack holds: a violation 130,000 or 200,000 steps
 * deep, a state 100,000 levels deep. No renderer may recurse or spread arguments in
 * proportion to either (what used to end in "Maximum call stack size exceeded", and the
 * violation unreported).
 */

function counterTrace(steps: number): Trace {
  const list: Trace['steps'] = new Array(steps);
  for (let i = 0; i < steps; i++) list[i] = { label: `inc ${i + 1}`, index: 0, state: { n: i + 1 } };
  return {
    format: 'faultline-trace',
    version: 1,
    spec: { path: 'specs/counter.ts', name: 'Counter' },
    params: {},
    strategy: 'bfs',
    property: { name: 'Small', kind: 'invariant' },
    faults: { ...NO_FAULTS },
    initial: { index: 0, state: { n: 0 } },
    steps: list,
  };
}

/** An actor trace of `rounds` ping-pong deliveries between two nodes. */
function pingPongTrace(rounds: number): Trace {
  const world = (n: number) => ({
    nodes: { a: { n }, b: { n } },
    timers: {},
    down: [],
    net: [{ from: n % 2 === 0 ? 'a' : 'b', to: n % 2 === 0 ? 'b' : 'a', msg: { type: 'Ping', n } }],
    split: [],
    faults: {},
  });
  const steps: Trace['steps'] = new Array(rounds);
  for (let i = 0; i < rounds; i++) {
    const from = i % 2 === 0 ? 'a' : 'b';
    steps[i] = { label: `deliver Ping(n=${i}) ${from}→${from === 'a' ? 'b' : 'a'}`, index: 0, state: world(i + 1) };
  }
  return { ...counterTrace(0), initial: { index: 0, state: world(0) }, steps };
}

/** A linked list `depth` levels deep, its last cell holding `end`. */
function linkedList(depth: number, end: unknown = 'end'): unknown {
  let list: unknown = { value: end, next: null };
  for (let i = 1; i < depth; i++) list = { value: i, next: list };
  return list;
}

function count(text: string, needle: string): number {
  let n = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) n++;
  return n;
}

describe('a violation 130,000 steps deep', () => {
  const trace = counterTrace(130_000);

  it('renders as text, one row per step', () => {
    const lines = renderText(trace).split('\n');
    expect(lines).toHaveLength(130_001);
    expect(lines[0]).toBe('       0  initial state  n = 0');
    expect(lines[130_000]).toBe('  130000  inc 130000     n: 129999 → 130000');
  });

  it('renders as Markdown, Mermaid and DOT', () => {
    const md = renderMarkdown(trace);
    expect(md).toContain('| 130000 | `inc 130000` | `n: 129999 → 130000` |');
    expect(count(renderMermaid(trace), 'Note over system:')).toBe(130_001);
    expect(renderDot(trace)).toContain('s129999 -> s130000 [label="130000. inc 130000"];');
  });

  it('survives a trace file', () => {
    expect(parseTrace(serializeTrace(trace)).steps).toHaveLength(130_000);
  });
});

describe('a violation 200,000 steps deep', () => {
  it('renders as one HTML page, a panel and a slider position per state', () => {
    const html = renderHtml(counterTrace(200_000));
    expect(html).toContain('<input id="step" type="range" min="0" max="200000" value="200000"');
    expect(count(html, '<section class="panel"')).toBe(200_001);
    expect(html).toContain('<section class="panel" data-step="200000"><h2>Step 200000: <code>inc 200000</code></h2>');
  });

  it('an actor trace of 130,000 deliveries renders as text, Mermaid and HTML', () => {
    const trace = pingPongTrace(130_000);
    expect(renderText(trace).split('\n')).toHaveLength(3 + 4 * 130_000); // net −, net +, and each node's n, per step
    expect(count(renderMermaid(trace), '->>')).toBe(130_000);
    expect(count(renderHtml(trace), 'class="arrow delivered"')).toBe(130_000);
  });
});

describe('a state 100,000 levels deep', () => {
  const deep = linkedList(100_000);
  const deeper = linkedList(100_000, 'END');

  it('diffs: past 64 levels a changed value is one change; equal deep values are no change', () => {
    expect(stateDiff({ list: deep }, { list: linkedList(100_000) })).toEqual([]);
    const changes = stateDiff({ list: deep }, { list: deeper });
    expect(changes).toHaveLength(1);
    expect(changes[0].path).toBe('list' + '.next'.repeat(63));
    expect(stateLeaves({ list: deep }).map((c) => c.path)).toContain('list' + '.next'.repeat(63));
  });

  it('every renderer shows it, cut with … past a depth', () => {
    const trace: Trace = {
      ...counterTrace(0),
      initial: { index: 0, state: { list: null } },
      steps: [
        { label: 'grow', index: 0, state: { list: deep } },
        { label: 'change the end', index: 0, state: { list: deeper } },
        { label: 'deep array', index: 0, state: { list: deeper, nest: JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) } },
      ],
    };
    const text = renderText(trace);
    expect(text).toMatch(/list: null → \{"value":99999,"next":\{"value":99998,.*…/);
    expect(text).toContain('nest = [[[[');
    for (const render of [renderMarkdown, renderMermaid, renderDot, renderHtml]) expect(render(trace)).toContain('…');
    const read = parseTrace(serializeTrace(trace));
    expect(renderText(read)).toBe(text);
  });

  it('a message in flight with a deep field, and a cyclic state, render without overflowing or hanging', () => {
    const world = {
      nodes: { a: {}, b: {} },
      timers: {},
      down: [],
      net: [{ from: 'a', to: 'b', msg: { type: 'Deep', body: deep } }],
      split: [],
      faults: {},
    };
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = cyclic;
    cyclic.again = cyclic;
    const trace: Trace = { ...counterTrace(0), initial: { index: 0, state: world }, steps: [{ label: 'cycle', index: 0, state: { ...world, cyclic } }] };
    const text = renderText(trace);
    expect(text).toContain('net = [Deep(body={"value":99999,');
    expect(text).toContain('cyclic = {"n":1,"self":[circular],"again":[circular]}');
    for (const render of [renderMarkdown, renderMermaid, renderDot, renderHtml]) expect(typeof render(trace)).toBe('string');
    expect(() => serializeTrace(trace)).toThrow(TypeError); // a trace file holds data, never a cycle
  });
});

describe('wide states', () => {
  it('a state of 200,000 fields and a list of 200,000 records', () => {
    const wide: Record<string, number> = {};
    for (let i = 0; i < 200_000; i++) wide[`k${i}`] = i;
    const records = Array.from({ length: 200_000 }, (_, i) => ({ i }));
    const trace: Trace = {
      ...counterTrace(0),
      initial: { index: 0, state: { wide, records } },
      steps: [{ label: 'one more', index: 0, state: { wide: { ...wide, k0: -1 }, records: [...records, { i: -1 }] } }],
    };
    const text = renderText(trace).split('\n');
    expect(text.slice(-2)).toEqual(['  1  one more       records + {"i":-1}', '                    wide.k0: 0 → -1']);
    expect(renderHtml(trace)).toContain('<li class="added"><code>records + {&quot;i&quot;:-1}</code></li>');
  });
});
