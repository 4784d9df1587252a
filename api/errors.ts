import { NondeterminismError, SpecError } from '../checker/errors.ts';

/** Exit codes of every command: the CLI contract. */
export const ExitCode = {
  pass: 0,
  violation: 1,
  badInput: 2,
  incomplete: 3,
} as const;

/** Bad input: a usage error, a spec that fails to load, a malformed file. Exit 2. */
export class BadInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadInputError';
  }
}

/** Thrown by a spec during a check; the file it came from is attached by the command. */
export class SpecFailure extends Error {
  constructor(
    readonly specPath: string,
    readonly error: SpecError | NondeterminismError,
    /** The path to the failing state, rendered, when known. */
    readonly trace?: string,
  ) {
    super(error.message);
    this.name = 'SpecFailure';
  }
}

/** The one place errors become exit codes. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof BadInputError || error instanceof SpecFailure) return ExitCode.badInput;
  if (error instanceof SpecError || error instanceof NondeterminismError) return ExitCode.badInput;
  return ExitCode.badInput;
}
