import type { Model } from '../specs/index.ts';
import { SEEN, VIOLATED } from './expansion.ts';
import { checkedForChanges } from './successor-fingerprint.ts';
import { BfsCheckpointer } from './bfs-checkpoint.ts';
import { Exploration } from './exploration.ts';
import { PackedFrontier } from './frontier.ts';
import type { SearchOptions } from './options.ts';
import type { CheckResult } from './result.ts';

/**
 * Breadth-first search, level by level: the first violation found is a shortest one,
 * and `depth` is the number of levels (TLC's depth). The per-state step is Expansion's;
 * this decides only the order (a FIFO frontier) and the depth bound.
 */
export function bfs<S, A>(model: Model<S, A>, options: SearchOptions = {}): CheckResult<S, A> {
  return breadthFirst(model, options);
}

/**
 * How a reduction steers the search (partial-order reduction, checker/partial-order.ts): which
 * actions of a state to expand first. Internal: not exported by the checker's barrel.
 */
export interface ExpansionOrder<S, A> {
  /** Indices of the actions to expand first (an ample set), or undefined to expand them all. */
  first(state: S, actions: readonly A[]): readonly number[] | undefined;
  /** After each visit (the properties evaluated): may throw to abandon this search. */
  visited(): void;
  /** A state was expanded by its first actions alone. */
  reduced(): void;
}

/**
 * {@link bfs}, optionally steered by an {@link ExpansionOrder}: a state's first actions are
 * expanded, and the rest too when there is no first set or one of its successors was seen
 * before (the proviso that keeps an action from being postponed around a cycle).
 */
export function breadthFirst<S, A>(model: Model<S, A>, options: SearchOptions = {}, order?: ExpansionOrder<S, A>): CheckResult<S, A> {
  const x = new Exploration(model, options);
  // Popped states are recorded as they are decoded: their successors are fingerprinted from them.
  const frontier = new PackedFrontier<S>(x.successors);
  const maxDepth = options.maxDepth ?? Infinity;

  const checkpoints = options.checkpoint ? new BfsCheckpointer(x, options.checkpoint) : undefined;
  const resumed = checkpoints?.restore(frontier);

  const inits = resumed ? [] : x.initialStates();
  for (let i = 0; i < inits.length; i++) {
    const id = x.visit(inits[i], -1, i);
    order?.visited();
    if (id === VIOLATED) {
      x.depth = 1;
      return x.result('bfs', [x.violation()]);
    }
    if (id < 0) continue;
    x.depth = 1;
    frontier.push(inits[i], id);
    if (x.mustStop(frontier.size)) return x.result('bfs', []);
  }

  let steps = resumed?.steps ?? 0; // steps from an initial state to the level being expanded
  let levelLeft = resumed?.levelLeft ?? frontier.size;
  while (frontier.size > 0) {
    if (levelLeft === 0) {
      levelLeft = frontier.size;
      steps++;
      x.depth = steps + 1;
    }
    if (checkpoints?.due()) checkpoints.write(frontier, { steps, levelLeft }, { keep: true });
    const state = frontier.pop();
    const id = frontier.poppedId;
    levelLeft--;
    if (!x.expandable(state, id)) continue;
    if (steps >= maxDepth) {
      if (!x.incomplete && x.hasUnvisitedSuccessor(state, id)) x.incomplete = 'max-depth';
      continue;
    }
    const generated = x.generated;
    // Expansion.expand, unrolled: a callback per new state costs this hot loop a few percent.
    const actions = x.actionsOf(state, id);
    const sampled = checkedForChanges(id);
    if (sampled) x.checkUnchanged(id);
    const first = order?.first(state, actions);
    let seenBefore = false;
    for (let pass = 0; pass < 2; pass++) {
      const list = pass === 0 ? first : rest(first!, actions.length);
      const count = list === undefined ? actions.length : list.length;
      for (let j = 0; j < count; j++) {
        const a = list === undefined ? j : list[j];
        const next = x.successor(state, id, actions[a]);
        if (sampled) x.checkUnchanged(id, actions[a]);
        if (next === undefined) continue;
        const nextId = x.visit(next, id, a);
        if (order !== undefined) order.visited();
        if (nextId === SEEN) {
          seenBefore = true;
          continue;
        }
        if (steps + 2 > x.depth) x.depth = steps + 2;
        if (nextId === VIOLATED) return x.result('bfs', [x.violation()]);
        frontier.push(next, nextId);
        if (x.mustStop(frontier.size)) {
          // A bound or a stop request: the checkpoint lets a later run go on from here.
          checkpoints?.write(frontier, { steps, levelLeft }, { keep: false, head: { state, id, generated } });
          return x.result('bfs', []);
        }
      }
      if (first === undefined) break;
      if (!seenBefore) {
        order!.reduced();
        break;
      }
    }
  }
  return x.result('bfs', []);
}

/** The indices below `count` that are not in `first`. */
function rest(first: readonly number[], count: number): number[] {
  const taken = new Uint8Array(count);
  for (const a of first) taken[a] = 1;
  const others: number[] = [];
  for (let a = 0; a < count; a++) if (taken[a] === 0) others.push(a);
  return others;
}
