import { describeAction, injectsFaults, type Model } from '../specs/index.ts';
import { callSpec } from './errors.ts';
import { Replay, replayPath, type Path } from './path.ts';


/** Bounds on the work {@link shrinkPath} does. */
export interface ShrinkOptions {
  /** Candidate paths replayed at most (default 20 000). */
  maxReplays?: number;
}

/** A path replayed by action labels, as far as it got. */
export interface LabelReplay {
  /** Each step's index in `model.actions(state)`. */
  actionIndices: number[];
  /** The labels actually taken (those not enabled when their turn came are skipped). */
  labels: string[];
  /** The invariant violated at the last state, if any (replay stops at the first violation). */
  violated?: string;
}

/**
 * Replays a path given as action labels: at each state the first enabled action carrying
 * the wanted label that takes a step is taken (indices shift when steps are removed, labels
 * do not). A label with no such action is skipped. Replay stops at the first state violating
 * an invariant, and at a state the model's `constraint` excludes from expansion.
 */
export function replayLabels<S, A>(model: Model<S, A>, initIndex: number, labels: readonly string[]): LabelReplay {
  const inits = Replay.initialStates(model);
  if (initIndex >= inits.length) throw new Error(`init() returned ${inits.length} states, the path starts from state #${initIndex}`);
  const invariants = Object.entries(model.invariants ?? {});
  const violatedAt = (s: S): string | undefined => {
    for (const [name, holds] of invariants) {
      if (!callSpec('invariant', () => holds(s), { property: name })) return name;
    }
    return undefined;
  };
  const replay = new Replay(model, inits, initIndex);
  const out: LabelReplay = { actionIndices: replay.path.actionIndices, labels: [] };
  let violated = violatedAt(replay.state);
  for (let step = 0; step < labels.length && violated === undefined; step++) {
    const from = replay.state;
    if (model.constraint && !callSpec('constraint', () => model.constraint!(from))) break;
    const actions = replay.enabled();
    for (let i = 0; i < actions.length; i++) {
      if (replay.label(actions[i]) !== labels[step]) continue;
      if (!replay.take(actions, i)) continue;
      out.labels.push(labels[step]);
      violated = violatedAt(replay.state);
      break;
    }
  }
  if (violated !== undefined) out.violated = violated;
  return out;
}

/**
 * Shrinks a path that violates `property` (an invariant of `model`): repeatedly removes
 * fault steps (actions whose `faultKind` is defined, when the model has one) — all of them,
 * each one, each pair —, then chunks of consecutive steps (halves, quarters, … single steps),
 * then pairs of steps, replaying the rest by action identity ({@link replayLabels}) and keeping
 * any candidate whose first violation is still `property`, until no removal helps. Candidates
 * are always strictly shorter, so this terminates; the result is never longer than `path`.
 *
 * A path that does not violate `property` comes back unchanged.
 */
export function shrinkPath<S, A>(model: Model<S, A>, path: Path<S, A>, property: string, options: ShrinkOptions = {}): Path<S, A> {
  let budget = options.maxReplays ?? 20_000;
  const isFault = (label: string): boolean => faultLabels.has(label);
  const faultLabels = new Set<string>();
  if (injectsFaults(model)) {
    for (const a of path.actions) if (model.faultKind(a) !== undefined) faultLabels.add(describeAction(model, a));
  }

  const first = replayLabels(model, path.initIndex, path.actions.map((a) => describeAction(model, a)));
  if (first.violated !== property) return path;
  let best = first;

  /** Replays `labels`; adopts the result when it violates `property` first and is shorter. */
  const attempt = (labels: string[]): boolean => {
    if (budget <= 0) return false;
    budget--;
    const r = replayLabels(model, path.initIndex, labels);
    if (r.violated !== property || r.labels.length >= best.labels.length) return false;
    best = r;
    return true;
  };
  const without = (drop: (i: number) => boolean): string[] => best.labels.filter((_, i) => !drop(i));

  /** Fault steps first (fewest faults is part of minimal), then chunks, then pairs; true on the first success. */
  const removeFaults = (): boolean => {
    const f = best.labels.flatMap((l, i) => (isFault(l) ? [i] : []));
    if (f.length > 1 && attempt(without((i) => isFault(best.labels[i])))) return true;
    for (let a = f.length - 1; a >= 0; a--) if (attempt(without((i) => i === f[a]))) return true;
    for (let a = f.length - 1; a >= 1; a--) {
      for (let b = a - 1; b >= 0; b--) if (attempt(without((i) => i === f[a] || i === f[b]))) return true;
    }
    return false;
  };

  const removeChunks = (): boolean => {
    for (let size = Math.max(1, Math.floor(best.labels.length / 2)); size >= 1; size = Math.floor(size / 2)) {
      // From the end backwards: late steps are the most often superfluous.
      for (let start = best.labels.length - size; start >= 0; start--) {
        if (attempt(without((i) => i >= start && i < start + size))) return true;
      }
    }
    return false;
  };

  const removePairs = (): boolean => {
    for (let j = best.labels.length - 1; j >= 2; j--) {
      for (let i = j - 2; i >= 0; i--) if (attempt(without((k) => k === i || k === j))) return true;
    }
    return false;
  };

  while (budget > 0 && (removeFaults() || removeChunks() || removePairs()));
  return replayPath(model, path.initIndex, best.actionIndices);
}
