import { type Model } from '../specs/index.ts';
import { fingerprintInto, type Fingerprint } from './fingerprint.ts';
import { fingerprintState } from './state-fingerprint.ts';
import { NondeterminismError, SpecError } from './errors.ts';
import type { StateLog } from './state-log.ts';

/** A path through a model: an initial state and the actions taken from it. */
export interface Path<S, A> {
  /** Index of the first state among `model.init()`. */
  initIndex: number;
  /** `states[0]` is initial; `states[i]` is the state after `actions[i - 1]`. */
  states: S[];
  /** The actions taken, in order. */
  actions: A[];
  /** Each action's index in `model.actions(state)`: what a trace file stores. */
  actionIndices: number[];
}

/** Expected fingerprints to check a replay against, step by step (step 0 = initial state). */
export type ExpectedFingerprint = (step: number) => { hi: number; lo: number } | undefined;

/** How the expected fingerprints were taken: of representatives (exhaustive search) or of the states themselves. */
export type FingerprintOf = 'representative' | 'state';

/**
 * Re-executes a path given as indices. When `expected` is given, every state must
 * reproduce its recorded fingerprint, or the spec is nondeterministic.
 */
export function replayPath<S, A>(
  model: Model<S, A>,
  initIndex: number,
  actionIndices: readonly number[],
  expected?: ExpectedFingerprint,
  fingerprintOf: FingerprintOf = 'representative',
): Path<S, A> {
  const inits = callSpec('init', () => Array.from(model.init()));
  if (initIndex >= inits.length) {
    throw new NondeterminismError(0, `init() returned ${inits.length} states, the trace starts from state #${initIndex}`);
  }
  let state = inits[initIndex];
  verify(model, state, 0, expected, fingerprintOf);
  const path: Path<S, A> = { initIndex, states: [state], actions: [], actionIndices: [...actionIndices] };
  actionIndices.forEach((index, i) => {
    const from = state;
    const actions = callSpec('actions', () => Array.from(model.actions(from)));
    if (index >= actions.length) {
      throw new NondeterminismError(i + 1, `the state before step ${i + 1} has ${actions.length} enabled actions, the trace takes action #${index}`);
    }
    const action = actions[index];
    const next = callSpec('next', () => model.next(from, action));
    if (next === undefined) {
      throw new NondeterminismError(i + 1, `action #${index} no longer takes a step at step ${i + 1}`);
    }
    verify(model, next, i + 1, expected, fingerprintOf);
    path.actions.push(action);
    path.states.push(next);
    state = next;
  });
  return path;
}

/** Rebuilds the path to state `id` from parent links in the log, by replay. */
export function rebuildPath<S, A>(model: Model<S, A>, log: StateLog, id: number): Path<S, A> {
  const ids: number[] = [];
  for (let at = id; at >= 0; at = log.parentOf(at)) ids.push(at);
  ids.reverse();
  const initIndex = log.actionOf(ids[0]);
  const actionIndices = ids.slice(1).map((at) => log.actionOf(at));
  return replayPath(model, initIndex, actionIndices, (step) => ({
    hi: log.fingerprintHi(ids[step]),
    lo: log.fingerprintLo(ids[step]),
  }));
}

function verify<S, A>(
  model: Model<S, A>,
  state: S,
  step: number,
  expected: ExpectedFingerprint | undefined,
  fingerprintOf: FingerprintOf,
): void {
  const want = expected?.(step);
  if (!want) return;
  const got: Fingerprint = { hi: 0, lo: 0 };
  if (fingerprintOf === 'representative') fingerprintState(model, state, got);
  else fingerprintInto(state, got);
  if (got.hi !== want.hi || got.lo !== want.lo) {
    throw new NondeterminismError(step, `replaying step ${step} produced a different state than the search saw`);
  }
}

function callSpec<T>(phase: 'init' | 'actions' | 'next', f: () => T): T {
  try {
    return f();
  } catch (error) {
    throw new SpecError(phase, error);
  }
}
