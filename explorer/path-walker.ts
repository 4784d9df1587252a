import { describeAction, type Model } from '../specs/index.ts';
import { specErrorOf, SpecError } from '../checker/errors.ts';
import type { Path } from '../checker/index.ts';

/** A path through a model that does not apply: which position failed and why. */
export interface PathFailure {
  /** Position in the path: 0 is the initial-state index, k ≥ 1 the k-th action index. */
  at: number;
  /** The index found there. */
  index: number;
  reason: string;
}

/** A state reached by a path, with the actions enabled there (computed once, cached). */
export interface Reached<S, A> {
  path: Path<S, A>;
  /** `model.actions(state)`, in order: an action's position is its index in a path. */
  actions: A[];
}

/** The largest path (in steps) a URL may name: longer ones are refused rather than replayed. */
export const MAX_PATH_STEPS = 10_000;

/**
 * Walks a model along paths of indices (`[init, a1, a2, …]`, as trace files store them),
 * remembering recent states so that one more step costs one `actions()` and one `next()`.
 * Spec exceptions become {@link SpecError}s naming the phase and the action.
 */
export class PathWalker<S, A> {
  private readonly cache = new Map<string, Reached<S, A>>();
  private inits: S[] | undefined;

  constructor(
    readonly model: Model<S, A>,
    /** States remembered (least recently used go first). */
    private readonly capacity = 512,
  ) {}

  /** The initial states, computed once. */
  initialStates(): S[] {
    this.inits ??= callSpec('init', () => Array.from(this.model.init()));
    return this.inits;
  }

  /** The state a path reaches, or where the path stops applying. */
  walk(indices: readonly number[]): Reached<S, A> | PathFailure {
    if (indices.length === 0) return { at: 0, index: -1, reason: 'a path starts with the index of an initial state' };
    // The longest remembered prefix, then step from there.
    let k = indices.length;
    let reached: Reached<S, A> | undefined;
    for (; k > 0; k--) {
      reached = this.cache.get(indices.slice(0, k).join('/'));
      if (reached) break;
    }
    if (!reached) {
      const inits = this.initialStates();
      const init = indices[0];
      if (init >= inits.length) return { at: 0, index: init, reason: `there ${inits.length === 1 ? 'is 1 initial state' : `are ${inits.length} initial states`}` };
      reached = this.remember(indices.slice(0, 1), { initIndex: init, states: [inits[init]], actions: [], actionIndices: [] });
      k = 1;
    }
    for (; k < indices.length; k++) {
      const index = indices[k];
      const state = reached.path.states[reached.path.states.length - 1];
      if (index >= reached.actions.length) {
        return { at: k, index, reason: `the state after ${k - 1} step${k - 1 === 1 ? '' : 's'} has ${reached.actions.length} action${reached.actions.length === 1 ? '' : 's'}` };
      }
      const action = reached.actions[index];
      const next = callSpec('next', () => this.model.next(state, action), () => describeAction(this.model, action));
      if (next === undefined) return { at: k, index, reason: `action ${index} (${describeAction(this.model, action)}) takes no step there` };
      const p = reached.path;
      reached = this.remember(indices.slice(0, k + 1), {
        initIndex: p.initIndex,
        states: [...p.states, next],
        actions: [...p.actions, action],
        actionIndices: [...p.actionIndices, index],
      });
    }
    return reached;
  }

  private remember(key: readonly number[], path: Path<S, A>): Reached<S, A> {
    const state = path.states[path.states.length - 1];
    const reached = { path, actions: callSpec('actions', () => Array.from(this.model.actions(state))) };
    const id = key.join('/');
    this.cache.delete(id);
    this.cache.set(id, reached);
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value!);
    return reached;
  }
}

/** True when `walk` failed. */
export function isFailure<S, A>(r: Reached<S, A> | PathFailure): r is PathFailure {
  return 'reason' in r;
}

/** Runs spec code, turning what it throws into a SpecError of `phase`. */
export function callSpec<T>(phase: 'init' | 'actions' | 'next' | 'invariant' | 'constraint', call: () => T, label?: () => string): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof SpecError) throw error;
    let actionLabel: string | undefined;
    try {
      actionLabel = label?.();
    } catch {
      actionLabel = undefined;
    }
    throw specErrorOf(phase, error, actionLabel === undefined ? undefined : { actionLabel });
  }
}
