import { canonicalJson, type LivenessProperty, type Model } from '../specs/index.ts';
import { Replay, type Path } from '../checker/path.ts';
import type { Trace } from './trace.ts';

/** What re-executing a trace against the current spec showed. */
export type ReplayOutcome<S, A> =
  /** The property still fails (a reachability goal: is still reached), after `path.actions.length` steps. */
  | { kind: 'reproduced'; path: Path<S, A> }
  /** Every step still applies and the property holds throughout. */
  | { kind: 'fixed'; path: Path<S, A> }
  /** Step `step` (1-based; 0 = the initial state) no longer applies. */
  | { kind: 'diverged'; step: number; reason: string };

/**
 * Re-executes a trace's steps against a model. Steps are matched by label (the recorded
 * index breaks ties), so a trace survives a spec change that only reorders actions; the
 * recorded states are not required to match, only the steps to still apply.
 */
export function replayTrace<S, A>(model: Model<S, A>, trace: Trace): ReplayOutcome<S, A> {
  // Own properties only: a trace naming "toString" must not find Object.prototype's.
  const own = <T>(record: Record<string, T> | undefined): T | undefined =>
    record && Object.hasOwn(record, trace.property.name) ? record[trace.property.name] : undefined;
  const liveness = trace.property.kind === 'liveness' ? own(model.liveness) : undefined;
  // A witness of a reachability goal "reproduces" where the goal holds: it is the state it shows.
  const goal = trace.property.kind === 'reachable' ? own(model.reachable) : undefined;
  const invariant = goal ? (s: S) => !goal(s) : trace.property.kind === 'reachable' ? undefined : own(model.invariants);
  if (!liveness && (!invariant || trace.property.kind === 'liveness')) {
    const known = [...Object.keys(model.invariants ?? {}), ...Object.keys(model.liveness ?? {}), ...Object.keys(model.reachable ?? {})].join(', ') || 'none';
    return { kind: 'diverged', step: 0, reason: `the spec has no ${trace.property.kind} property "${trace.property.name}" (it has: ${known})` };
  }
  if (liveness && !trace.loop) return { kind: 'diverged', step: 0, reason: 'a liveness trace needs its loop (the trace has no "loop")' };
  const holds = (state: S): boolean => (invariant && !liveness ? invariant(state) : true);
  const inits = Replay.initialStates(model);
  const recorded = canonicalJson(trace.initial.state);
  let initIndex = inits.findIndex((s) => canonicalJson(s) === recorded);
  if (initIndex < 0) initIndex = trace.initial.index;
  if (initIndex >= inits.length) {
    return { kind: 'diverged', step: 0, reason: `the spec has ${inits.length} initial states, the trace starts from #${trace.initial.index}` };
  }
  // The one replay routine (checker/path.ts), choosing each step by its label.
  const replay = new Replay(model, inits, initIndex);
  const path = replay.path;
  if (!holds(replay.state)) return { kind: 'reproduced', path };
  for (let i = 0; i < trace.steps.length; i++) {
    const step = trace.steps[i];
    const actions = replay.enabled();
    const labels = actions.map((a) => replay.label(a));
    const index = labels[step.index] === step.label ? step.index : labels.indexOf(step.label);
    if (index < 0) {
      return { kind: 'diverged', step: i + 1, reason: `step ${i + 1} (${step.label}) no longer applies: no such action is enabled` };
    }
    if (!replay.take(actions, index)) {
      return { kind: 'diverged', step: i + 1, reason: `step ${i + 1} (${step.label}) no longer applies: it takes no step` };
    }
    if (!holds(replay.state)) return { kind: 'reproduced', path };
  }
  if (liveness && trace.loop) return lassoStillFails(model, liveness, path, trace.loop.start);
  return { kind: 'fixed', path };
}

/**
 * A replayed lasso still shows the liveness violation when its loop closes (the state after
 * the last step is the state where the loop starts, or the run stays in its last state) and
 * the goal holds nowhere on the run from the trigger on (`eventually`: anywhere). Fairness of
 * the loop is the checker's to establish; replay confirms the run exists and avoids the goal.
 */
function lassoStillFails<S, A>(model: Model<S, A>, property: LivenessProperty<S>, path: Path<S, A>, loopStart: number): ReplayOutcome<S, A> {
  const states = path.states;
  if (loopStart < 0 || loopStart > states.length - 1) return { kind: 'diverged', step: 0, reason: `the trace's loop starts at step ${loopStart}, past its end` };
  if (loopStart < states.length - 1 && canonicalJson(states[loopStart]) !== canonicalJson(states[states.length - 1])) {
    return { kind: 'fixed', path };
  }
  // The first index from which the goal never holds again; the loop must lie after it.
  let clear = states.length;
  while (clear > 0 && !property.goal(states[clear - 1])) clear--;
  if (clear > loopStart || clear === states.length) return { kind: 'fixed', path };
  if (property.kind === 'eventually' ? clear !== 0 : !states.slice(clear).some((s) => property.trigger(s))) return { kind: 'fixed', path };
  void model;
  return { kind: 'reproduced', path };
}
