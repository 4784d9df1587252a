import { describeAction, injectsFaults, isActorModel, noFaults, type FaultKind, type Model, type Params, type WorldState } from '../specs/index.ts';
import type { Path, Violation } from '../checker/index.ts';

/** Faults injected along a trace: one count per fault kind (`drops`, `dups`, `crashes`, `recoveries`, `partitions`). */
export type FaultCounts = Record<FaultKind, number>;

/** One step of a trace: the action taken and the state after it. */
export interface TraceStep {
  /** One-line label of the action, e.g. `deliver Prepare coordinator→participant-1`. */
  label: string;
  /** Index of the action in `model.actions(previous state)`: what replay uses. */
  index: number;
  /** The state after the action. */
  state: unknown;
  /** Global time and each node's local clock after the action, when the spec is timed. */
  clocks?: { t: number; local: Record<string, number> };
}

/** A counterexample as saved, rendered and replayed. Versioned JSON. */
export interface Trace {
  format: 'faultline-trace';
  version: 1;
  /** The spec file as given to `check`, its model's name, and a hash of the file's source. */
  spec: { path: string; name: string; sha256?: string };
  params: Params;
  /** The environment of an actor protocol (unbounded knobs are null). */
  environment?: Record<string, number | boolean | null>;
  strategy: string;
  /** How to re-run a random search that found this trace. */
  random?: { seed: number; path?: string };
  property: { name: string; kind: string };
  faults: FaultCounts;
  initial: { index: number; state: unknown; clocks?: TraceStep['clocks'] };
  steps: TraceStep[];
  /**
   * A lasso (liveness counterexample): the loop runs from state `start` (after `start`
   * steps; 0 = the initial state) through the last step and back to it, forever. When
   * `start` equals the number of steps the run stays in its last state forever.
   */
  loop?: { start: number };
}

/** Where a trace came from: what the check was run on. */
export interface TraceOrigin {
  specPath: string;
  specSha256?: string;
  params: Params;
  environment?: Record<string, number | boolean | null>;
  strategy: string;
  random?: { seed: number; path?: string };
}

/** No faults: what a kernel model without a fault model reports. */
export const NO_FAULTS: FaultCounts = noFaults();

/** The labels of the fault actions along a path: what a violation needs. */
export function faultLabels<S, A>(model: Model<S, A>, actions: readonly A[]): string[] {
  if (!injectsFaults(model)) return [];
  return actions.filter((a) => model.faultKind(a) !== undefined).map((a) => describeAction(model, a));
}

/** The faults taken along a path, counted from its actions. */
export function faultsOf<S, A>(model: Model<S, A>, actions: readonly A[]): FaultCounts {
  const faults = { ...NO_FAULTS };
  if (!injectsFaults(model)) return faults;
  for (const action of actions) {
    const kind = model.faultKind(action);
    if (kind) faults[kind]++;
  }
  return faults;
}

/** Turns a violation's path into a trace. */
export function traceOf<S, A>(model: Model<S, A>, violation: Violation<S, A>, origin: TraceOrigin): Trace {
  const kind = (isActorModel(model) && model.propertyKinds[violation.property]) || violation.kind;
  const trace = traceOfPath(model, violation.path, { name: violation.property, kind }, origin);
  // A liveness violation is a lasso: keep where its loop starts.
  const loop = (violation as { loop?: { start: number } }).loop;
  return loop ? { ...trace, loop: { start: loop.start } } : trace;
}

/** Turns any path into a trace, e.g. the path to a state where the spec threw. */
export function traceOfPath<S, A>(
  model: Model<S, A>,
  path: Path<S, A>,
  property: { name: string; kind: string },
  origin: TraceOrigin,
): Trace {
  const clocks = isActorModel(model) ? (state: unknown) => model.clocks(state as WorldState) : undefined;
  const withClocks = <T extends { state: unknown }>(entry: T): T => {
    const c = clocks?.(entry.state);
    return c ? { ...entry, clocks: c } : entry;
  };
  return {
    format: 'faultline-trace',
    version: 1,
    spec: { path: origin.specPath, name: model.name, ...(origin.specSha256 ? { sha256: origin.specSha256 } : {}) },
    params: origin.params,
    ...(origin.environment ? { environment: origin.environment } : {}),
    strategy: origin.strategy,
    ...(origin.random ? { random: origin.random } : {}),
    property,
    faults: faultsOf(model, path.actions),
    initial: withClocks({ index: path.initIndex, state: path.states[0] }),
    steps: path.actions.map((action, i) =>
      withClocks({ label: describeAction(model, action), index: path.actionIndices[i], state: path.states[i + 1] }),
    ),
  };
}
