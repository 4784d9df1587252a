import { canonicalJson, describeAction, type Model } from '../specs/index.ts';
import type { Path } from '../checker/index.ts';
import type { Trace } from './trace.ts';

/** What re-executing a trace against the current spec showed. */
export type ReplayOutcome<S, A> =
  /** The property still fails, after `path.actions.length` steps. */
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
  const property = model.invariants?.[trace.property.name];
  if (!property) {
    const known = Object.keys(model.invariants ?? {}).join(', ') || 'none';
    return { kind: 'diverged', step: 0, reason: `the spec has no property "${trace.property.name}" (it has: ${known})` };
  }
  const inits = Array.from(model.init());
  const recorded = canonicalJson(trace.initial.state);
  let initIndex = inits.findIndex((s) => canonicalJson(s) === recorded);
  if (initIndex < 0) initIndex = trace.initial.index;
  if (initIndex >= inits.length) {
    return { kind: 'diverged', step: 0, reason: `the spec has ${inits.length} initial states, the trace starts from #${trace.initial.index}` };
  }
  let state = inits[initIndex];
  const path: Path<S, A> = { initIndex, states: [state], actions: [], actionIndices: [] };
  if (!property(state)) return { kind: 'reproduced', path };
  for (let i = 0; i < trace.steps.length; i++) {
    const step = trace.steps[i];
    const actions = Array.from(model.actions(state));
    const labels = actions.map((a) => describeAction(model, a));
    let index = labels[step.index] === step.label ? step.index : labels.indexOf(step.label);
    if (index < 0) {
      return { kind: 'diverged', step: i + 1, reason: `step ${i + 1} (${step.label}) no longer applies: no such action is enabled` };
    }
    const next = model.next(state, actions[index]);
    if (next === undefined) {
      return { kind: 'diverged', step: i + 1, reason: `step ${i + 1} (${step.label}) no longer applies: it takes no step` };
    }
    state = next;
    path.states.push(state);
    path.actions.push(actions[index]);
    path.actionIndices.push(index);
    if (!property(state)) return { kind: 'reproduced', path };
  }
  return { kind: 'fixed', path };
}
