import type { Model } from '../specs/index.ts';
import { SpecError } from './errors.ts';

/** `value` when it is iterable; otherwise a clear error (Array.from would quietly make `[]` of it). */
export function iterableOrThrow<T>(value: Iterable<T>, phase: 'init' | 'actions'): Iterable<T> {
  if (value !== null && value !== undefined && typeof value !== 'string' && typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function') return value;
  const got = value === null ? 'null' : typeof value;
  throw new TypeError(`${phase}() returned ${got}, not a list (return an array${phase === 'init' ? ' of initial states' : ' of the enabled actions'})`);
}

/**
 * The model's initial states, validated: iterable and at least one. With none, every
 * property would hold vacuously — a false pass — so that is a spec error.
 */
export function initialStates<S, A>(model: Model<S, A>): S[] {
  let inits: S[];
  try {
    inits = Array.from(iterableOrThrow(model.init(), 'init'));
  } catch (error) {
    throw new SpecError('init', error);
  }
  if (inits.length === 0) throw new SpecError('init', new Error('init() returned no initial state (return a list of at least one state)'));
  return inits;
}
