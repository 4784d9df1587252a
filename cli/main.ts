import { CommanderError } from 'commander';
import { BadInputError, exitCodeFor, ExitCode, SpecFailure } from './errors.ts';
import { terminalText } from './terminal-text.ts';
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
    process.stderr.write(terminalText(describeError(error)) + '\n');
    if (debug && error instanceof Error) {
      process.stderr.write((error instanceof SpecFailure ? error.error.stack : error instanceof BadInputError && error.debugStack ? error.debugStack : error.stack) + '\n');
    }
    return exitCodeFor(error);
  }
}

function describeError(error: unknown): string {
  if (error instanceof BadInputError || error instanceof SpecFailure) return `faultline: ${error.message}`;
  const message = error instanceof Error ? error.message : String(error);
  return `faultline: internal error: ${message} (please report it; --debug shows the stack)`;
}
