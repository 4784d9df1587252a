import type { LintReport } from '../lint/index.ts';
import { BadInputError } from './errors.ts';

/**
 * The lint a check of a spec file runs first: refuses the spec (bad input) when the linter
 * finds errors, naming each; otherwise returns what the linter learnt (message types, for
 * coverage). A bug in the linter does not block checking: it is reported on stderr.
 */
export async function lintBeforeCheck(specFile: string, absolute: string): Promise<LintReport | undefined> {
  const { lintFiles, LintInputError, formatFinding } = await import('../lint/index.ts');
  let report: LintReport;
  try {
    report = lintFiles([absolute]);
  } catch (error) {
    if (error instanceof LintInputError) throw new BadInputError(error.message);
    process.stderr.write(`faultline: lint failed on ${specFile} (${error instanceof Error ? error.message : String(error)}); checking without it — please report this\n`);
    return undefined;
  }
  const errors = report.findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    throw new BadInputError(
      [...errors.map(formatFinding), `(check refuses a spec with lint errors: fix ${errors.length === 1 ? 'it' : 'them'}, or run check with --no-lint / lint: false)`].join('\n'),
    );
  }
  return report;
}
