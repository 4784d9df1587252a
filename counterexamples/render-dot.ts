import { Graph } from '@dagrejs/graphlib';
import { fingerprint, fingerprintHex } from '../checker/index.ts';
import { describeAction, type Model } from '../specs/index.ts';
import { stateLeaves } from './diff.ts';
import { dotString } from './escape.ts';
import { showValue } from './render-text.ts';
import { changesOf, changeText, isFaultEvent, propertyText, statesOf, timelineOf } from './timeline.ts';
import type { Trace } from './trace.ts';

/** Lines of a node label before the rest is elided. */
const LABEL_LINES = 5;
/** Characters of a label line before it is cut. */
const LABEL_WIDTH = 60;

const RED = '"#cf222e"';
const BLUE = '"#0969da"';

function shorten(lines: readonly string[]): string[] {
  const cut = lines.map((l) => (l.length > LABEL_WIDTH ? `${l.slice(0, LABEL_WIDTH - 1)}…` : l));
  return cut.length > LABEL_LINES ? [...cut.slice(0, LABEL_LINES - 1), `… ${cut.length - LABEL_LINES + 1} more`] : cut;
}

function header(name: string, title: string): string[] {
  return [
    `digraph ${name} {`,
    `  graph [label=${dotString(title)}, labelloc=t, fontname="Helvetica", rankdir=TB];`,
    '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
}

/**
 * A trace's path as Graphviz DOT: one node per state (labelled with its step and what
 * that step changed), one edge per action (labelled with it; injected faults dashed red),
 * the violating state filled red.
 */
export function renderDot(trace: Trace): string {
  const changes = changesOf(trace);
  const timeline = timelineOf(trace);
  const last = trace.steps.length;
  const lines = header('trace', `${propertyText(trace)} violated in ${trace.spec.name}`);
  changes.forEach((diff, i) => {
    const what = diff.length === 0 ? ['(no change)'] : diff.map(changeText);
    const label = [i === 0 ? 'initial state' : `after step ${i}`, ...shorten(what)];
    if (i === last) label.push(`✗ ${propertyText(trace)}`);
    const style = i === last ? `, color=${RED}, penwidth=2, style="rounded,filled", fillcolor="#ffebe9"` : i === 0 ? ', penwidth=2' : '';
    lines.push(`  s${i} [label=${dotString(label)}${style}];`);
  });
  trace.steps.forEach((step, i) => {
    const e = timeline.events[i];
    const fault = isFaultEvent(e) && e.fault.counted ? `, style=dashed, color=${RED}, fontcolor=${RED}` : '';
    lines.push(`  s${i} -> s${i + 1} [label=${dotString(`${i + 1}. ${step.label}`)}${fault}];`);
  });
  lines.push('}');
  return lines.join('\n');
}

/** A reachable state, as a node of the state graph. */
export interface StateNode {
  /** The state. */
  state: unknown;
  /** Breadth-first discovery order, from 0. */
  order: number;
  /** True for initial states. */
  initial: boolean;
  /** The invariants the state violates. */
  violates: string[];
}

/** An action, as an edge of the state graph (edge name: the action index). */
export interface ActionEdge {
  label: string;
  /** Index of the action in `model.actions(state)`. */
  index: number;
}

/** The state graph has more states than the cap allows. */
export class StateGraphTooLarge extends Error {
  constructor(readonly maxStates: number) {
    super(`the model has more than ${maxStates} reachable states, too many to draw`);
    this.name = 'StateGraphTooLarge';
  }
}

/** Bounds of {@link buildStateGraph}. */
export interface StateGraphOptions {
  /** Most states drawn; more is an error (default 500). */
  maxStates?: number;
}

/**
 * The reachable state graph of a small model, with @dagrejs/graphlib: nodes are states
 * keyed by fingerprint, edges are actions (a multigraph: two actions may join the same
 * states). States where `constraint` is false are kept but not expanded, as in a check.
 * Throws {@link StateGraphTooLarge} past `maxStates`.
 */
export function buildStateGraph<S, A>(model: Model<S, A>, options: StateGraphOptions = {}): Graph<undefined, StateNode, ActionEdge> {
  const max = options.maxStates ?? 500;
  const graph = new Graph<undefined, StateNode, ActionEdge>({ directed: true, multigraph: true });
  const invariants = Object.entries(model.invariants ?? {});
  const queue: [string, S][] = [];
  const add = (state: S, initial: boolean): string => {
    const id = fingerprintHex(fingerprint(state));
    if (graph.hasNode(id)) return id;
    if (graph.nodeCount() >= max) throw new StateGraphTooLarge(max);
    const violates = invariants.filter(([, holds]) => !holds(state)).map(([name]) => name);
    graph.setNode(id, { state, order: graph.nodeCount(), initial, violates });
    queue.push([id, state]);
    return id;
  };
  for (const state of model.init()) add(state, true);
  for (let head = 0; head < queue.length; head++) {
    const [id, state] = queue[head];
    if (model.constraint && !model.constraint(state)) continue;
    let index = 0;
    for (const action of model.actions(state)) {
      const next = model.next(state, action);
      if (next !== undefined) graph.setEdge(id, add(next, false), { label: describeAction(model, action), index }, String(index));
      index++;
    }
  }
  return graph;
}

/** Options of {@link renderStateGraphDot}. */
export interface StateGraphDotOptions extends StateGraphOptions {
  /** A trace of this model whose path is highlighted (its violating state filled red). */
  highlight?: Trace;
  /** A state's label, one line or several (default: its leaves, `path=value`). */
  label?: (state: unknown) => string | string[];
  /** The graph's title (default: the model's name). */
  title?: string;
}

/**
 * The reachable state graph of a small model as Graphviz DOT: initial states bold,
 * states violating an invariant outlined red, and the path of `highlight` drawn thick and
 * blue with its violating state filled red. Throws {@link StateGraphTooLarge} past
 * `maxStates` (default 500).
 */
export function renderStateGraphDot<S, A>(model: Model<S, A>, options: StateGraphDotOptions = {}): string {
  const graph = buildStateGraph(model, options);
  const label = options.label ?? ((s: unknown) => stateLeaves(s).map((c) => `${c.path}=${showValue(c.after)}`));
  const ids = graph.nodes().sort((a, b) => graph.node(a).order - graph.node(b).order);
  const short = new Map(ids.map((id) => [id, `s${graph.node(id).order}`]));

  // The highlighted path: its states and its edges (from, to, action index).
  const onPath = new Set<string>();
  const pathEdges = new Set<string>();
  let end: string | undefined;
  if (options.highlight) {
    const fps = statesOf(options.highlight).map((s) => fingerprintHex(fingerprint(s)));
    fps.forEach((fp) => onPath.add(fp));
    options.highlight.steps.forEach((step, i) => pathEdges.add(`${fps[i]} ${fps[i + 1]} ${step.index}`));
    end = fps[fps.length - 1];
  }

  const lines = header('states', options.title ?? `${model.name}: ${ids.length} states`);
  for (const id of ids) {
    const node = graph.node(id);
    const given = label(node.state);
    const text = shorten(typeof given === 'string' ? [given] : given);
    if (node.violates.length > 0) text.push(`✗ ${node.violates.join(', ')}`);
    const attrs = [`label=${dotString(text)}`];
    if (id === end) attrs.push(`color=${RED}`, 'penwidth=3', 'style="rounded,filled"', 'fillcolor="#ffebe9"');
    else if (node.violates.length > 0) attrs.push(`color=${RED}`, `penwidth=${node.initial ? 3 : 1}`);
    else if (onPath.has(id)) attrs.push(`color=${BLUE}`, `penwidth=${node.initial ? 3 : 2}`);
    else if (node.initial) attrs.push('penwidth=2');
    lines.push(`  ${short.get(id)} [${attrs.join(', ')}];`);
  }
  // One DOT edge per pair of states, listing every action that joins them.
  const joined = new Map<string, { v: string; w: string; labels: string[]; highlighted: boolean; order: number[] }>();
  for (const e of graph.edges()) {
    const edge = graph.edge(e);
    const key = `${e.v} ${e.w}`;
    const entry = joined.get(key) ?? { v: e.v, w: e.w, labels: [], highlighted: false, order: [graph.node(e.v).order, edge.index] };
    entry.labels.push(edge.label);
    entry.highlighted ||= pathEdges.has(`${e.v} ${e.w} ${edge.index}`);
    entry.order[1] = Math.min(entry.order[1], edge.index);
    joined.set(key, entry);
  }
  const edges = [...joined.values()].sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1]);
  for (const edge of edges) {
    const style = edge.highlighted ? `, color=${BLUE}, fontcolor=${BLUE}, penwidth=3` : '';
    const label = edge.labels.length === 1 ? dotString(edge.labels[0]) : dotString(edge.labels);
    lines.push(`  ${short.get(edge.v)} -> ${short.get(edge.w)} [label=${label}${style}];`);
  }
  lines.push('}');
  return lines.join('\n');
}
