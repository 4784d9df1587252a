import { canonicalJson, type ConsensusView, type Model } from '../specs/index.ts';
import { AT_BOUND, buildGraph, type StateGraph } from './graph.ts';
import { findLasso, type LassoReason } from './liveness.ts';
import type { Path } from './path.ts';
import type { IncompleteReason, SearchStats } from './result.ts';

/** What the valency explorer reads of a consensus protocol: the kernel's consensus declaration. */
export type ConsensusSpec<S, A> = ConsensusView<S, A>;

/** A set of decision values as a bit mask over {@link FlpReport.values}. */
export type Valency = number;

/** One step out of a configuration, and the valency it leads to. */
export interface FlpStep {
  label: string;
  node: string | undefined;
  valency: Valency;
}

/** A run the explorer prints: a path, each state's valency, and where a crash and a loop are. */
export interface FlpRun<S, A> {
  path: Path<S, A>;
  /** Valency of each state of the path. */
  valency: Valency[];
  /** Steps before the crashed node stops (its crash step, when `crash` mode, is the step after). */
  crashAt?: number;
  /** The loop of a lasso: from state `start` to the end and back. */
  loop?: { start: number };
  reason?: LassoReason;
}

/** An initial configuration: its inputs (when declared) and valency. */
export interface InitialConfiguration {
  id: number;
  initIndex: number;
  inputs: Record<string, unknown>;
  valency: Valency;
}

/** The FLP walk-through of one protocol. */
export interface FlpReport<S, A> {
  /** The decision values seen, in canonical order: bit i of a valency is values[i]. */
  values: unknown[];
  stats: SearchStats & { edges: number; bivalent: number; univalent: number; undecidable: number };
  incomplete?: IncompleteReason;
  initial: InitialConfiguration[];
  /** Index into `initial` of a bivalent one. */
  bivalentInitial?: number;
  /** Why there is no bivalent initial configuration. */
  noBivalentInitial?: string;
  /** FLP's Lemma 2: two adjacent initial configurations of different valency and the node whose input tells them apart. */
  adjacent?: { a: number; b: number; node: string };
  critical?: { run: FlpRun<S, A>; valency: Valency; node: string; steps: FlpStep[] };
  /** Why there is no critical configuration. */
  noCritical?: string;
  /** The node crashed, where, how, and what follows. */
  crash?: {
    node: string;
    at: 'critical' | 'start';
    /** `silent`: the node takes no more steps (FLP's crash: messages to it stay in flight); `crash`: the environment's crash action. */
    mode: 'silent' | 'crash';
    outcome: 'disagreement' | 'non-termination' | 'decides';
    run: FlpRun<S, A>;
  };
  /** The shortest disagreement anywhere (≤ 1 crash), if any. */
  disagreement?: FlpRun<S, A>;
  /** The shortest decided value that is no node's input, if any. */
  invalid?: FlpRun<S, A>;
  /** A fair run where some live node never decides (≤ 1 crash), if any. */
  nonTermination?: FlpRun<S, A> & { crashes: number };
  verdict: string;
}

/** `{0,1}`: a valency as text; `∅` when no decision is reachable. */
export function showValency(valency: Valency, values: readonly unknown[]): string {
  const shown = values.filter((_, i) => valency & (1 << i)).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return shown.length === 0 ? '∅' : `{${shown.join(',')}}`;
}

function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}

/**
 * Valency of every state: the set of decision values reachable from it along the allowed
 * edges (reverse reachability from the states where each value is decided).
 */
export function valencies(graph: StateGraph<any, any>, decided: Uint32Array, edgeOk: (e: number) => boolean): Uint32Array {
  const n = graph.size;
  const valency = decided.slice();
  const pred = graph.predecessors();
  let bits = 0;
  for (let s = 0; s < n; s++) bits |= decided[s];
  for (let b = 0; b < 32; b++) {
    const bit = 1 << b;
    if (!(bits & bit)) continue;
    const work: number[] = [];
    for (let s = 0; s < n; s++) if (decided[s] & bit) work.push(s);
    while (work.length > 0) {
      const s = work.pop()!;
      for (let i = pred.start[s]; i < pred.start[s + 1]; i++) {
        const e = pred.edge[i];
        if (!edgeOk(e)) continue;
        const from = graph.sourceOf(e);
        if (valency[from] & bit) continue;
        valency[from] |= bit;
        work.push(from);
      }
    }
  }
  return valency;
}

/** Options of {@link exploreValency}. */
export interface FlpOptions {
  maxStates?: number;
  timeoutSeconds?: number;
}

/**
 * Walks a consensus protocol through the FLP argument. The model should allow one crash
 * (crash-stop); valency counts steps only (faults are not steps, as in FLP):
 * 1. the valency of every reachable state, and of each initial configuration; a bivalent one,
 *    or why there is none (FLP's Lemma 2: two adjacent initial configurations and the node
 *    whose input tells them apart — a protocol that needs it cannot survive its crash);
 * 2. a critical configuration: bivalent, every step out of it univalent; the node whose
 *    step decides, and a step to each valency;
 * 3. that node crashed there: a disagreement, a fair run that never decides, or the others
 *    deciding anyway (only timing tells a crash from slowness: then the node is crashed by
 *    the environment, else it just stops taking steps, FLP's crash);
 * 4. a verdict in one line.
 */
export function exploreValency<S, A>(model: Model<S, A>, consensus: ConsensusSpec<S, A>, options: FlpOptions = {}): FlpReport<S, A> {
  const nodes = consensus.nodes;
  if (nodes.length > 31) throw new Error('the valency explorer handles at most 31 deciding nodes');
  const nodeIndex = new Map(nodes.map((id, i) => [id, i]));
  const all = (1 << nodes.length) - 1;
  const valueIds = new Map<string, number>();
  const rawValues: unknown[] = [];
  const decidedValues: number[] = [];
  const decidedNodes: number[] = [];
  const down: number[] = [];
  const invalid: number[] = [];
  const initialInputs = new Map<number, Record<string, unknown>>();
  const valueBit = (v: unknown): number => {
    const key = canonicalJson(v);
    let id = valueIds.get(key);
    if (id === undefined) {
      id = rawValues.length;
      if (id >= 31) throw new Error('the valency explorer handles at most 31 decision values');
      valueIds.set(key, id);
      rawValues.push(v);
    }
    return 1 << id;
  };

  const graph = buildGraph(model, {
    ...options,
    edgeTag: (a) => nodeIndex.get(consensus.actor(a) ?? '') ?? -1,
    observe(state, id) {
      let values = 0;
      let who = 0;
      let crashed = 0;
      const inputs = new Set<string>();
      nodes.forEach((node, i) => {
        const d = consensus.decision(state, node);
        if (d !== undefined) {
          values |= valueBit(d);
          who |= 1 << i;
        }
        if (consensus.crashed(state, node)) crashed |= 1 << i;
        const input = consensus.input?.(state, node);
        if (input !== undefined) inputs.add(canonicalJson(input));
      });
      decidedValues[id] = values;
      decidedNodes[id] = who;
      down[id] = crashed;
      invalid[id] = consensus.input ? (nodes.some((node) => {
        const d = consensus.decision(state, node);
        return d !== undefined && !inputs.has(canonicalJson(d));
      }) ? 1 : 0) : 0;
    },
  });
  for (const id of graph.initial) {
    const state = graph.state(id);
    initialInputs.set(id, Object.fromEntries(nodes.map((node) => [node, consensus.input?.(state, node)])));
  }

  // Values in canonical order, so {0} is bit 0 whatever was decided first.
  const order = rawValues.map((v, i) => ({ v, i, key: canonicalJson(v) })).sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  const remap = new Map(order.map((o, j) => [o.i, j]));
  const values = order.map((o) => o.v);
  const rebit = (mask: number): number => {
    let out = 0;
    for (const [from, to] of remap) if (mask & (1 << from)) out |= 1 << to;
    return out;
  };
  const decided = Uint32Array.from(decidedValues, rebit);

  const step = (e: number): boolean => graph.fault[e] === 0;
  const valency = valencies(graph, decided, step);
  const vOf = (s: number): Valency => valency[s];
  let bivalent = 0;
  let univalent = 0;
  let undecidable = 0;
  for (let s = 0; s < graph.size; s++) {
    const c = popcount(valency[s]);
    if (c >= 2) bivalent++;
    else if (c === 1) univalent++;
    else undecidable++;
  }

  const runOf = (start: number, edges: number[], extra: Partial<FlpRun<S, A>> = {}): FlpRun<S, A> => {
    const path = graph.replay(start, edges);
    const ids = [start, ...edges.map((e) => graph.target[e])];
    return { path, valency: ids.map(vOf), ...extra };
  };
  /** The shortest walk from `from` (or the initial states) along allowed edges to a state satisfying `want`. */
  const shortest = (from: readonly number[], want: (s: number) => boolean, edgeOk: (e: number) => boolean): { start: number; edges: number[] } | undefined => {
    const prev = new Int32Array(graph.size).fill(-2);
    const queue: number[] = [];
    for (const s of from) {
      if (prev[s] !== -2) continue;
      prev[s] = -1;
      queue.push(s);
    }
    for (let head = 0; head < queue.length; head++) {
      const s = queue[head];
      if (want(s)) {
        const edges: number[] = [];
        let at = s;
        while (prev[at] >= 0) {
          edges.push(prev[at]);
          at = graph.sourceOf(prev[at]);
        }
        return { start: at, edges: edges.reverse() };
      }
      for (let e = graph.succStart[s]; e < graph.succStart[s + 1]; e++) {
        if (!edgeOk(e)) continue;
        const t = graph.target[e];
        if (prev[t] !== -2) continue;
        prev[t] = e;
        queue.push(t);
      }
    }
    return undefined;
  };

  // 1. Initial configurations.
  const initial: InitialConfiguration[] = graph.initial.map((id) => ({
    id,
    initIndex: graph.initIndexOf(id),
    inputs: initialInputs.get(id) ?? {},
    valency: vOf(id),
  }));
  const report: FlpReport<S, A> = {
    values,
    stats: { ...graph.stats, edges: graph.edgeCount, bivalent, univalent, undecidable },
    ...(graph.incomplete ? { incomplete: graph.incomplete } : {}),
    initial,
    verdict: '',
  };
  const bi = initial.findIndex((c) => popcount(c.valency) >= 2);
  let crashNode: string | undefined;
  let crashFrom: { start: number; edges: number[] } | undefined;
  if (bi >= 0) {
    report.bivalentInitial = bi;
  } else {
    const kinds = new Set(initial.map((c) => c.valency));
    if (initial.every((c) => c.valency === 0)) {
      report.noBivalentInitial = 'no initial configuration can reach a decision';
    } else if (kinds.size === 1) {
      report.noBivalentInitial = `every initial configuration is ${showValency(initial[0].valency, values)}-valent: the decision does not depend on the inputs (validity fails, or the inputs are not chosen yet)`;
    } else {
      // Lemma 2: adjacent configurations (inputs differ at one node) of different valency.
      for (let i = 0; i < initial.length && !report.adjacent; i++) {
        for (let j = i + 1; j < initial.length && !report.adjacent; j++) {
          const a = initial[i];
          const b = initial[j];
          if (a.valency === b.valency) continue;
          const differ = nodes.filter((node) => canonicalJson(a.inputs[node] ?? null) !== canonicalJson(b.inputs[node] ?? null));
          if (differ.length === 1) report.adjacent = { a: i, b: j, node: differ[0] };
        }
      }
      report.noBivalentInitial = report.adjacent
        ? `every initial configuration is univalent: the decision is a function of the inputs, and the input of ${report.adjacent.node} alone tells two of them apart (FLP's Lemma 2: such a protocol cannot survive the crash of ${report.adjacent.node})`
        : 'every initial configuration is univalent, and no two adjacent ones differ (declare each node\'s input to find the pair)';
      if (report.adjacent) {
        crashNode = report.adjacent.node;
        crashFrom = { start: initial[report.adjacent.a].id, edges: [] };
      }
    }
  }

  // 2. A critical configuration: the nearest bivalent state whose steps all lead to univalent ones.
  if (bi >= 0) {
    const critical = (s: number): boolean => {
      if (popcount(valency[s]) < 2) return false;
      let steps = 0;
      for (let e = graph.succStart[s]; e < graph.succStart[s + 1]; e++) {
        if (!step(e)) continue;
        steps++;
        if (popcount(valency[graph.target[e]]) !== 1) return false;
      }
      return steps > 0;
    };
    const found = shortest([initial[bi].id], critical, step);
    if (found) {
      const c = found.edges.length === 0 ? found.start : graph.target[found.edges[found.edges.length - 1]];
      // The steps out of it, by valency; prefer two steps of the same node.
      const out: { e: number; v: number; node: number }[] = [];
      for (let e = graph.succStart[c]; e < graph.succStart[c + 1]; e++) if (step(e)) out.push({ e, v: valency[graph.target[e]], node: graph.tag[e] });
      const distinct = [...new Set(out.map((o) => o.v))].sort((x, y) => x - y);
      let pick: { e: number; v: number; node: number }[] = [];
      for (const o of out) {
        const other = out.find((p) => p.node === o.node && p.v !== o.v);
        if (other) {
          pick = [o, other].sort((x, y) => x.v - y.v);
          break;
        }
      }
      if (pick.length === 0) pick = distinct.slice(0, 2).map((v) => out.find((o) => o.v === v)!);
      const node = pick[0].node >= 0 ? nodes[pick[0].node] : undefined;
      const run = runOf(found.start, found.edges);
      report.critical = {
        run,
        valency: valency[c],
        node: node ?? '(the environment)',
        steps: pick.map((o) => ({ label: graph.label(o.e), node: o.node >= 0 ? nodes[o.node] : undefined, valency: o.v })),
      };
      if (node) {
        crashNode = node;
        crashFrom = found;
      }
    } else {
      const atBound = graph.status.some((st) => st === AT_BOUND);
      const both = shortest([initial[bi].id], (s) => popcount(decided[s]) >= 2, step);
      report.noCritical = both
        ? 'every bivalent configuration has a bivalent step: bivalence lasts until both values are decided'
        : atBound
          ? 'every bivalent configuration has a bivalent step, until the model\'s bound (its time horizon) cuts the runs short'
          : 'every bivalent configuration has a bivalent step (a run can stay bivalent forever)';
    }
  }

  // 3. Crash that node there.
  const disagree = (s: number): boolean => popcount(decided[s]) >= 2;
  if (crashNode !== undefined && crashFrom) {
    const p = nodeIndex.get(crashNode)!;
    const at = crashFrom.edges.length === 0 ? crashFrom.start : graph.target[crashFrom.edges[crashFrom.edges.length - 1]];
    const mode: 'silent' | 'crash' = consensus.timed ? 'crash' : 'silent';
    let from = at;
    let prefix = crashFrom.edges;
    let edgeOk = (e: number): boolean => step(e) && graph.tag[e] !== p;
    let classOk = (k: number): boolean => graph.classOwner[k] !== crashNode;
    let goal = (s: number): boolean => ((decidedNodes[s] | (1 << p)) & all) === all;
    if (mode === 'crash') {
      let crashEdge = -1;
      for (let e = graph.succStart[at]; e < graph.succStart[at + 1]; e++) if (graph.fault[e] && graph.tag[e] === p) crashEdge = e;
      if (crashEdge < 0) throw new Error(`the model offers no crash of ${crashNode} (give it a crash budget: --crashes 1)`);
      from = graph.target[crashEdge];
      prefix = [...crashFrom.edges, crashEdge];
      edgeOk = step;
      classOk = () => true;
      goal = (s) => ((decidedNodes[s] | down[s]) & all) === all;
    }
    const base = { crashAt: crashFrom.edges.length };
    const bad = shortest([from], disagree, edgeOk);
    if (bad) {
      report.crash = { node: crashNode, at: bi >= 0 ? 'critical' : 'start', mode, outcome: 'disagreement', run: runOf(crashFrom.start, [...prefix, ...bad.edges], base) };
    } else {
      const lasso = findLasso(graph, { goal, from: [from], edgeOk, classOk, owedOnlyIfTakable: mode === 'silent' });
      if (lasso) {
        report.crash = {
          node: crashNode,
          at: bi >= 0 ? 'critical' : 'start',
          mode,
          outcome: 'non-termination',
          run: runOf(crashFrom.start, [...prefix, ...lasso.edges], { ...base, loop: { start: prefix.length + lasso.loopStart }, reason: lasso.reason }),
        };
      } else {
        const done = shortest([from], goal, edgeOk);
        report.crash = {
          node: crashNode,
          at: bi >= 0 ? 'critical' : 'start',
          mode,
          outcome: 'decides',
          run: runOf(crashFrom.start, [...prefix, ...(done?.edges ?? [])], base),
        };
      }
    }
  }

  // Global checks, with every fault the model allows.
  const anywhere = shortest(graph.initial, disagree, () => true);
  if (anywhere) report.disagreement = runOf(anywhere.start, anywhere.edges);
  const wrong = shortest(graph.initial, (s) => invalid[s] === 1, () => true);
  if (wrong) report.invalid = runOf(wrong.start, wrong.edges);
  // The fewest faults first: a run that never decides without any is the stronger finding.
  const everyoneDecided = (s: number): boolean => ((decidedNodes[s] | down[s]) & all) === all;
  const lasso = findLasso(graph, { goal: everyoneDecided, edgeOk: step }) ?? findLasso(graph, { goal: everyoneDecided });
  if (lasso) {
    const run = runOf(lasso.start, lasso.edges, { loop: { start: lasso.loopStart }, reason: lasso.reason });
    const crashes = lasso.edges.filter((e) => graph.fault[e] && graph.tag[e] >= 0).length;
    report.nonTermination = { ...run, crashes };
  }

  report.verdict = verdict(report);
  return report;
}

function crashes(n: number): string {
  return n === 0 ? 'no crash' : n === 1 ? '1 crash' : `${n} crashes`;
}

/** How a run that never decides ends: bivalent forever, undecided forever, or cut by the time bound. */
function forever(run: FlpRun<unknown, unknown>): string {
  if (run.reason === 'bound') return 'undecided until the time bound';
  const loop = run.valency.slice(run.loop?.start ?? run.valency.length - 1);
  return loop.every((v) => popcount(v) >= 2) ? 'bivalent forever' : 'undecided forever';
}

function verdict(r: FlpReport<unknown, unknown>): string {
  if (r.disagreement) return 'violates agreement';
  if (r.invalid) return 'violates validity';
  if (r.crash?.outcome === 'non-termination') return `violates termination: ${forever(r.crash.run)} with 1 crash`;
  if (r.nonTermination) return `violates termination: ${forever(r.nonTermination)} with ${crashes(r.nonTermination.crashes)}`;
  if (r.incomplete) return `no violation found before the search stopped (${r.incomplete})`;
  return r.crash?.mode === 'crash' || r.noBivalentInitial === undefined
    ? 'terminates and agrees — this protocol is not asynchronous (it uses timing: partial synchrony)'
    : `terminates and agrees — ${r.noBivalentInitial}`;
}
