import { BadInputError, SpecFailure } from '../api/index.ts';

/** Exit codes of every command: the CLI contract. */
export const ExitCode = {
  pass: 0,
  violation: 1,
  badInput: 2,
  incomplete: 3,
  /** Stopped by SIGINT (128 + 2), as shells expect. */
  interrupted: 130,
} as const;

/** The one place errors become exit codes. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof BadInputError || error instanceof SpecFailure) return ExitCode.badInput;
  return ExitCode.badInput;
}

export { BadInputError, SpecFailure } from '../api/index.ts';
