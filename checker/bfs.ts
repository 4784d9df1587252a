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
  const x = new Exploration(model, options);
  // Popped states are recorded as they are decoded: their successors are fingerprinted from them.
  const frontier = new PackedFrontier<S>(x.successors);
  const maxDepth = options.maxDepth ?? Infinity;

  const checkpoints = options.checkpoint ? new BfsCheckpointer(x, options.checkpoint) : undefined;
  const resumed = checkpoints?.restore(frontier);

  const inits = resumed ? [] : x.initialStates();
  for (let i = 0; i < inits.length; i++) {
    const id = x.visit(inits[i], -1, i);
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
    for (let a = 0; a < actions.length; a++) {
      const next = x.successor(state, id, actions[a]);
      if (sampled) x.checkUnchanged(id, actions[a]);
      if (next === undefined) continue;
      const nextId = x.visit(next, id, a);
      if (nextId === SEEN) continue;
      if (steps + 2 > x.depth) x.depth = steps + 2;
      if (nextId === VIOLATED) return x.result('bfs', [x.violation()]);
      frontier.push(next, nextId);
      if (x.mustStop(frontier.size)) {
        // A bound or a stop request: the checkpoint lets a later run go on from here.
        checkpoints?.write(frontier, { steps, levelLeft }, { keep: false, head: { state, id, generated } });
        return x.result('bfs', []);
      }
    }
  }
  return x.result('bfs', []);
}
