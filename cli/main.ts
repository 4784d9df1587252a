import { CommanderError } from 'commander';
import { BadInputError, exitCodeFor, ExitCode, SpecFailure } from './errors.ts';
import { buildProgram } from './program.ts';

/** Runs the CLI on `argv` and returns the exit code; errors become one clear line. */
export async function main(argv: string[]): Promise<number> {
  // A closed pipe (`faultline … | head`) is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  let code: number = ExitCode.pass;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its one line; help and version are not errors.
      return error.exitCode === 0 ? ExitCode.pass : ExitCode.badInput;
    }
    const debug = argv.includes('--debug');
    process.stderr.write(describeError(error) + '\n');
    if (debug && error instanceof Error) process.stderr.write((error instanceof SpecFailure ? error.error.stack : error.stack) + '\n');
    return exitCodeFor(error);
  }
}

function describeError(error: unknown): string {
  if (error instanceof BadInputError) return `faultline: ${error.message}`;
  if (error instanceof SpecFailure) {
    const cause = error.error;
    if (cause.name === 'NondeterminismError') return `faultline: ${error.specPath}: ${cause.message}`;
    const spec = cause as import('../checker/index.ts').SpecError;
    const where =
      spec.phase === 'next' ? `next() on action "${spec.actionLabel}"` : spec.phase === 'invariant' ? `invariant ${spec.property}` : `${spec.phase}()`;
    const line = `faultline: ${error.specPath}: the spec threw in ${where}: ${cause.message} (fix the spec; --debug shows the stack)`;
    return error.trace ? `${line}\nthe state it threw on, and how it was reached:\n${error.trace}` : line;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `faultline: internal error: ${message} (please report it; --debug shows the stack)`;
}
