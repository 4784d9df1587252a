import { BadInputError, ExitCode } from '../errors.ts';
import type { LintReport } from '../../lint/index.ts';

/** Options of `faultline lint`. */
export interface LintOptions {
  json?: boolean;
}

/** The linter, loaded on first use: ts-morph (and TypeScript) take a moment to load. */
async function linter(): Promise<typeof import('../../lint/index.ts')> {
  return import('../../lint/index.ts');
}

/** Lints `files`, turning unreadable or unparsable files into bad input. */
async function run(files: readonly string[]): Promise<{ report: LintReport; format: (f: LintReport['findings'][number]) => string }> {
  const lint = await linter();
  try {
    return { report: lint.lintFiles(files), format: lint.formatFinding };
  } catch (error) {
    if (error instanceof lint.LintInputError) throw new BadInputError(error.message);
    throw error;
  }
}

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

/** `faultline lint <spec>...`: static checks of spec files. Exit 1 when there are errors (warnings do not fail). */
export async function lint(files: string[], options: LintOptions): Promise<number> {
  const { report, format } = await run(files);
  const code = report.errors > 0 ? ExitCode.violation : ExitCode.pass;
  if (options.json) {
    const result = report.errors > 0 ? 'errors' : report.warnings > 0 ? 'warnings' : 'clean';
    process.stdout.write(
      JSON.stringify({
        result,
        errors: report.errors,
        warnings: report.warnings,
        seconds: report.seconds,
        files: report.files,
        findings: report.findings,
        protocols: report.protocols,
      }) + '\n',
    );
    return code;
  }
  const lines = report.findings.map(format);
  const summary =
    report.findings.length === 0
      ? `clean: ${plural(report.files.length, 'file')}, no findings`
      : `${plural(report.errors, 'error')}, ${plural(report.warnings, 'warning')} in ${plural(report.files.length, 'file')}`;
  process.stdout.write([...lines, `${summary} (${report.seconds.toFixed(2)} s)`].join('\n') + '\n');
  return code;
}
