import type { LivenessProperty, Model } from '../specs/index.ts';
import { AT_BOUND, buildGraph, EXPANDED, stronglyConnected, type StateGraph } from './graph.ts';
import type { Path } from './path.ts';
import type { IncompleteReason, SearchStats } from './result.ts';

/**
 * Why a lasso never reaches the goal: it cycles fairly (`cycle`), or it ends in a state it
 * may stay in forever — nothing at all is enabled (`deadlock`), only actions that are never
 * forced, such as faults (`quiescent`), or the model's bound, e.g. its time horizon (`bound`).
 */
export type LassoReason = 'cycle' | 'deadlock' | 'quiescent' | 'bound';

/** A lasso in a state graph: a walk from `start`, whose edges from `loopStart` on form the loop. */
export interface Lasso {
  /** The state the walk starts from. */
  start: number;
  /** The walk's edges: prefix, then loop (empty when the run stays in its last state). */
  edges: number[];
  /** Number of prefix edges; the loop runs from the state after them to the end and back. */
  loopStart: number;
  reason: LassoReason;
  /** Edges before the state where the property's trigger held (leadsTo). */
  triggerStep: number;
}

/** A question about fair runs of a graph. */
export interface LassoQuery {
  /** States the run must avoid forever (the goal). */
  goal(s: number): boolean;
  /** Where the goal-avoiding suffix may start (leadsTo's p); default: at the start states. */
  trigger?(s: number): boolean;
  /** Start states (default: the initial states). */
  from?: readonly number[];
  /** Edges the run may take (default: all). */
  edgeOk?(e: number): boolean;
  /** Fairness classes that count (default: all). */
  classOk?(c: number): boolean;
  /**
   * A class is owed in a state only when an allowed edge out of it discharges the class
   * (for a crashed node that shares classes with live ones, e.g. weak fairness of next).
   */
  owedOnlyIfTakable?: boolean;
}

/**
 * Finds a fair run that avoids the goal forever, as a lasso with the shortest prefix: a
 * breadth-first walk to the nearest state of a fair strongly connected component of the
 * goal-free subgraph, or of a state the run may stay in (nothing fair enabled, or the
 * model's bound); then a loop through the component covering every fairness class that is
 * enabled all along it. A component is fair when each class enabled in all of its states
 * is discharged by one of its internal edges (weak fairness needs no more). A run cut
 * short by the model's bound (`bound`) is reported only when there is no other.
 */
export function findLasso(graph: StateGraph<any, any>, query: LassoQuery): Lasso | undefined {
  // A run that really cycles or stops beats one cut short by the model's bound.
  return searchLasso(graph, query, false) ?? searchLasso(graph, query, true);
}

function searchLasso(graph: StateGraph<any, any>, query: LassoQuery, stopAtBound: boolean): Lasso | undefined {
  const n = graph.size;
  const edgeOk = query.edgeOk ?? (() => true);
  const classOk = query.classOk ?? (() => true);
  const owedCache = new Map<number, number[]>();
  /** The fairness classes owed in state s: enabled, counted, and (if asked) takable. */
  const owedAt = (s: number): number[] => {
    let owed = owedCache.get(s);
    if (owed) return owed;
    owed = [];
    for (let i = enabledStart[s]; i < enabledStart[s + 1]; i++) {
      const k = enabled[i];
      if (!classOk(k)) continue;
      if (query.owedOnlyIfTakable) {
        let takable = false;
        for (let e = succStart[s]; e < succStart[s + 1] && !takable; e++) takable = edgeOk(e) && fulfils[e] === k;
        if (!takable) continue;
      }
      owed.push(k);
    }
    owedCache.set(s, owed);
    return owed;
  };
  const allowed = (s: number): boolean => !query.goal(s);
  const { succStart, target, enabledStart, enabled, fulfils, status } = graph;

  // States the run may stay in forever.
  const stay = new Uint8Array(n); // 0 no, else 1 + index into reasons
  const reasons: LassoReason[] = ['deadlock', 'quiescent', 'bound'];
  for (let s = 0; s < n; s++) {
    if (!allowed(s)) continue;
    if (status[s] === AT_BOUND) {
      if (stopAtBound) stay[s] = 3;
    } else if (status[s] !== EXPANDED) continue;
    else {
      if (owedAt(s).length === 0) stay[s] = succStart[s] === succStart[s + 1] ? 1 : 2;
    }
  }

  // Fair components of the goal-free subgraph.
  const { component, count } = stronglyConnected(graph, (s) => allowed(s) && status[s] === EXPANDED, edgeOk);
  const members: number[][] = Array.from({ length: count }, () => []);
  for (let s = 0; s < n; s++) if (component[s] >= 0) members[component[s]].push(s);
  const fairComponent = new Uint8Array(count);
  for (let c = 0; c < count; c++) fairComponent[c] = isFair(graph, members[c], component, c, edgeOk, owedAt) ? 1 : 0;
  const isTarget = (s: number): boolean => stay[s] !== 0 || (component[s] >= 0 && fairComponent[component[s]] === 1);

  // States that can reach a target without meeting the goal.
  const canReach = new Uint8Array(n);
  const pred = graph.predecessors();
  const work: number[] = [];
  for (let s = 0; s < n; s++) {
    if (isTarget(s)) {
      canReach[s] = 1;
      work.push(s);
    }
  }
  while (work.length > 0) {
    const s = work.pop()!;
    for (let i = pred.start[s]; i < pred.start[s + 1]; i++) {
      const e = pred.edge[i];
      if (!edgeOk(e)) continue;
      const from = graph.sourceOf(e);
      if (canReach[from] || !allowed(from)) continue;
      canReach[from] = 1;
      work.push(from);
    }
  }

  // Breadth first over (state, phase): phase 0 before the trigger, phase 1 avoiding the goal.
  const seen = [new Uint8Array(n), new Uint8Array(n)];
  const prevEdge = [new Int32Array(n).fill(-1), new Int32Array(n).fill(-1)];
  const prevPhase = [new Uint8Array(n), new Uint8Array(n)];
  const queue: number[] = []; // encoded: state * 2 + phase
  let found = -1;
  const visit = (s: number, phase: number, edge: number, fromPhase: number): boolean => {
    if (seen[phase][s]) return false;
    seen[phase][s] = 1;
    prevEdge[phase][s] = edge;
    prevPhase[phase][s] = fromPhase;
    queue.push(s * 2 + phase);
    if (phase === 1 && isTarget(s)) {
      found = s;
      return true;
    }
    if (phase === 0 && query.trigger?.(s) && canReach[s]) return visit(s, 1, -2, 0);
    return false;
  };
  const starts = query.from ?? graph.initial;
  for (const s of starts) {
    if (query.trigger ? visit(s, 0, -1, 0) : canReach[s] && visit(s, 1, -1, 1)) break;
  }
  for (let head = 0; found < 0 && head < queue.length; head++) {
    const s = queue[head] >> 1;
    const phase = queue[head] & 1;
    for (let e = succStart[s]; e < succStart[s + 1]; e++) {
      if (!edgeOk(e)) continue;
      const t = target[e];
      if (phase === 1 && !canReach[t]) continue;
      if (visit(t, phase, e, phase)) break;
    }
  }
  if (found < 0) return undefined;

  // The walk back to a start state.
  const prefix: number[] = [];
  let at = found;
  let phase = 1;
  let triggerAt = -1;
  for (;;) {
    const e = prevEdge[phase][at];
    if (e === -1) break;
    if (e === -2) {
      triggerAt = prefix.length;
      phase = 0;
      continue;
    }
    prefix.push(e);
    phase = prevPhase[phase][at];
    at = graph.sourceOf(e);
  }
  prefix.reverse();
  const triggerStep = triggerAt < 0 ? 0 : prefix.length - triggerAt;

  if (stay[found] !== 0) {
    return { start: at, edges: prefix, loopStart: prefix.length, reason: reasons[stay[found] - 1], triggerStep };
  }
  const loop = coveringLoop(graph, found, component, edgeOk, owedAt);
  return { start: at, edges: [...prefix, ...loop], loopStart: prefix.length, reason: 'cycle', triggerStep };
}

/** True when a nontrivial component discharges every fairness class enabled in all its states. */
function isFair(
  graph: StateGraph<any, any>,
  states: number[],
  component: Int32Array,
  c: number,
  edgeOk: (e: number) => boolean,
  owedAt: (s: number) => number[],
): boolean {
  const { succStart, target, fulfils } = graph;
  let internal = false;
  const done = new Set<number>();
  for (const s of states) {
    for (let e = succStart[s]; e < succStart[s + 1]; e++) {
      if (!edgeOk(e) || component[target[e]] !== c) continue;
      internal = true;
      if (fulfils[e] >= 0) done.add(fulfils[e]);
    }
  }
  if (!internal) return false; // a single state without a self-loop is no cycle
  const counts = new Map<number, number>();
  for (const s of states) for (const k of owedAt(s)) counts.set(k, (counts.get(k) ?? 0) + 1);
  for (const [k, m] of counts) if (m === states.length && !done.has(k)) return false;
  return true;
}

/**
 * A loop from `entry` back to it inside its (fair) component that is fair itself: every
 * class enabled in all of its states is discharged by one of its edges. Greedy: while some
 * class is still owed, walk to the nearest state where it is disabled or that has an edge
 * discharging it (and take that edge); then walk home.
 */
function coveringLoop(
  graph: StateGraph<any, any>,
  entry: number,
  component: Int32Array,
  edgeOk: (e: number) => boolean,
  owedAt: (s: number) => number[],
): number[] {
  const { succStart, target, fulfils } = graph;
  const c = component[entry];
  const inside = (e: number): boolean => edgeOk(e) && component[target[e]] === c;
  const visited = new Set<number>();
  const enabledCount = new Map<number, number>();
  const taken = new Set<number>();
  const loop: number[] = [];
  const visitState = (s: number): void => {
    if (visited.has(s)) return;
    visited.add(s);
    for (const k of owedAt(s)) enabledCount.set(k, (enabledCount.get(k) ?? 0) + 1);
  };
  const take = (e: number): void => {
    loop.push(e);
    if (fulfils[e] >= 0) taken.add(fulfils[e]);
    visitState(target[e]);
  };
  const owed = (): number | undefined => {
    let best: number | undefined;
    for (const k of owedAt(entry)) {
      if (enabledCount.get(k) === visited.size && !taken.has(k) && (best === undefined || k < best)) best = k;
    }
    return best;
  };
  const dischargeEdge = (s: number, k: number): number => {
    for (let e = succStart[s]; e < succStart[s + 1]; e++) if (inside(e) && fulfils[e] === k) return e;
    return -1;
  };
  /** Shortest walk inside the component from `from` to the first state satisfying `stop` (at least `min` edges). */
  const walk = (from: number, stop: (s: number) => boolean, min: number): number[] => {
    if (min === 0 && stop(from)) return [];
    const prev = new Map<number, number>();
    const queue = [from];
    const seen = new Set<number>(min === 0 ? [from] : []);
    for (let head = 0; head < queue.length; head++) {
      const s = queue[head];
      for (let e = succStart[s]; e < succStart[s + 1]; e++) {
        if (!inside(e)) continue;
        const t = target[e];
        if (seen.has(t)) continue;
        seen.add(t);
        prev.set(t, e);
        if (stop(t)) {
          const edges: number[] = [prev.get(t)!];
          for (let cur = graph.sourceOf(edges[0]); cur !== from; cur = graph.sourceOf(edges[edges.length - 1])) edges.push(prev.get(cur)!);
          return edges.reverse();
        }
        queue.push(t);
      }
    }
    throw new Error('internal: no walk inside a strongly connected component');
  };

  visitState(entry);
  let at = entry;
  for (let k = owed(); k !== undefined; k = owed()) {
    const owedClass = k;
    const path = walk(at, (s) => !owedAt(s).includes(owedClass) || dischargeEdge(s, owedClass) >= 0, 0);
    for (const e of path) take(e);
    at = path.length > 0 ? target[path[path.length - 1]] : at;
    if (owedAt(at).includes(owedClass)) {
      const e = dischargeEdge(at, owedClass);
      take(e);
      at = target[e];
    }
  }
  if (at !== entry || loop.length === 0) for (const e of walk(at, (s) => s === entry, 1)) take(e);
  return loop;
}

/** A liveness property that fails, with its lasso. */
export interface LivenessViolation<S, A> {
  property: string;
  kind: 'liveness';
  /** From an initial state through the loop: `path.states[loop.start]` is where the loop begins and ends. */
  path: Path<S, A>;
  /** The loop runs from state `start` (after `start` steps) to the end of the path and back; start = length: the run stays in its last state. */
  loop: { start: number };
  reason: LassoReason;
  /** Steps before the state where the trigger held (leadsTo; 0 for eventually). */
  triggerStep: number;
}

/** The outcome of a liveness check. */
export interface LivenessResult<S, A> {
  verdict: 'pass' | 'violation' | 'incomplete';
  property: string;
  stats: SearchStats & { edges: number };
  violation?: LivenessViolation<S, A>;
  incomplete?: IncompleteReason;
}

/** Options of a liveness check: the search bounds that apply to building the graph. */
export interface LivenessOptions {
  maxStates?: number;
  timeoutSeconds?: number;
}

/** The liveness properties a model declares (a `liveness` member: the actor DSL's, or a kernel model's). */
export function livenessOf<S, A>(model: Model<S, A>): Record<string, LivenessProperty<S>> {
  return model.liveness ?? {};
}

/**
 * Checks one liveness property under the model's weak fairness (its `fairness` member; a
 * kernel model without one gets weak fairness of its whole next-state relation). `property`
 * is a property or the name of one the model declares.
 */
export function checkLiveness<S, A>(
  model: Model<S, A>,
  property: LivenessProperty<S> | string,
  options: LivenessOptions = {},
): LivenessResult<S, A> {
  const name = typeof property === 'string' ? property : property.kind;
  const prop = typeof property === 'string' ? livenessOf(model)[property] : property;
  if (!prop) throw new Error(`no liveness property "${name}" (declared: ${Object.keys(livenessOf(model)).join(', ') || 'none'})`);
  return checkLivenessProperties(model, { [name]: prop }, options)[0];
}

/** Checks several liveness properties over one state graph (built once). */
export function checkLivenessProperties<S, A>(
  model: Model<S, A>,
  properties: Record<string, LivenessProperty<S>>,
  options: LivenessOptions = {},
): LivenessResult<S, A>[] {
  const entries = Object.entries(properties);
  const goal: number[][] = entries.map(() => []);
  const trigger: number[][] = entries.map(() => []);
  const graph = buildGraph(model, {
    ...options,
    observe(state, id) {
      entries.forEach(([, p], i) => {
        goal[i][id] = p.goal(state) ? 1 : 0;
        if (p.kind === 'leadsTo') trigger[i][id] = p.trigger(state) ? 1 : 0;
      });
    },
  });
  return entries.map(([name, p], i) => {
    const stats = { ...graph.stats, edges: graph.edgeCount };
    const lasso = findLasso(graph, {
      goal: (s) => goal[i][s] === 1,
      ...(p.kind === 'leadsTo' ? { trigger: (s: number) => trigger[i][s] === 1 } : {}),
    });
    if (lasso) {
      const violation: LivenessViolation<S, A> = {
        property: name,
        kind: 'liveness',
        path: graph.replay(lasso.start, lasso.edges),
        loop: { start: lasso.loopStart },
        reason: lasso.reason,
        triggerStep: lasso.triggerStep,
      };
      return { verdict: 'violation', property: name, stats, violation };
    }
    if (graph.incomplete) return { verdict: 'incomplete', property: name, stats, incomplete: graph.incomplete };
    return { verdict: 'pass', property: name, stats };
  });
}
