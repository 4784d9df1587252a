import { describeAction, type Model } from '../specs/index.ts';
import { fingerprintInto, type Fingerprint } from './fingerprint.ts';
import { fingerprintState } from './state-fingerprint.ts';
import { callSpec, NondeterminismError } from './errors.ts';
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
 * The one routine that re-executes a model along a path: from an initial state, one chosen
 * action at a time, spec code called through {@link callSpec}. {@link replayPath} (by action
 * indices, checking the search's fingerprints), `replayLabels` (by labels, for shrinking) and
 * `replayTrace` (a trace file) are walks of it; they differ only in how they choose the next
 * action and what a step that no longer applies means to them.
 */
export class Replay<S, A> {
  /** The walk so far (`actionIndices` grows with each step taken). */
  readonly path: Path<S, A>;
  private current: S;

  constructor(
    readonly model: Model<S, A>,
    inits: readonly S[],
    initIndex: number,
  ) {
    this.current = inits[initIndex];
    this.path = { initIndex, states: [this.current], actions: [], actionIndices: [] };
  }

  /** The model's initial states, as a replay starts from them. */
  static initialStates<S, A>(model: Model<S, A>): S[] {
    return callSpec('init', () => Array.from(model.init()));
  }

  /** The state reached so far. */
  get state(): S {
    return this.current;
  }

  /** The actions enabled in the current state, in the model's order. */
  enabled(): A[] {
    const from = this.current;
    return callSpec('actions', () => Array.from(this.model.actions(from)));
  }

  /** Takes `actions[index]` (from {@link enabled}); false, and no step, when it takes no step. */
  take(actions: readonly A[], index: number): boolean {
    const from = this.current;
    const action = actions[index];
    const next = callSpec('next', () => this.model.next(from, action));
    if (next === undefined) return false;
    this.path.actions.push(action);
    this.path.actionIndices.push(index);
    this.path.states.push(next);
    this.current = next;
    return true;
  }

  /** The label of an action, as traces and shrinking name steps. */
  label(action: A): string {
    return callSpec('describe', () => describeAction(this.model, action));
  }
}

/**
 * Re-executes a path given as indices. When `expected` is given, every state must
 * reproduce its recorded fingerprint, or the spec is nondeterministic (the one
 * {@link NondeterminismError}, which names that as the likely cause).
 */
export function replayPath<S, A>(
  model: Model<S, A>,
  initIndex: number,
  actionIndices: readonly number[],
  expected?: ExpectedFingerprint,
  fingerprintOf: FingerprintOf = 'representative',
): Path<S, A> {
  const inits = Replay.initialStates(model);
  if (initIndex >= inits.length) {
    throw new NondeterminismError(0, `init() returned ${inits.length} states, the trace starts from state #${initIndex}`);
  }
  const replay = new Replay(model, inits, initIndex);
  verify(model, replay.state, 0, expected, fingerprintOf);
  actionIndices.forEach((index, i) => {
    const actions = replay.enabled();
    if (index >= actions.length) {
      throw new NondeterminismError(i + 1, `the state before step ${i + 1} has ${actions.length} enabled actions, the trace takes action #${index}`);
    }
    if (!replay.take(actions, index)) {
      throw new NondeterminismError(i + 1, `action #${index} no longer takes a step at step ${i + 1}`);
    }
    verify(model, replay.state, i + 1, expected, fingerprintOf);
  });
  return replay.path;
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
