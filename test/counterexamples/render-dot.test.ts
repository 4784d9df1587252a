import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checker } from '../../checker/index.ts';
import {
  buildStateGraph,
  NO_FAULTS,
  renderDot,
  renderStateGraphDot,
  StateGraphTooLarge,
  traceOf,
  type Trace,
} from '../../counterexamples/index.ts';
import dieHard from '../../protocols/die-hard.ts';
import twoGenerals from '../../protocols/two-generals.ts';
import twoPhase from '../../protocols/two-phase.ts';
import type { Model } from '../../specs/index.ts';

function violationTrace<S, A>(model: Model<S, A>, specPath: string): Trace {
  return traceOf(model, checker(model).bfs().violations[0], { specPath, params: {}, strategy: 'bfs' });
}

const DOT = '/usr/bin/dot';

/** Graphviz accepts the file (exit 0, an SVG out). */
function graphvizAccepts(dot: string): boolean {
  const svg = execFileSync(DOT, ['-Tsvg'], { input: dot, encoding: 'utf8' });
  return svg.includes('<svg');
}

describe('renderDot: the trace path', () => {
  it('draws states as short-labelled nodes, actions as numbered edges, the violating state filled red', () => {
    const trace = violationTrace(twoPhase({ variant: 'commit-early' }), 'protocols/two-phase.ts');
    expect(renderDot(trace)).toBe(
      [
        'digraph trace {',
        '  graph [label="invariant TCConsistent violated in TwoPhase/commit-early", labelloc=t, fontname="Helvetica", rankdir=TB];',
        '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=10];',
        '  s0 [label="initial state\\lmsgs.abort = false\\lmsgs.commit = false\\lmsgs.prepared = [false,false,false]\\lrmState = [\\"working\\",\\"working\\",\\"working\\"]\\l… 2 more\\l", penwidth=2];',
        '  s1 [label="after step 1\\lmsgs.commit: false → true\\ltmState: \\"init\\" → \\"committed\\"\\l"];',
        '  s2 [label="after step 2\\lrmState[0]: \\"working\\" → \\"aborted\\"\\l"];',
        '  s3 [label="after step 3\\lrmState[1]: \\"working\\" → \\"committed\\"\\l✗ invariant TCConsistent\\l", color="#cf222e", penwidth=2, style="rounded,filled", fillcolor="#ffebe9"];',
        '  s0 -> s1 [label="1. TMCommit"];',
        '  s1 -> s2 [label="2. RMChooseToAbort(rm1)"];',
        '  s2 -> s3 [label="3. RMRcvCommitMsg(rm2)"];',
        '}',
      ].join('\n'),
    );
  });

  it('draws injected faults as dashed red edges', () => {
    const model = twoGenerals({ rounds: 3 }).configure({ environment: { maxDrops: 1 } });
    const dot = renderDot(violationTrace(model, 'protocols/two-generals.ts'));
    expect(dot).toContain('  s0 -> s1 [label="1. deliver Messenger(n=1) general-A→general-B"];');
    expect(dot).toContain('  s2 -> s3 [label="3. drop Messenger(n=3) general-A→general-B", style=dashed, color="#cf222e", fontcolor="#cf222e"];');
  });

  it('escapes quotes, backslashes and newlines in labels', () => {
    const evil = 'say "hi" \\N \\l\nnext} ]; digraph x {';
    const trace: Trace = {
      format: 'faultline-trace',
      version: 1,
      spec: { path: 'x.ts', name: `X ${evil}` },
      params: {},
      strategy: 'bfs',
      property: { name: evil, kind: 'invariant' },
      faults: { ...NO_FAULTS },
      initial: { index: 0, state: { v: evil } },
      steps: [{ label: evil, index: 0, state: { v: 1 } }],
    };
    const dot = renderDot(trace);
    expect(dot).toContain('  s0 -> s1 [label="1. say \\"hi\\" \\\\N \\\\l next} ]; digraph x {"];');
    // Every statement stays on its line: a quoted string never spans lines or closes early.
    for (const line of dot.split('\n').slice(4, -1)) expect(line).toMatch(/^ {2}s\d+( -> s\d+)? \[label="(?:[^"\\]|\\.)*"[^"]*(?:"[^"]*"[^"]*)*\];$/);
    if (existsSync(DOT)) expect(graphvizAccepts(dot)).toBe(true);
  });
});

describe('buildStateGraph and renderStateGraphDot: the state graph of a small model', () => {
  it('builds the reachable graph with graphlib: TwoPhase rm=3 has TLC\'s 288 states and an edge per successor computed', () => {
    const graph = buildStateGraph(twoPhase({ rm: 3 }));
    expect(graph.nodeCount()).toBe(288);
    expect(graph.edgeCount()).toBe(1146 - 1); // TLC's generated states, less the initial one
    expect(graph.nodes().filter((id) => graph.node(id).initial)).toHaveLength(1);
  });

  it('draws DieHard whole, initial state bold, NotFour states red, the violating path highlighted', () => {
    const model = dieHard();
    const trace = violationTrace(model, 'protocols/die-hard.ts');
    expect(trace.steps).toHaveLength(6);
    const dot = renderStateGraphDot(model, { highlight: trace });
    const nodes = dot.split('\n').filter((l) => /^ {2}s\d+ \[/.test(l));
    expect(nodes).toHaveLength(16);
    expect(dot).toContain('graph [label="DieHard: 16 states"');
    expect(nodes[0]).toBe('  s0 [label="big=0\\lsmall=0\\l", color="#0969da", penwidth=3];');
    const violating = nodes.filter((l) => l.includes('✗ NotFour'));
    expect(violating).toHaveLength(2);
    expect(violating.filter((l) => l.includes('fillcolor="#ffebe9"'))).toEqual(['  s13 [label="big=4\\lsmall=3\\l✗ NotFour\\l", color="#cf222e", penwidth=3, style="rounded,filled", fillcolor="#ffebe9"];']);
    // The path: 6 actions, 6 thick blue edges; the 5 states before the end outlined blue.
    expect(dot.split('\n').filter((l) => l.includes(' -> ') && l.includes('penwidth=3'))).toHaveLength(6);
    expect(nodes.filter((l) => l.includes('color="#0969da"'))).toHaveLength(6);
    // Parallel actions between two states share one edge.
    expect(dot).toContain('  s0 -> s0 [label="EmptySmall\\lEmptyBig\\lSmallToBig\\lBigToSmall\\l"];');
    if (existsSync(DOT)) expect(graphvizAccepts(dot)).toBe(true);
  });

  it('refuses models past the cap with StateGraphTooLarge', () => {
    expect(() => buildStateGraph(twoPhase({ rm: 3 }), { maxStates: 100 })).toThrow(StateGraphTooLarge);
    expect(() => renderStateGraphDot(twoPhase({ rm: 3 }), { maxStates: 100 })).toThrow('more than 100 reachable states');
    expect(buildStateGraph(twoPhase({ rm: 3 }), { maxStates: 288 }).nodeCount()).toBe(288);
  });

  it('takes a custom label and title', () => {
    const dot = renderStateGraphDot(dieHard(), { label: (s) => JSON.stringify(s), title: 'jugs' });
    expect(dot).toContain('graph [label="jugs"');
    expect(dot).toContain('  s1 [label="{\\"small\\":3,\\"big\\":0}"];');
  });
});
