import type { Path } from './path.ts';

/** Where in a spec an exception was raised. */
export type SpecPhase = 'init' | 'actions' | 'next' | 'invariant' | 'constraint' | 'describe';

/** The spec itself threw: the search stops and reports where. */
export class SpecError extends Error {
  /** The path to the state being processed when the spec threw, when known. */
  path?: Path<unknown, unknown>;
  /** Label of the action being applied, for `next`. */
  actionLabel?: string;
  /** Name of the invariant, for `invariant`. */
  property?: string;

  constructor(
    readonly phase: SpecPhase,
    readonly original: unknown,
  ) {
    super(original instanceof Error ? original.message : String(original));
    this.name = 'SpecError';
  }
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
