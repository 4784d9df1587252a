import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checker } from '../../checker/index.ts';
import { NO_FAULTS, renderMarkdown, renderMermaid, traceOf, type Trace } from '../../counterexamples/index.ts';
import twoGenerals from '../../protocols/two-generals.ts';
import twoPhase from '../../protocols/two-phase.ts';
import { encodeEnvironment } from '../../specs/index.ts';

/** Two Generals, 3 rounds, one drop: the real trace `check --json` gives. */
function twoGeneralsTrace(): Trace {
  const model = twoGenerals({ rounds: 3 }).configure({ environment: { maxDrops: 1 } });
  const violation = checker(model).bfs().violations[0];
  return traceOf(model, violation, {
    specPath: 'protocols/two-generals.ts',
    params: { rounds: 3 },
    environment: encodeEnvironment(model.environment),
    strategy: 'bfs',
  });
}

/** TwoPhase commit-early: a kernel trace (no nodes, no network). */
function commitEarlyTrace(): Trace {
  const model = twoPhase({ variant: 'commit-early' });
  return traceOf(model, checker(model).bfs().violations[0], { specPath: 'protocols/two-phase.ts', params: { variant: 'commit-early' }, strategy: 'bfs' });
}

type Local = Record<string, unknown>;
interface World {
  nodes: Record<string, Local>;
  timers: Record<string, Record<string, number | true>>;
  down: string[];
  net: { from: string; to: string; msg: { type: string } & Local }[];
  split: string[];
  clock?: { t: number; offsets: Record<string, number> };
  faults: Record<string, number>;
}

const msg = (from: string, to: string, type: string, fields: Local = {}) => ({ from, to, msg: { type, ...fields } });

/**
 * A hand-made, timed actor trace with one step of every kind: a delivery with a choice,
 * a drop, a tick with drift, a timer, a partition and its heal, a duplicate, a crash and
 * a recovery.
 */
function everyKindTrace(): Trace {
  const w0: World = {
    nodes: { client: { tries: 1 }, server: { served: 0 } },
    timers: { client: { retry: 2 } },
    down: [],
    net: [msg('client', 'server', 'Req', { id: 1 })],
    split: [],
    clock: { t: 0, offsets: { client: 0, server: 1 } },
    faults: { drops: 0, dups: 0, crashes: 0, partitions: 0 },
  };
  const states: [string, World, Record<string, number>][] = [];
  let w = w0;
  const step = (label: string, change: (w: World) => World, local: Record<string, number>): void => {
    w = change(structuredClone(w));
    states.push([label, w, local]);
  };
  const local0 = { client: 0, server: 1 };
  const local1 = { client: 2, server: 2 };
  step('deliver Req(id=1) client→server [chose ok]', (w) => ({ ...w, nodes: { ...w.nodes, server: { served: 1 } }, net: [msg('server', 'client', 'Resp', { id: 1 })] }), local0);
  step('drop Resp(id=1) server→client', (w) => ({ ...w, net: [], faults: { ...w.faults, drops: 1 } }), local0);
  step('tick → t=1 (drift client +1)', (w) => ({ ...w, clock: { t: 1, offsets: { client: 1, server: 1 } } }), local1);
  step('timer retry @client', (w) => ({ ...w, timers: {}, nodes: { ...w.nodes, client: { tries: 2 } }, net: [msg('client', 'server', 'Req', { id: 2 })] }), local1);
  step('partition {client} | {server}', (w) => ({ ...w, split: ['client'], faults: { ...w.faults, partitions: 1 } }), local1);
  step('heal', (w) => ({ ...w, split: [] }), local1);
  step('duplicate Req(id=2) client→server', (w) => ({ ...w, net: [...w.net, ...w.net], faults: { ...w.faults, dups: 1 } }), local1);
  step('crash server', (w) => ({ ...w, down: ['server'], net: [], faults: { ...w.faults, crashes: 1 } }), local1);
  step('recover server', (w) => ({ ...w, down: [], nodes: { ...w.nodes, server: { served: 0 } } }), local1);
  return {
    format: 'faultline-trace',
    version: 1,
    spec: { path: 'specs/at-most-once.ts', name: 'AtMostOnce' },
    params: { retries: 1 },
    strategy: 'bfs',
    property: { name: 'ServedOnce', kind: 'invariant' },
    faults: { drops: 1, dups: 1, crashes: 1, recoveries: 1, partitions: 1 },
    initial: { index: 0, state: w0, clocks: { t: 0, local: local0 } },
    steps: states.map(([label, state, local], i) => ({ label, index: i % 3, state, clocks: { t: state.clock!.t, local } })),
  };
}

/** A trace whose node ids and messages hold everything Mermaid and Markdown treat as syntax. */
function hostileTrace(): Trace {
  const text = '"hi"; <script>alert(1)</script> #1 {x} → %% |pipe| `tick` *b* _i_ [l](u) $m$ back\\|slash';
  const nodes = { end: { v: text }, 'x-ray': { v: 1 }, 'a;b#c': {} };
  const base = { timers: {}, down: [], split: [], faults: {} };
  const initial = { ...base, nodes, net: [msg('end', 'x-ray', 'Say', { text }), msg('x-ray', 'a;b#c', 'Say', { text })] };
  const s1 = { ...base, nodes, net: [msg('x-ray', 'a;b#c', 'Say', { text })] };
  const s2 = { ...base, nodes, net: [] };
  return {
    format: 'faultline-trace',
    version: 1,
    spec: { path: 'specs/<evil>.ts', name: 'Evil <b>"spec"</b>' },
    params: { note: text },
    strategy: 'bfs',
    property: { name: 'No <script>', kind: 'invariant' },
    faults: { ...NO_FAULTS, drops: 1 },
    initial: { index: 0, state: initial },
    steps: [
      { label: `deliver Say(text=${text}) end→x-ray`, index: 0, state: s1 },
      { label: `drop Say(text=${text}) x-ray→a;b#c`, index: 1, state: s2 },
    ],
  };
}

/** The text of a Mermaid diagram with its entity codes (`#59;`) taken out. */
function withoutEntities(diagram: string): string {
  return diagram.replace(/#(\w+);/g, '');
}

/** Markdown with its code spans taken out: what GitHub reads as Markdown and HTML. */
function outsideCode(md: string): string {
  return md.replace(/(?<!\\)(`+)(?:(?!\1)[\s\S])*?\1/g, '');
}

/** The cells of a GFM table row: split at `|` not escaped by a backslash. */
function cells(row: string): number {
  let n = 0;
  for (let i = 0; i < row.length; i++) {
    if (row[i] === '\\') i++;
    else if (row[i] === '|') n++;
  }
  return n - 1;
}

const CMARK = '/usr/bin/cmark-gfm';

describe('renderMermaid', () => {
  it('draws every kind of step: arrows for deliveries, lost arrows for drops, notes for the rest, clocks in notes', () => {
    expect(renderMermaid(everyKindTrace())).toBe(
      [
        'sequenceDiagram',
        '    participant client as client',
        '    participant server as server',
        '    Note over client,server: start: t=0, clocks client@0 server@1',
        '    client->>server: 1. Req(id=1) [chose ok]',
        '    server-xclient: 2. Resp(id=1) (lost)',
        '    Note over client,server: 3. tick #8594; t=1, clocks client@2 server@2 (drift client +1)',
        '    Note over client: 4. timer retry (local clock 2)',
        '    Note over client,server: 5. partition #123;client#125; | #123;server#125;',
        '    Note over client,server: 6. heal',
        '    Note over client,server: 7. duplicated: Req(id=2) client#8594;server',
        '    Note over server: 8. crash',
        '    Note over server: 9. recover',
        '    Note over client,server: ✗ invariant ServedOnce violated',
      ].join('\n'),
    );
  });

  it('gives a real trace one participant per node, in node order, with safe ids and the node ids as aliases', () => {
    expect(renderMermaid(twoGeneralsTrace())).toBe(
      [
        'sequenceDiagram',
        '    participant general_A as general-A',
        '    participant general_B as general-B',
        '    general_A->>general_B: 1. Messenger(n=1)',
        '    general_B->>general_A: 2. Messenger(n=2)',
        '    general_A-xgeneral_B: 3. Messenger(n=3) (lost)',
        '    Note over general_A,general_B: ✗ terminal Agreement violated',
      ].join('\n'),
    );
  });

  it('draws a kernel trace (no nodes) on one system participant, a note per step with what it changed', () => {
    expect(renderMermaid(commitEarlyTrace())).toBe(
      [
        'sequenceDiagram',
        '    participant system',
        '    Note over system: 1. TMCommit<br/>msgs.commit: false #8594; true<br/>tmState: #quot;init#quot; #8594; #quot;committed#quot;',
        '    Note over system: 2. RMChooseToAbort(rm1)<br/>rmState[0]: #quot;working#quot; #8594; #quot;aborted#quot;',
        '    Note over system: 3. RMRcvCommitMsg(rm2)<br/>rmState[1]: #quot;working#quot; #8594; #quot;committed#quot;',
        '    Note over system: ✗ invariant TCConsistent violated',
      ].join('\n'),
    );
  });

  it('writes what Mermaid treats as syntax in labels as entity codes, and never uses a keyword or a bad id', () => {
    const diagram = renderMermaid(hostileTrace());
    const lines = diagram.split('\n');
    // Nothing Mermaid parses is left in the text: ; # quotes braces angle brackets → % $ \.
    for (const line of lines.slice(1)) {
      const text = line.includes(': ') ? line.slice(line.indexOf(': ') + 2) : line.replace(/^ {4}participant \w+ as /, '');
      expect(withoutEntities(text)).not.toMatch(/[;#"{}<>→%$\\]/);
    }
    expect(lines.slice(1, 4)).toEqual(['    participant n_end as end', '    participant n_x_ray as x-ray', '    participant a_b_c as a#59;b#35;c']);
    expect(lines[4]).toMatch(/^ {4}n_end->>n_x_ray: 1\. Say\(text=#quot;hi#quot;#59; #lt;script#gt;alert\(1\)#lt;\/script#gt; #35;1 #123;x#125; #8594; /);
    expect(lines[5]).toMatch(/^ {4}n_x_ray-xa_b_c: 2\. Say\(/);
    expect(lines).toHaveLength(7);
  });
});

describe('renderMarkdown', () => {
  it('renders a real actor trace: summary with the environment, sequence diagram, steps, final state per node', () => {
    expect(renderMarkdown(twoGeneralsTrace())).toBe(
      [
        '# terminal Agreement violated in TwoGenerals(rounds=3)',
        '',
        '| spec | params | environment | strategy | property | steps | faults |',
        '| --- | --- | --- | --- | --- | --- | --- |',
        '| TwoGenerals(rounds=3) (`protocols/two-generals.ts`) | rounds=3 | unordered network, drops ≤ 1, dups ≤ 0, crashes ≤ 0 (crash-stop), partitions ≤ 0 | bfs | terminal **Agreement** | 3 | 1 drop |',
        '',
        '## Sequence',
        '',
        '```mermaid',
        renderMermaid(twoGeneralsTrace()),
        '```',
        '',
        '## Steps',
        '',
        '| # | action | changes |',
        '| --: | --- | --- |',
        '| 0 | initial state | `faults.drops = 0`<br>`net = [Messenger(n=1) general-A→general-B]`<br>`nodes.general-A.attack = false`<br>`nodes.general-A.received = 0`<br>`nodes.general-B.attack = false`<br>`nodes.general-B.received = 0` |',
        '| 1 | `deliver Messenger(n=1) general-A→general-B` | `net − Messenger(n=1) general-A→general-B`<br>`net + Messenger(n=2) general-B→general-A`<br>`nodes.general-B.received: 0 → 1` |',
        '| 2 | `deliver Messenger(n=2) general-B→general-A` | `net − Messenger(n=2) general-B→general-A`<br>`net + Messenger(n=3) general-A→general-B`<br>`nodes.general-A.attack: false → true`<br>`nodes.general-A.received: 0 → 2` |',
        '| 3 | `drop Messenger(n=3) general-A→general-B` | `faults.drops: 0 → 1`<br>`net − Messenger(n=3) general-A→general-B` |',
        '',
        '## Final state',
        '',
        '| node | status | state | timers |',
        '| --- | --- | --- | --- |',
        '| general-A | up | `received=2`<br>`attack=true` |  |',
        '| general-B | up | `received=1`<br>`attack=false` |  |',
        '',
        '**In flight:** nothing',
      ].join('\n'),
    );
  });

  it('renders a kernel trace without a diagram: summary, steps, final state per variable', () => {
    expect(renderMarkdown(commitEarlyTrace())).toBe(
      [
        '# invariant TCConsistent violated in TwoPhase/commit-early',
        '',
        '| spec | params | strategy | property | steps | faults |',
        '| --- | --- | --- | --- | --- | --- |',
        '| TwoPhase/commit-early (`protocols/two-phase.ts`) | variant=commit-early | bfs | invariant **TCConsistent** | 3 | no faults |',
        '',
        '## Steps',
        '',
        '| # | action | changes |',
        '| --: | --- | --- |',
        '| 0 | initial state | `msgs.abort = false`<br>`msgs.commit = false`<br>`msgs.prepared = [false,false,false]`<br>`rmState = ["working","working","working"]`<br>`tmPrepared = [false,false,false]`<br>`tmState = "init"` |',
        '| 1 | `TMCommit` | `msgs.commit: false → true`<br>`tmState: "init" → "committed"` |',
        '| 2 | `RMChooseToAbort(rm1)` | `rmState[0]: "working" → "aborted"` |',
        '| 3 | `RMRcvCommitMsg(rm2)` | `rmState[1]: "working" → "committed"` |',
        '',
        '## Final state',
        '',
        '| variable | value |',
        '| --- | --- |',
        '| rmState | `["aborted","committed","working"]` |',
        '| tmState | `"committed"` |',
        '| tmPrepared | `[false,false,false]` |',
        '| msgs | `{"prepared":[false,false,false],"commit":true,"abort":false}` |',
      ].join('\n'),
    );
  });

  it('shows time where it moved, local clocks, timers, down nodes, messages in flight and the partition', () => {
    const trace = everyKindTrace();
    const md = renderMarkdown(trace);
    expect(md).toContain('| spec | params | strategy | property | steps | faults |'); // no environment recorded: no column
    expect(md).toContain('| AtMostOnce (`specs/at-most-once.ts`) | retries=1 | bfs | invariant **ServedOnce** | 9 | 1 drop, 1 duplicate, 1 crash, 1 recovery, 1 partition |');
    expect(md).toContain('| # | action | time | changes |');
    expect(md).toContain('| 0 | initial state | t=0, clocks client@0 server@1 |');
    expect(md).toContain('| 2 | `drop Resp(id=1) server→client` |  |'); // time did not move
    expect(md).toContain('| 3 | `tick → t=1 (drift client +1)` | t=1, clocks client@2 server@2 |');
    // A final state with a node down, a timer armed, a message in flight and a partition.
    const last = trace.steps[trace.steps.length - 1];
    last.state = { ...(last.state as object), down: ['server'], timers: { client: { retry: 4, poll: true } }, split: ['client'], net: [{ from: 'client', to: 'server', msg: { type: 'Req', id: 3 } }] };
    const final = renderMarkdown(trace).split('## Final state\n\n')[1];
    expect(final).toBe(
      [
        '| node | status | local clock | state | timers |',
        '| --- | --- | --- | --- | --- |',
        '| client | up | 2 | `tries=2` | `retry at 4`<br>`poll` |',
        '| server | **down** | 2 | `served=0` |  |',
        '',
        '**In flight:** `Req(id=3) client→server`',
        '',
        '**Partitioned:** `{client} | {server}`'.replace('|', '\\|'),
        '',
        '**Time:** t=1',
      ].join('\n'),
    );
  });

  it('escapes spec-provided text: nothing turns into HTML or Markdown, and every table row keeps its cells', () => {
    const md = renderMarkdown(hostileTrace());
    // Ours: the mermaid block, <br> in cells, **bold** property names.
    const prose = outsideCode(md.replace(/```mermaid[\s\S]*?```/, '')).replaceAll('<br>', '').replaceAll('**', '');
    expect(prose).not.toMatch(/(?<!\\)[<*_[\]$`]/);
    const tables = md.split('\n').filter((l) => l.startsWith('| '));
    const header = ['| spec ', '| # ', '| node '];
    let expected = 0;
    for (const row of tables) {
      if (header.some((h) => row.startsWith(h))) expected = cells(row);
      expect(cells(row), row).toBe(expected);
    }
    expect(md).toContain('| Evil \\<b\\>"spec"\\</b\\> (`specs/<evil>.ts`) |');
  });

  it.skipIf(!existsSync(CMARK))('renders with GitHub\'s Markdown (cmark-gfm) into intact tables and no raw HTML (skipped without Debian\'s cmark-gfm)', () => {
    for (const trace of [hostileTrace(), everyKindTrace(), twoGeneralsTrace()]) {
      const html = execFileSync(CMARK, ['-e', 'table'], { input: renderMarkdown(trace), encoding: 'utf8' });
      expect(html).not.toContain('<script');
      const rows = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => (m[1].match(/<t[hd][ >]/g) ?? []).length);
      const widths = new Set(rows);
      expect(rows.length).toBeGreaterThan(4);
      expect([...widths].every((w) => w >= 3)).toBe(true);
      expect(html).toContain('<code class="language-mermaid">sequenceDiagram');
    }
  });
});

/** Markdown and HTML that would take effect if written raw: headings, images with handlers, script links, emphasis. */
const MARKUP = '\n# Fake heading\n<img src=x onerror=alert(1)> [click](javascript:alert(1)) ![i](http://x/i.png) www.x.com *b* _i_ ~~s~~ `c` | cell';

/**
 * Every field a trace file controls, Markdown and HTML in each: clocks (global time and each
 * local clock, keys and values, as a hand-edited file may hold them), params (keys and
 * values), the property's name and kind, the spec's name and path, the strategy, labels,
 * node ids, timers, messages and state.
 */
function markupTrace(): Trace {
  const trace = everyKindTrace() as Trace & Record<string, unknown>;
  const clocks = { t: MARKUP, local: { [`client${MARKUP}`]: MARKUP, client: MARKUP } } as unknown as NonNullable<Trace['initial']['clocks']>;
  trace.initial.clocks = clocks;
  for (const step of trace.steps) step.clocks = clocks;
  const last = trace.steps[trace.steps.length - 1];
  last.state = { ...(last.state as object), timers: { client: { [`retry${MARKUP}`]: MARKUP } } };
  trace.steps.push({ label: `custom ${MARKUP}`, index: 0, state: last.state, clocks });
  trace.params = { [`p${MARKUP}`]: MARKUP };
  trace.property = { name: MARKUP, kind: MARKUP };
  trace.spec = { path: MARKUP, name: MARKUP };
  trace.strategy = MARKUP;
  trace.random = { seed: MARKUP as unknown as number };
  trace.environment = { [`e${MARKUP}`]: MARKUP as unknown as number };
  return trace;
}

describe('renderMarkdown: every field is escaped', () => {
  it('clocks, params, property, spec, strategy, labels, timers: no raw heading, image, link or HTML', () => {
    const md = renderMarkdown(markupTrace());
    const prose = outsideCode(md.replace(/```mermaid[\s\S]*?```/, '')).replaceAll('<br>', '').replaceAll('**', '');
    expect(prose).not.toMatch(/(?<!\\)[<>*_[\]$`!]/);
    // Only our headings start a line.
    expect(md.split('\n').filter((l) => /^\s{0,3}#/.test(l))).toEqual([expect.stringMatching(/^# /), '## Sequence', '## Steps', '## Final state']);
    // Every table row keeps its cells.
    const header = ['| spec ', '| # ', '| node '];
    let expected = 0;
    for (const row of md.split('\n').filter((l) => l.startsWith('| '))) {
      if (header.some((h) => row.startsWith(h))) expected = cells(row);
      expect(cells(row), row).toBe(expected);
    }
    // The time, written raw before, is escaped text now.
    expect(md).toContain('**Time:** t="\\\\n\\# Fake heading\\\\n\\<img src=x onerror=alert(1)\\> \\[click\\](javascript:alert(1))');
  });

  it.skipIf(!existsSync(CMARK))('GitHub\'s Markdown (cmark-gfm) makes no element of any field: no img, no link, no extra heading', () => {
    const html = execFileSync(CMARK, ['-e', 'table', '-e', 'autolink'], { input: renderMarkdown(markupTrace()), encoding: 'utf8' });
    expect(html).not.toMatch(/<img|<a |<script|<em>|<del>/);
    expect(html.match(/<h1>/g)).toHaveLength(1);
    expect(html.match(/<h2>/g)).toHaveLength(3);
    expect(html).not.toContain('javascript:alert(1)"');
  });

  it('Mermaid: clocks and labels with markup or control characters stay text', () => {
    const diagram = renderMermaid(markupTrace());
    for (const line of diagram.split('\n').slice(1)) {
      const text = line.includes(': ') ? line.slice(line.indexOf(': ') + 2) : line.replace(/^ {4}participant \w+ as /, '');
      expect(withoutEntities(text)).not.toMatch(/[;#"{}<>%$\\]/);
    }
    expect(diagram.split('\n').every((l, i) => i === 0 || l.startsWith('    '))).toBe(true); // no line break got through
  });
});
