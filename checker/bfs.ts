import type { Model } from '../specs/index.ts';
import { Exploration } from './exploration.ts';
import { PackedFrontier } from './frontier.ts';
import type { SearchOptions } from './options.ts';
import { checkedForChanges } from './successor-fingerprint.ts';
import type { CheckResult } from './result.ts';

/**
 * Breadth-first search, level by level: the first violation found is a shortest one,
 * and `depth` is the number of levels (TLC's depth).
 */
export function bfs<S, A>(model: Model<S, A>, options: SearchOptions = {}): CheckResult<S, A> {
  const x = new Exploration(model, options);
  // Popped states are recorded as they are decoded: their successors are fingerprinted from them.
  const frontier = new PackedFrontier<S>(x.successors);
  const maxDepth = options.maxDepth ?? Infinity;

  const inits = x.initialStates();
  for (let i = 0; i < inits.length; i++) {
    const id = x.discover(inits[i], -1, i);
    if (id < 0) continue;
    x.depth = 1;
    const violation = x.violationAt(inits[i], id);
    if (violation) return x.result('bfs', [violation]);
    frontier.push(inits[i], id);
    if (x.mustStop(frontier.size)) return x.result('bfs', []);
  }

  let steps = 0; // steps from an initial state to the level being expanded
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
    for (let a = 0; a < actions.length; a++) {
      const next = x.successor(state, id, actions[a]);
      if (sampled) x.checkUnchanged(id, actions[a]);
      if (next === undefined) continue;
      const nextId = x.discover(next, id, a);
      if (nextId < 0) continue;
      if (steps + 2 > x.depth) x.depth = steps + 2;
      const violation = x.violationAt(next, nextId);
      if (violation) return x.result('bfs', [violation]);
      frontier.push(next, nextId);
      if (x.mustStop(frontier.size)) return x.result('bfs', []);
    }
  }
  return x.result('bfs', []);
}
