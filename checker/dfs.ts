import type { Model } from '../specs/index.ts';
import { VIOLATED } from './expansion.ts';
import { Exploration } from './exploration.ts';
import type { SearchOptions } from './options.ts';
import type { CheckResult } from './result.ts';

interface Frame<S, A> {
  state: S;
  id: number;
  actions: A[];
  next: number;
}

/**
 * Depth-first search with an explicit stack (no recursion limit). Reaches the same
 * state set as BFS; its traces are not shortest, and `depth` is the deepest stack.
 * With a depth bound, a state first met deep may hide a shallower subtree, so any
 * cut-off marks the result incomplete. The per-state step is Expansion's; this decides only
 * the order (a stack, one action at a time).
 */
export function dfs<S, A>(model: Model<S, A>, options: SearchOptions = {}): CheckResult<S, A> {
  const x = new Exploration(model, options);
  const maxDepth = options.maxDepth ?? Infinity;
  const stack: Frame<S, A>[] = [];

  // A state opened on top of `stack.length` frames is `stack.length` steps from its initial state.
  const open = (state: S, id: number): void => {
    const steps = stack.length;
    if (steps + 1 > x.depth) x.depth = steps + 1;
    const expand = x.expandable(state, id);
    if (expand && steps >= maxDepth) {
      if (!x.incomplete && x.hasUnvisitedSuccessor(state, id)) x.incomplete = 'max-depth';
      return;
    }
    stack.push({ state, id, actions: expand ? x.actionsOf(state, id) : [], next: 0 });
  };

  const inits = x.initialStates();
  for (let i = 0; i < inits.length; i++) {
    const id = x.visit(inits[i], -1, i);
    if (id === VIOLATED) {
      x.depth = Math.max(x.depth, 1);
      return x.result('dfs', [x.violation()]);
    }
    if (id < 0) continue;
    if (x.mustStop(stack.length)) return x.result('dfs', []);
    open(inits[i], id);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next >= top.actions.length) {
        stack.pop();
        continue;
      }
      const a = top.next++;
      const next = x.successor(top.state, top.id, top.actions[a]);
      if (next === undefined) continue;
      const nextId = x.visit(next, top.id, a);
      if (nextId === VIOLATED) {
        x.depth = Math.max(x.depth, stack.length + 1);
        return x.result('dfs', [x.violation()]);
      }
      if (nextId < 0) continue;
      if (x.mustStop(stack.length)) return x.result('dfs', []);
      open(next, nextId);
    }
  }
  return x.result('dfs', []);
}
