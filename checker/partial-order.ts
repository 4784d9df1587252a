import type { Model, PartialOrderSession } from '../specs/index.ts';
import { breadthFirst, type ExpansionOrder } from './bfs.ts';
import type { SearchOptions } from './options.ts';
import type { CheckResult, PartialOrderStats } from './result.ts';

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
 *   fully expanded (bfs.ts's breadthFirst does this for any ExpansionOrder); so a chain of states where the ample action is postponed only moves to
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

/** The ample sets as bfs's expansion order; throws {@link Restart} from inside the search. */
function ampleOrder<S, A>(k: Knowledge<S, A>): ExpansionOrder<S, A> {
  return {
    first: (state, actions) => ample(k, state, actions),
    visited: () => k.absorbReads(),
    reduced: () => {
      k.reduced++;
    },
  };
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
      // A checkpoint records a full search's frontier; a reduced one is never checkpointed.
      const { checkpoint: _checkpoint, ...rest } = options;
      const result = breadthFirst(session.model, { ...rest, ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}) }, ampleOrder(k));
      result.stats.seconds = (performance.now() - started) / 1000;
      return { ...result, partialOrder: { reducedStates: k.reduced, restarts } };
    } catch (error) {
      if (!(error instanceof Restart)) throw error;
      k.reset();
    }
  }
  return undefined;
}
