import type { Model, PartialOrderSession } from '../specs/index.ts';
import { SEEN, VIOLATED } from './expansion.ts';
import { Exploration } from './exploration.ts';
import { PackedFrontier } from './frontier.ts';
import type { SearchOptions } from './options.ts';
import type { CheckResult, PartialOrderStats } from './result.ts';
import { checkedForChanges } from './successor-fingerprint.ts';

/**
 * Partial-order reduction (ample sets) for breadth-first search, on models that declare
 * `partialOrder` (untimed, unconstrained actor protocols). Sound for invariants, terminal
 * properties and reachability goals; the argument is in the README ("Partial-order
 * reduction") and, step by step, in the comments below.
 *
 * At a state s the enabled actions E are grouped by process (node). A process n's actions
 * A_n (its deliveries and timers) are expanded alone — an ample set — when:
 *
 * - C0: A_n is not empty.
 * - C1 (persistence): every action outside A_n that can run before one of A_n is independent
 *   of A_n. No global action (fault, tick) is enabled at s (budgets only shrink, so none of
 *   the faults that touch n can become enabled later); A_n's actions write only n's local
 *   state and timers and the network, and record no history; and no new message can reach n
 *   before n acts: the triggers pending at every other process, closed under the
 *   causes-graph H (which trigger may make which pending: `role|msg:Ping` → `role2|msg:Pong`),
 *   reach no message handler of n's role. Deliveries and timers at different nodes then
 *   commute (the network is a sorted multiset, or FIFO per link, and their sends go to
 *   different links) and neither disables the other.
 * - C2 (visibility): no action of A_n writes a location that an invariant or goal has read.
 *   Terminal properties need none: a quiescent state enables no action of A_n, so a path
 *   to it from s takes one of them.
 * - C3 (proviso, safe for any search order): if an ample successor was already visited, s is
 *   fully expanded; so a chain of states where the ample action is postponed only moves to
 *   states discovered later, and ends.
 *
 * H and the read locations are learnt as the search goes, and the search is sound for what
 * it learnt: every enabled action of every expanded state is observed (actor models compute
 * every successor when they list actions), and properties are evaluated on every state. When
 * it learns an edge of H after it has reduced, or sees a property read a location an ample
 * set wrote, it starts again knowing more (finitely often: both only grow). A run that ends
 * without either never saw a step outside H, nor a read of what it assumed invisible, on any
 * state it reached; with C0–C3 the reduced search reaches such a state whenever the full
 * one does, so none exists at all (see the README for the whole argument).
 */

/** After this many restarts the search gives up reducing and runs unreduced (never seen; a bound on the work). */
const MAX_RESTARTS = 32;

class Restart extends Error {}

/** A location's group: `node:x\t` for a field of node x's state, else the location itself. */
function groupOf(location: string): string {
  const tab = location.indexOf('\t');
  return tab < 0 ? location : location.slice(0, tab + 1);
}

/** What one reduced run knows and assumed; `graph` and the reads carry over restarts. */
class Knowledge<S, A> {
  /** H: trigger → the triggers it was seen to cause. */
  readonly graph = new Map<string, Set<string>>();
  /** Locations written by actions that were expanded as (part of) a proper ample set: assumed invisible. */
  private assumed = new Set<string>();
  private assumedGroups = new Set<string>();
  /** How many of the session's reads were checked against {@link assumed}. */
  private readsSeen = 0;
  private readSet = new Set<string>();
  private readGroups = new Set<string>();
  reduced = 0;

  constructor(readonly session: PartialOrderSession<S, A>) {}

  /** A new run: the assumptions of the last are dropped, what was learnt is kept. */
  reset(): void {
    this.assumed = new Set();
    this.assumedGroups = new Set();
    this.reduced = 0;
  }

  /** Takes in the locations properties read since the last call; throws {@link Restart} if one was assumed invisible. */
  absorbReads(): void {
    const read = this.session.read;
    while (this.readsSeen < read.length) {
      const location = read[this.readsSeen++];
      this.readSet.add(location);
      const group = groupOf(location);
      if (group !== location) this.readGroups.add(group);
      if (this.assumed.size === 0) continue;
      const wildcard = location.endsWith('\t*');
      if (location === '*' || this.assumed.has(location) || (wildcard && this.assumedGroups.has(group)) || this.assumed.has(`${group}*`)) throw new Restart();
    }
  }

  /** True when writing `location` can change what a property read. */
  visible(location: string): boolean {
    if (location === '*' || this.readSet.has('*') || this.readSet.has(location)) return true;
    const group = groupOf(location);
    if (group === location) return false;
    return this.readSet.has(`${group}*`) || (location.endsWith('\t*') && this.readGroups.has(group));
  }

  /** Records that `trigger` caused `caused`; throws {@link Restart} when that is new and the run has already reduced. */
  learn(trigger: string, caused: readonly string[]): void {
    let edges = this.graph.get(trigger);
    for (const c of caused) {
      if (edges?.has(c)) continue;
      if (!edges) this.graph.set(trigger, (edges = new Set()));
      edges.add(c);
      if (this.reduced > 0) throw new Restart();
    }
  }

  assume(writes: readonly string[]): void {
    for (const w of writes) {
      this.assumed.add(w);
      const group = groupOf(w);
      if (group !== w) this.assumedGroups.add(group);
    }
  }

  /** Whether a trigger pending at another process may, through H, make a message for `process` pending. */
  mayReach(state: S, process: string): boolean {
    const seen = new Set<string>();
    const todo: string[] = [];
    for (const t of this.session.pending(state, process)) {
      if (!seen.has(t)) {
        seen.add(t);
        todo.push(t);
      }
    }
    const caused = new Set<string>();
    while (todo.length > 0) {
      const t = todo.pop()!;
      for (const c of this.graph.get(t) ?? []) {
        if (caused.has(c)) continue;
        caused.add(c);
        if (this.session.reaches(c, process)) return true;
        if (!seen.has(c)) {
          seen.add(c);
          todo.push(c);
        }
      }
    }
    return false;
  }
}

/**
 * The actions (indices into `actions`) to expand first at `state`: a proper ample set, or
 * undefined to expand them all. Observes every process action (H) on the way.
 */
function ample<S, A>(k: Knowledge<S, A>, state: S, actions: readonly A[]): number[] | undefined {
  const s = k.session;
  const byProcess = new Map<string, number[]>();
  const steps: ({ writes: readonly string[] } | undefined)[] = [];
  let global = false;
  for (let i = 0; i < actions.length; i++) {
    const p = s.process(actions[i]);
    if (p === undefined) {
      global = true;
      steps.push(undefined);
      continue;
    }
    const step = s.step(state, actions[i]);
    k.learn(step.trigger, step.causes);
    steps.push(step);
    const group = byProcess.get(p);
    if (group) group.push(i);
    else byProcess.set(p, [i]);
  }
  if (global || byProcess.size < 2) return undefined;
  let best: number[] | undefined;
  for (const [p, group] of byProcess) {
    if (best && group.length >= best.length) continue;
    const ok = group.every((i) => steps[i]!.writes.every((w) => w !== '*' && w !== 'history' && !k.visible(w)));
    if (!ok || k.mayReach(state, p)) continue;
    best = group;
  }
  if (best) for (const i of best) k.assume(steps[i]!.writes);
  return best;
}

/** One breadth-first search with ample sets; throws {@link Restart}. Mirrors bfs.ts (without checkpoints). */
function reducedBfs<S, A>(k: Knowledge<S, A>, model: Model<S, A>, options: SearchOptions): CheckResult<S, A> {
  const x = new Exploration(model, options);
  const frontier = new PackedFrontier<S>(x.successors);
  const maxDepth = options.maxDepth ?? Infinity;
  const inits = x.initialStates();
  for (let i = 0; i < inits.length; i++) {
    const id = x.visit(inits[i], -1, i);
    k.absorbReads();
    if (id === VIOLATED) {
      x.depth = 1;
      return x.result('bfs', [x.violation()]);
    }
    if (id < 0) continue;
    x.depth = 1;
    frontier.push(inits[i], id);
    if (x.mustStop(frontier.size)) return x.result('bfs', []);
  }
  let steps = 0;
  let levelLeft = frontier.size;
  while (frontier.size > 0) {
    if (levelLeft === 0) {
      levelLeft = frontier.size;
      steps++;
      x.depth = steps + 1;
    }
    const state = frontier.pop();
    const id = frontier.poppedId;
    levelLeft--;
    if (!x.expandable(state, id)) continue;
    if (steps >= maxDepth) {
      if (!x.incomplete && x.hasUnvisitedSuccessor(state, id)) x.incomplete = 'max-depth';
      continue;
    }
    const actions = x.actionsOf(state, id);
    const sampled = checkedForChanges(id);
    if (sampled) x.checkUnchanged(id);
    const first = ample(k, state, actions);
    // The ample set first; everything when there is none, or (C3) when one of its successors was seen before.
    let full = first === undefined;
    const order = first ?? actions.map((_, a) => a);
    const taken = new Uint8Array(actions.length);
    for (let pass = 0; pass < 2; pass++) {
      const list = pass === 0 ? order : actions.map((_, a) => a).filter((a) => taken[a] === 0);
      for (const a of list) {
        taken[a] = 1;
        const next = x.successor(state, id, actions[a]);
        if (sampled) x.checkUnchanged(id, actions[a]);
        if (next === undefined) continue;
        const nextId = x.visit(next, id, a);
        k.absorbReads();
        if (nextId === SEEN) {
          full = true;
          continue;
        }
        if (steps + 2 > x.depth) x.depth = steps + 2;
        if (nextId === VIOLATED) return x.result('bfs', [x.violation()]);
        frontier.push(next, nextId);
        if (x.mustStop(frontier.size)) return x.result('bfs', []);
      }
      if (!full || first === undefined) break;
    }
    if (first !== undefined && !full) k.reduced++;
  }
  return x.result('bfs', []);
}

/**
 * Breadth-first search with partial-order reduction when the model supports it (see above),
 * else undefined. The result's counts are the reduced search's (the last run's); `partialOrder`
 * says how much was reduced.
 */
export function partialOrderBfs<S, A>(model: Model<S, A>, options: SearchOptions = {}): (CheckResult<S, A> & { partialOrder: PartialOrderStats }) | undefined {
  if (!model.partialOrder) return undefined;
  const session = model.partialOrder.session();
  const k = new Knowledge(session);
  const started = performance.now();
  for (let restarts = 0; restarts <= MAX_RESTARTS; restarts++) {
    const spent = (performance.now() - started) / 1000;
    const timeoutSeconds = options.timeoutSeconds === undefined ? undefined : Math.max(0, options.timeoutSeconds - spent);
    try {
      const result = reducedBfs(k, session.model, { ...options, ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}) });
      result.stats.seconds = (performance.now() - started) / 1000;
      return { ...result, partialOrder: { reducedStates: k.reduced, restarts } };
    } catch (error) {
      if (!(error instanceof Restart)) throw error;
      k.reset();
    }
  }
  return undefined;
}
