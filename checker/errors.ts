import type { Path } from './path.ts';

/** Where in a spec an exception was raised. */
export type SpecPhase = 'init' | 'actions' | 'next' | 'invariant' | 'reachable' | 'constraint' | 'describe';

/** The spec itself threw: the search stops and reports where. */
export class SpecError extends Error {
  /** The path to the state being processed when the spec threw, when known. */
  path?: Path<unknown, unknown>;
  /** Label of the action being applied, for `next`. */
  actionLabel?: string;
  /** Name of the invariant, for `invariant`; of the goal, for `reachable`. */
  property?: string;

  constructor(
    readonly phase: SpecPhase,
    readonly original: unknown,
  ) {
    super(original instanceof Error ? original.message : String(original));
    this.name = 'SpecError';
  }
}

/**
 * The one wrapper for calling spec code off the hot path: runs `call` and turns anything it
 * throws into a SpecError of `phase` (a SpecError passes through), naming the action (for
 * `next`) or the property (for `invariant`) when given. The search's own per-state calls
 * (checker/expansion.ts) inline the same try/catch, to allocate no closure per state.
 */
export function callSpec<T>(phase: SpecPhase, call: () => T, at?: { actionLabel?: string; property?: string }): T {
  try {
    return call();
  } catch (error) {
    throw specErrorOf(phase, error, at);
  }
}

/** `error`, raised in spec code during `phase`, as a SpecError naming the action or property. */
export function specErrorOf(phase: SpecPhase, error: unknown, at?: { actionLabel?: string; property?: string }): SpecError {
  if (error instanceof SpecError) return error;
  const e = new SpecError(phase, error);
  if (at?.actionLabel !== undefined) e.actionLabel = at.actionLabel;
  if (at?.property !== undefined) e.property = at.property;
  return e;
}

/** The SpecError of a spec whose `actions` or `next` changed the state it was given. */
export function inputChanged(phase: 'actions' | 'next'): SpecError {
  return new SpecError(phase, new Error(`${phase}() changed the state it was given (states are immutable: return a new state, copying what changes)`));
}

/** Replaying a recorded path did not reproduce it: the spec is not a function of its state. */
export class NondeterminismError extends Error {
  constructor(
    /** The step (0 = initial state) that did not reproduce. */
    readonly step: number,
    detail: string,
  ) {
    super(
      `${detail}: the spec is nondeterministic (Date.now, Math.random, or mutable state shared between calls?)`,
    );
    this.name = 'NondeterminismError';
  }
}
