import type { ConsensusView, LivenessProperty } from './actor/liveness.ts';
import type { FaultKind } from './actor/faults.ts';
import type { PartialOrderModel } from './partial-order.ts';
import type { Fingerprint } from './fingerprint.ts';

/**
 * The kernel every spec compiles to (after Stateright's `Model`, TLA+'s Init/Next).
 *
 * States are plain immutable data: objects, arrays, strings, numbers, booleans, null.
 * Two states are the same state iff their canonical encodings are equal; key order
 * never matters.
 */
export interface Model<S, A> {
  /** A short human name, printed in result headers. */
  name: string;
  /** Initial states. */
  init(): Iterable<S>;
  /** Enabled actions of `state`, in a deterministic order (traces store their indices). */
  actions(state: S): Iterable<A>;
  /** The successor of `state` under `action`; `undefined` means the action takes no step. */
  next(state: S, action: A): S | undefined;
  /** Named state predicates that must hold in every reachable state. */
  invariants?: Record<string, (state: S) => boolean>;
  /**
   * Reachability goals (Stateright's "sometimes"): named state predicates that must hold in
   * some reachable state. A complete search in which a goal holds nowhere fails ("never
   * reached": the pass would be vacuous); a reached goal comes with a witness trace to the
   * first state found satisfying it (breadth first: a shortest one).
   */
  reachable?: Record<string, (state: S) => boolean>;
  /** TLC's CONSTRAINT: a state where this is false is counted and checked but not expanded. */
  constraint?(state: S): boolean;
  /** A one-line label of an action, for traces. */
  describe?(action: A): string;
  /**
   * Symmetry reduction (TLC's SYMMETRY, Stateright's `Representative`): a state of the same
   * orbit in a canonical form, e.g. with interchangeable nodes renamed into a fixed order.
   * Exhaustive searches count states with equal representatives once and expand only the
   * first one found; traces keep the real states. Must be deterministic, and every
   * invariant must hold of a state iff it holds of its representative.
   */
  representative?(state: S): S;
  /**
   * Optional, with {@link Model.representative}: writes into `out` the fingerprint
   * (specs/fingerprint.ts) of `representative(state)`, exactly, for a model that can compute
   * it without building the representative. On entry `out` holds the fingerprint of `state`.
   */
  representativeFingerprint?(state: S, out: Fingerprint): void;
  /**
   * Liveness properties, checked under {@link Model.fairness} once every safety property
   * passed: `eventually(goal)` and `leadsTo(p, q)`. Counterexamples are lassos.
   */
  liveness?: Record<string, LivenessProperty<S>>;
  /** Weak fairness of the model's actions (default: weak fairness of the whole next-state relation). */
  fairness?: Fairness<A>;
  /** Which injected fault an action is, if any: traces count faults and `minimize: 'faults'` minimises them. */
  faultKind?(action: A): FaultKind | undefined;
  /** A consensus protocol's decisions, for the FLP walk-through (`faultline flp`). */
  consensus?: ConsensusView<S, A>;
  /** What partial-order reduction needs (actor protocols that are untimed and unconstrained); without it a search is never reduced. */
  partialOrder?: PartialOrderModel<S, A>;
}

/** Weak fairness of a model's actions: which enabled actions a fair run must eventually take. */
export interface Fairness<A> {
  /** The weak-fairness class of an enabled action, or undefined when it is never forced. */
  fair(action: A): string | undefined;
  /** The class a taken action discharges when it is not its own (dropping a message discharges its delivery). */
  fulfils?(action: A): string | undefined;
  /** The node whose class this is, when classes belong to nodes (a crashed node's classes lapse). */
  owner?(action: A): string | undefined;
}

/** Parameters a spec factory receives from `--param key=value` (like TLA+ CONSTANTS). */
export type Params = Record<string, string | number | boolean>;

/** A spec module's default export: a model, or a factory building one from params. */
export type ModelFactory<S = unknown, A = unknown> = (params: Params) => Model<S, A>;

/**
 * Declares a model. It only type-checks and returns its argument, so a spec
 * file reads as a declaration and its types are inferred in one place.
 */
export function defineModel<S, A>(model: Model<S, A>): Model<S, A> {
  return model;
}

/** The kinds of injected fault a trace counts (declared with the fault kinds, specs/actor/faults.ts). */
export type { FaultKind };

/** A model some of whose actions are injected faults (actor protocols are). */
export interface InjectsFaults<A> {
  /** Which fault an action injects, if any. */
  faultKind(action: A): FaultKind | undefined;
}

/** True when the model says which of its actions are faults. */
export function injectsFaults<S, A>(model: Model<S, A>): model is Model<S, A> & InjectsFaults<A> {
  return typeof model.faultKind === 'function';
}

/** True when `value` has the shape of a {@link Model}. */
export function isModel(value: unknown): value is Model<unknown, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const m = value as Record<string, unknown>;
  return typeof m.init === 'function' && typeof m.actions === 'function' && typeof m.next === 'function';
}

/** The label of `action` in traces: the model's `describe`, else a compact JSON rendering. */
export function describeAction<S, A>(model: Model<S, A>, action: A): string {
  if (model.describe) return model.describe(action);
  if (typeof action === 'string') return action;
  return String(JSON.stringify(action));
}
