import { NondeterminismError, SpecError } from '../checker/index.ts';

/** Bad input: a usage error, a spec that fails to load, a malformed file. The CLI exits 2. */
export class BadInputError extends Error {
  constructor(
    message: string,
    /** Where it was raised, when that was in another thread (for --debug). */
    readonly debugStack?: string,
  ) {
    super(message);
    this.name = 'BadInputError';
  }
}

/** The spec threw (or was nondeterministic) during a check; `specPath` is the file it came from. */
export class SpecFailure extends Error {
  constructor(
    readonly specPath: string,
    readonly error: SpecError | NondeterminismError,
    /** The path to the failing state, rendered, when known. */
    readonly trace?: string,
  ) {
    super('');
    this.name = 'SpecFailure';
    this.message = describeFailure(this);
  }
}

/** One line (or a few, with the trace) saying what went wrong and how to fix it. */
export function describeFailure(error: SpecFailure): string {
  const cause = error.error;
  if (cause instanceof NondeterminismError || cause.name === 'NondeterminismError') return `${error.specPath}: ${cause.message}`;
  const spec = cause as SpecError;
  const where =
    spec.phase === 'next' ? `next() on action "${spec.actionLabel}"` : spec.phase === 'invariant' ? `invariant ${spec.property}` : spec.phase === 'reachable' ? `reachable goal ${spec.property}` : `${spec.phase}()`;
  const line = `${error.specPath}: the spec threw in ${where}: ${cause.message} (fix the spec; --debug shows the stack)`;
  return error.trace ? `${line}\nthe state it threw on, and how it was reached:\n${error.trace}` : line;
}
