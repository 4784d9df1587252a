import { describeAction, type Fairness, type Model } from '../specs/index.ts';
import { callSpec } from './errors.ts';
import { Expansion, SEEN } from './expansion.ts';
import { replayPath, type Path } from './path.ts';
import type { IncompleteReason, SearchStats } from './result.ts';
import { slotOf } from '../specs/hash-mix.ts';

/**
 * Weak fairness, declared per action: while some action of a class stays enabled, an
 * action of that class must eventually be taken. Actions of no class (faults, environment
 * choices) are never forced.
 */
export type { Fairness };

/** Weak fairness of the whole next-state relation (TLA+'s WF_vars(Next)): a model that can step, steps. */
export const WEAK_FAIRNESS_OF_NEXT: Fairness<unknown> = { fair: () => 'next' };


/** The fairness a model declares (a `fairness` member), else weak fairness of next. */
export function fairnessOf<S, A>(model: Model<S, A>): Fairness<A> {
  return model.fairness ?? (WEAK_FAIRNESS_OF_NEXT as Fairness<A>);
}

/** A state's expansion status: expanded. */
export const EXPANDED = 0;
/** Not expanded: the model's constraint is false there (a bound of the model, e.g. its time horizon). */
export const AT_BOUND = 1;
/** Not expanded: the search stopped first (state or time budget). */
export const UNEXPLORED = 2;

/** Options of {@link buildGraph}. */
export interface GraphOptions<S, A = unknown> {
  maxStates?: number;
  timeoutSeconds?: number;
  /** Called once per distinct state, in id order, while the state is at hand (states are not kept). */
  observe?(state: S, id: number): void;
  /** A number kept per edge (e.g. which node steps), read from its action. */
  edgeTag?(action: A): number;
}

/** A growable Uint32Array. */
class U32 {
  data: Uint32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Uint32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Uint32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
  done(): Uint32Array {
    return this.data.slice(0, this.length);
  }
}

/** A growable Int32Array. */
class I32 {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
  done(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/** Fingerprint → state id: open addressing over 64-bit keys (id + 1 stored; 0 = empty slot). */
class FingerprintIndex {
  private keys = new Uint32Array(2 * 1024);
  private ids = new Int32Array(1024);
  private mask = 1023;
  private count = 0;

  /** The id of a fingerprint, or -1. */
  get(hi: number, lo: number): number {
    let i = slotOf(hi, lo, this.mask);
    for (;;) {
      const id = this.ids[i];
      if (id === 0) return -1;
      if (this.keys[2 * i] === hi && this.keys[2 * i + 1] === lo) return id - 1;
      i = (i + 1) & this.mask;
    }
  }

  set(hi: number, lo: number, id: number): void {
    if ((this.count + 1) * 4 > (this.mask + 1) * 3) this.grow();
    let i = slotOf(hi, lo, this.mask);
    while (this.ids[i] !== 0) i = (i + 1) & this.mask;
    this.keys[2 * i] = hi;
    this.keys[2 * i + 1] = lo;
    this.ids[i] = id + 1;
    this.count++;
  }

  private grow(): void {
    const keys = this.keys;
    const ids = this.ids;
    const capacity = (this.mask + 1) * 2;
    this.keys = new Uint32Array(capacity * 2);
    this.ids = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.count = 0;
    for (let j = 0; j < ids.length; j++) if (ids[j] !== 0) this.set(keys[2 * j], keys[2 * j + 1], ids[j] - 1);
  }
}

/** The arrays a {@link StateGraph} is made of. */
export interface GraphParts {
  size: number;
  succStart: Uint32Array;
  target: Uint32Array;
  action: Uint32Array;
  fault: Uint8Array;
  fulfils: Int32Array;
  tag: Int32Array;
  enabledStart: Uint32Array;
  enabled: Uint32Array;
  classes: string[];
  classOwner: (string | undefined)[];
  status: Uint8Array;
  parent: Int32Array;
  parentAction: Uint32Array;
  depthOf: Uint32Array;
  initial: number[];
  stats: SearchStats;
  incomplete: IncompleteReason | undefined;
  fpHi: Uint32Array;
  fpLo: Uint32Array;
}

/**
 * The reachable state graph of a model, kept compact: states are ids in BFS order (initial
 * states first; `depthOf` is the BFS distance + 1), successors are in CSR form with, per
 * edge, the index of its action in `model.actions(source)` so any walk replays; per state,
 * the weak-fairness classes enabled there; per edge, the class it discharges. States
 * themselves are not kept: `observe` sees each once, and walks are rebuilt by replay.
 */
export class StateGraph<S, A> implements GraphParts {
  size!: number;
  /** Edges out of state i: succStart[i] .. succStart[i + 1] - 1. */
  succStart!: Uint32Array;
  target!: Uint32Array;
  /** Index of the edge's action in `model.actions(source)`. */
  action!: Uint32Array;
  /** 1 when the edge's action injects a fault. */
  fault!: Uint8Array;
  /** The fairness class the edge discharges, or -1. */
  fulfils!: Int32Array;
  /** Per edge, `edgeTag(action)` when the builder was given one (else empty). */
  tag!: Int32Array;
  /** Fairness classes enabled in state i: enabled[enabledStart[i] .. enabledStart[i + 1] - 1]. */
  enabledStart!: Uint32Array;
  enabled!: Uint32Array;
  /** Fairness class names and owners, by class id. */
  classes!: string[];
  classOwner!: (string | undefined)[];
  /** EXPANDED, AT_BOUND or UNEXPLORED, per state. */
  status!: Uint8Array;
  /** BFS tree: parent (-1 for initial states) and the action index that reached the state (the init index for initial states). */
  parent!: Int32Array;
  parentAction!: Uint32Array;
  depthOf!: Uint32Array;
  /** Ids of the initial states, in init order. */
  initial!: number[];
  stats!: SearchStats;
  incomplete!: IncompleteReason | undefined;
  fpHi!: Uint32Array;
  fpLo!: Uint32Array;
  private reverse: { start: Uint32Array; edge: Uint32Array } | undefined;
  private sources: Uint32Array | undefined;

  constructor(
    readonly model: Model<S, A>,
    parts: GraphParts,
  ) {
    Object.assign(this, parts);
  }

  /** Number of edges. */
  get edgeCount(): number {
    return this.target.length;
  }

  /** The state edge `e` leaves from. */
  sourceOf(e: number): number {
    if (!this.sources) {
      this.sources = new Uint32Array(this.target.length);
      for (let s = 0; s < this.size; s++) this.sources.fill(s, this.succStart[s], this.succStart[s + 1]);
    }
    return this.sources[e];
  }

  /** Reverse adjacency: the edges into state i are edge[start[i] .. start[i + 1] - 1]. */
  predecessors(): { start: Uint32Array; edge: Uint32Array } {
    if (this.reverse) return this.reverse;
    const n = this.size;
    const start = new Uint32Array(n + 1);
    for (let e = 0; e < this.target.length; e++) start[this.target[e] + 1]++;
    for (let i = 0; i < n; i++) start[i + 1] += start[i];
    const fill = start.slice(0, n);
    const edge = new Uint32Array(this.target.length);
    for (let s = 0; s < n; s++) {
      for (let e = this.succStart[s]; e < this.succStart[s + 1]; e++) edge[fill[this.target[e]]++] = e;
    }
    this.reverse = { start, edge };
    return this.reverse;
  }

  /** True when state `s` has fairness class `c` enabled. */
  hasEnabled(s: number, c: number): boolean {
    for (let i = this.enabledStart[s]; i < this.enabledStart[s + 1]; i++) if (this.enabled[i] === c) return true;
    return false;
  }

  /** The BFS-tree walk from an initial state to `id`, as edges: a shortest one over every edge. */
  treeEdges(id: number): number[] {
    const edges: number[] = [];
    for (let at = id; this.parent[at] >= 0; at = this.parent[at]) {
      const from = this.parent[at];
      for (let e = this.succStart[from]; e < this.succStart[from + 1]; e++) {
        if (this.action[e] === this.parentAction[at]) {
          edges.push(e);
          break;
        }
      }
    }
    return edges.reverse();
  }

  /** The initial state the BFS-tree walk to `id` starts from. */
  rootOf(id: number): number {
    let at = id;
    while (this.parent[at] >= 0) at = this.parent[at];
    return at;
  }

  /** The index among `model.init()` of initial state `id`. */
  initIndexOf(id: number): number {
    return this.parentAction[id];
  }

  /** Replays a walk (an initial state id and edges from it) into a Path, checking every fingerprint. */
  replay(start: number, edges: readonly number[]): Path<S, A> {
    const ids = [start];
    for (const e of edges) ids.push(this.target[e]);
    return replayPath(
      this.model,
      this.initIndexOf(start),
      edges.map((e) => this.action[e]),
      (step) => ({ hi: this.fpHi[ids[step]], lo: this.fpLo[ids[step]] }),
      'state', // the state graph is never reduced by symmetry: lassos must be real loops
    );
  }

  /** The state with id `id`, rebuilt by replay. */
  state(id: number): S {
    return this.replay(this.rootOf(id), this.treeEdges(id)).states.at(-1)!;
  }

  /** The label of edge `e`'s action. */
  label(e: number): string {
    const s = this.sourceOf(e);
    const path = this.replay(this.rootOf(s), [...this.treeEdges(s), e]);
    return describeAction(this.model, path.actions.at(-1)!);
  }
}

/**
 * Explores every reachable state breadth first and keeps the graph: ids, successor lists
 * with action indices, fairness classes. States where the model's constraint is false are
 * kept but not expanded (AT_BOUND); a budget stops the search (UNEXPLORED, `incomplete`).
 * The per-state step is Expansion's; this keeps every edge, the order is breadth first.
 */
export function buildGraph<S, A>(model: Model<S, A>, options: GraphOptions<S, A> = {}): StateGraph<S, A> {
  const started = performance.now();
  const deadline = options.timeoutSeconds === undefined ? Infinity : started + options.timeoutSeconds * 1000;
  const maxStates = options.maxStates ?? Infinity;
  const fairness = fairnessOf(model);
  const faultKind = model.faultKind?.bind(model);
  const index = new FingerprintIndex();
  const classIds = new Map<string, number>();
  const classes: string[] = [];
  const classOwner: (string | undefined)[] = [];
  const classOf = (name: string | undefined, act: A): number => {
    if (name === undefined) return -1;
    let id = classIds.get(name);
    if (id === undefined) {
      id = classes.length;
      classIds.set(name, id);
      classes.push(name);
      classOwner.push(fairness.owner?.(act));
    }
    return id;
  };

  const fpHi = new U32();
  const fpLo = new U32();
  const parent = new I32();
  const parentAction = new U32();
  const depthOf = new U32();
  const status: number[] = [];
  const succStart = new U32();
  const target = new U32();
  const action = new U32();
  const fault: number[] = [];
  const fulfils = new I32();
  const tag = new I32();
  const enabledStart = new U32();
  const enabled = new U32();
  const queue: S[] = [];
  const initial: number[] = [];
  let incomplete: IncompleteReason | undefined;

  // The shared per-state step (Expansion), on the states themselves: the graph is never
  // reduced by symmetry (lassos must be real loops). The index is its visited set; a new
  // state is logged into the arrays.
  const visited = {
    get size(): number {
      return fpHi.length;
    },
    bytes: 0,
    add: (hi: number, lo: number): boolean => index.get(hi, lo) < 0,
    has: (hi: number, lo: number): boolean => index.get(hi, lo) >= 0,
  };
  const x = new Expansion<S, A>(model, visited, {
    add(hi, lo, from, actionIndex) {
      const id = fpHi.length;
      index.set(hi, lo, id);
      fpHi.push(hi);
      fpLo.push(lo);
      parent.push(from);
      parentAction.push(actionIndex);
      depthOf.push(from < 0 ? 1 : depthOf.data[from] + 1);
      status.push(EXPANDED);
      return id;
    },
  }, false);

  /** The id of a state: new ones are queued and observed. */
  const discover = (state: S, from: number, actionIndex: number): number => {
    const id = x.discover(state, from, actionIndex);
    if (id === SEEN) return index.get(x.fp.hi, x.fp.lo);
    queue.push(state);
    options.observe?.(state, id);
    return id;
  };

  const inits = callSpec('init', () => Array.from(model.init()));
  inits.forEach((s, i) => {
    const before = fpHi.length;
    const id = discover(s, -1, i);
    if (fpHi.length > before) initial.push(id);
  });

  let depth = inits.length > 0 ? 1 : 0;
  let ticks = 0;
  for (let id = 0; id < queue.length; id++) {
    const state = queue[id];
    queue[id] = undefined as S; // states go once expanded
    succStart.push(target.length);
    enabledStart.push(enabled.length);
    if (!incomplete && (fpHi.length >= maxStates || ((++ticks & 255) === 0 && performance.now() >= deadline))) {
      incomplete = fpHi.length >= maxStates ? 'max-states' : 'timeout';
    }
    if (incomplete) {
      status[id] = UNEXPLORED;
      continue;
    }
    if (!x.expandable(state, id)) {
      status[id] = AT_BOUND;
      continue;
    }
    const actions = x.actionsOf(state, id);
    const seen = new Set<number>();
    for (let a = 0; a < actions.length; a++) {
      const act = actions[a];
      const next = x.successor(state, id, act);
      if (next === undefined) continue;
      const cls = classOf(fairness.fair(act), act);
      if (cls >= 0 && !seen.has(cls)) {
        seen.add(cls);
        enabled.push(cls);
      }
      const to = discover(next, id, a);
      if (depthOf.data[to] > depth) depth = depthOf.data[to];
      target.push(to);
      action.push(a);
      fault.push(faultKind?.(act) !== undefined ? 1 : 0);
      fulfils.push(fairness.fulfils ? classOf(fairness.fulfils(act), act) : cls);
      if (options.edgeTag) tag.push(options.edgeTag(act));
    }
  }
  succStart.push(target.length);
  enabledStart.push(enabled.length);

  return new StateGraph(model, {
    size: fpHi.length,
    succStart: succStart.done(),
    target: target.done(),
    action: action.done(),
    fault: Uint8Array.from(fault),
    fulfils: fulfils.done(),
    tag: tag.done(),
    enabledStart: enabledStart.done(),
    enabled: enabled.done(),
    classes,
    classOwner,
    status: Uint8Array.from(status),
    parent: parent.done(),
    parentAction: parentAction.done(),
    depthOf: depthOf.done(),
    initial,
    stats: { distinctStates: fpHi.length, generatedStates: x.generated, depth, seconds: (performance.now() - started) / 1000 },
    incomplete,
    fpHi: fpHi.done(),
    fpLo: fpLo.done(),
  });
}

/** A graph as the graph algorithms read it. */
export type AnyGraph = Pick<GraphParts, 'size' | 'succStart' | 'target'>;

/**
 * Strongly connected components of the subgraph of allowed states and edges (Tarjan,
 * iterative: no recursion limit). Returns each state's component (-1 when not allowed)
 * and the number of components; components come out in reverse topological order.
 */
export function stronglyConnected(
  graph: AnyGraph,
  stateOk: (s: number) => boolean,
  edgeOk: (e: number) => boolean,
): { component: Int32Array; count: number } {
  const n = graph.size;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const component = new Int32Array(n).fill(-1);
  const stack: number[] = [];
  const callNode: number[] = [];
  const callEdge: number[] = [];
  let counter = 0;
  let count = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] >= 0 || !stateOk(root)) continue;
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    callNode.push(root);
    callEdge.push(graph.succStart[root]);
    while (callNode.length > 0) {
      const top = callNode.length - 1;
      const v = callNode[top];
      const e = callEdge[top];
      if (e < graph.succStart[v + 1]) {
        callEdge[top] = e + 1;
        if (!edgeOk(e)) continue;
        const w = graph.target[e];
        if (!stateOk(w)) continue;
        if (index[w] < 0) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          callNode.push(w);
          callEdge.push(graph.succStart[w]);
        } else if (onStack[w] && index[w] < low[v]) {
          low[v] = index[w];
        }
        continue;
      }
      callNode.pop();
      callEdge.pop();
      if (top > 0) {
        const u = callNode[top - 1];
        if (low[v] < low[u]) low[u] = low[v];
      }
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component[w] = count;
        } while (w !== v);
        count++;
      }
    }
  }
  return { component, count };
}
