import { describeAction, isActorModel, type ActorAction, type Model, type WorldState } from '../specs/index.ts';
import { renderSequenceDiagram, stateDiff, traceOfPath } from '../counterexamples/index.ts';
import { jsonText, own } from '../counterexamples/diff.ts';
import { SHOW_DEPTH, showValue, valueText } from '../counterexamples/render-text.ts';
import { changeText } from '../counterexamples/timeline.ts';
import { callSpec, type Reached } from './path-walker.ts';
import type { ValencyIndex } from './valency-index.ts';

/** How the page groups an action: deliveries, timers, faults, ticks, or a kernel model's steps. */
export type ActionGroup = 'delivery' | 'timer' | 'fault' | 'tick' | 'step';

/** One enabled action of the current state, as the API lists it. */
export interface ActionView {
  /** Its index in `model.actions(state)`: append it to the path to take it. */
  index: number;
  label: string;
  /** The actor DSL's action kind (`deliver`, `timer`, `tick`, or a fault step's, e.g. `drop`, `crash`: specs/actor/faults.ts), or `fault` / `step` for a kernel model. */
  kind: string;
  group: ActionGroup;
  /** What the step would change, one line per change (at most {@link MAX_DIFF_LINES}); absent when it takes no step. */
  diff?: string[];
  /** True when `next()` returns undefined for it: it takes no step. */
  noStep?: true;
}

/** A node of an actor protocol as the page shows it. */
export interface NodeView {
  id: string;
  up: boolean;
  /** `A` for the side holding the first node, `B` for the other, when the network is split. */
  side?: 'A' | 'B';
  /** The node's local clock, when the protocol is timed. */
  clock?: number;
  /** Armed timers: name → local-clock deadline, or `armed` when untimed. */
  timers: Record<string, string>;
  /** The local state, as text. */
  local: string;
}

/** What `GET /api/state/<init>/<a1>/…` answers. */
export interface StepView {
  /** The state reached, as data. */
  state: unknown;
  actions: ActionView[];
  /** Each property's status here: invariants, and terminal properties (true unless quiescent). */
  properties: Record<string, boolean>;
  /** True when nothing but faults is enabled (where terminal properties are checked). */
  quiescent: boolean;
  /** The valency of a consensus protocol's state, e.g. `{0,1}`, when the state space was small enough. */
  valency?: string;
  /** The path so far: the initial-state index, then one entry per step. */
  path: { index: number; label: string }[];
  /** `invariant` or `terminal`, per property. */
  propertyKinds: Record<string, string>;
  /** The state as indented text. */
  stateText: string;
  /** Actor protocols: the nodes and the messages in flight. */
  world?: { nodes: NodeView[]; inFlight: string[]; time?: number };
  /** True when the model's constraint is false here: the checker counts this state but does not expand it. */
  atBound?: true;
  /** The path as an SVG sequence diagram (escaped): the HTML report's, one `system` lifeline for kernel models. */
  diagram: string;
}

/** The most diff lines listed per action. */
export const MAX_DIFF_LINES = 12;

/** Where an action belongs on the page. */
export function actionKind(model: Model<unknown, unknown>, action: unknown): { kind: string; group: ActionGroup } {
  if (isActorModel(model)) {
    const kind = (action as ActorAction).kind;
    const group: ActionGroup = kind === 'deliver' ? 'delivery' : kind === 'timer' ? 'timer' : kind === 'tick' ? 'tick' : 'fault';
    return { kind, group };
  }
  return model.faultKind?.(action) !== undefined ? { kind: 'fault', group: 'fault' } : { kind: 'step', group: 'step' };
}

function worldView(model: Model<unknown, unknown>, w: WorldState): StepView['world'] {
  if (!isActorModel(model)) return undefined;
  const clocks = model.clocks(w);
  const ids = Object.keys(w.nodes);
  const nodes = ids.map((id): NodeView => {
    const timers = (own(w.timers, id) ?? {}) as Record<string, number | true>;
    const local = clocks ? own(clocks.local, id) : undefined;
    return {
      id,
      up: !w.down.includes(id),
      ...(w.split.length > 0 ? { side: w.split.includes(id) ? ('A' as const) : ('B' as const) } : {}),
      ...(typeof local === 'number' ? { clock: local } : {}),
      timers: Object.fromEntries(Object.keys(timers).map((t) => [t, timers[t] === true ? 'armed' : `at ${valueText(timers[t])}`])),
      local: jsonText(own(w.nodes, id), { indent: 2, show: true, maxDepth: SHOW_DEPTH }),
    };
  });
  return { nodes, inFlight: w.net.map((e) => showValue(e)), ...(clocks ? { time: clocks.t } : {}) };
}

/** What the API answers for a state reached along a path. */
export function stepView(model: Model<unknown, unknown>, reached: Reached<unknown, unknown>, valency: ValencyIndex): StepView {
  const { path, actions } = reached;
  const state = path.states[path.states.length - 1];
  const actionViews = actions.map((action, index): ActionView => {
    const label = callSpec('next', () => describeAction(model, action));
    const next = callSpec('next', () => model.next(state, action), () => label);
    const where = actionKind(model, action);
    if (next === undefined) return { index, label, ...where, noStep: true };
    const changes = stateDiff(state, next);
    const diff = changes.slice(0, MAX_DIFF_LINES).map(changeText);
    if (changes.length > MAX_DIFF_LINES) diff.push(`… ${changes.length - MAX_DIFF_LINES} more changes`);
    return { index, label, ...where, diff };
  });
  const properties: Record<string, boolean> = {};
  for (const [name, holds] of Object.entries(model.invariants ?? {})) {
    properties[name] = Boolean(callSpec('invariant', () => holds.call(model.invariants, state)));
  }
  const quiescent = isActorModel(model)
    ? model.quiescent(state as WorldState)
    : actionViews.every((a) => a.noStep || a.group === 'fault');
  const kinds: Record<string, string> = isActorModel(model) ? { ...model.propertyKinds } : Object.fromEntries(Object.keys(properties).map((k) => [k, 'invariant']));
  const violated = Object.keys(properties).filter((k) => !properties[k]);
  const trace = traceOfPath(model, path, { name: violated.join(', '), kind: 'invariant' }, { specPath: '', params: {}, strategy: 'explore' });
  const world = isActorModel(model) ? worldView(model, state as WorldState) : undefined;
  const shownValency = valency.kind === 'ready' ? valency.of(state) : undefined;
  const atBound = model.constraint ? !callSpec('constraint', () => model.constraint!(state)) : false;
  return {
    state,
    actions: actionViews,
    properties,
    quiescent,
    ...(shownValency !== undefined ? { valency: shownValency } : {}),
    path: [{ index: path.initIndex, label: 'initial state' }, ...path.actions.map((a, i) => ({ index: path.actionIndices[i], label: describeAction(model, a) }))],
    propertyKinds: kinds,
    stateText: jsonText(state, { indent: 2, show: true, maxDepth: SHOW_DEPTH }),
    ...(world ? { world } : {}),
    ...(atBound ? { atBound: true as const } : {}),
    diagram: renderSequenceDiagram(trace, { end: violated.length > 0 ? `✗ ${violated.join(', ')} violated` : false }),
  };
}
