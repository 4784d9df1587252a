/**
 * `faultline lint`: static analysis of spec files with ts-morph. A model checker is only as
 * sound as the spec is deterministic and pure; these rules catch, before any state is
 * explored, the ways a TypeScript spec silently is not. See rules.ts for the list.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Analysis } from './analysis.ts';
import { loadFiles } from './project.ts';
import { effects } from './rules/effects.ts';
import { hiddenState } from './rules/hidden-state.ts';
import { messages } from './rules/messages.ts';
import { mutation } from './rules/mutation.ts';
import type { LintFinding, LintReport } from './types.ts';

export { RULES, ruleInfo } from './rules.ts';
export type { RuleId, RuleInfo, Severity } from './rules.ts';
export type { LintFinding, LintReport, ProtocolFacts } from './types.ts';

/** A path as the user reads it: relative to the working directory when inside it. */
function displayPath(absolute: string): string {
  const rel = path.relative(process.cwd(), absolute);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : absolute;
}

/** A file that cannot be linted (missing, not a file). */
export class LintInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LintInputError';
  }
}

/** Lints spec files (and the local modules they import) together. */
export function lintFiles(files: readonly string[]): LintReport {
  const started = performance.now();
  const absolutes = files.map((f) => {
    const absolute = path.resolve(f);
    if (!existsSync(absolute)) throw new LintInputError(`${f}: no such file (give the path to a spec, e.g. protocols/two-phase.ts)`);
    if (!statSync(absolute).isFile()) throw new LintInputError(`${f}: not a file (give the path to a spec .ts file)`);
    return absolute;
  });
  const { checker, files: sources, syntaxErrors } = loadFiles(absolutes);
  const broken = syntaxErrors[0];
  if (broken) {
    const { line, character } = broken.file.getLineAndCharacterOfPosition(broken.start);
    throw new LintInputError(`${displayPath(broken.file.fileName)}:${line + 1}:${character + 1}: syntax error: ${broken.message} (fix the file so it compiles)`);
  }
  const analysis = new Analysis(checker, sources, (sf) => displayPath(sf.fileName));
  effects(analysis);
  hiddenState(analysis);
  mutation(analysis);
  const protocols = messages(analysis);
  const findings = analysis.findings.sort(byPosition);
  const errors = findings.filter((f) => f.severity === 'error').length;
  return {
    files: sources.map((sf) => displayPath(sf.fileName)),
    findings,
    errors,
    warnings: findings.length - errors,
    seconds: (performance.now() - started) / 1000,
    protocols,
  };
}

function byPosition(a: LintFinding, b: LintFinding): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : 1);
}

/** `file:line:col: error no-wall-clock: message (fix: …)`: one line per finding. */
export function formatFinding(f: LintFinding): string {
  return `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.rule}: ${f.message} (fix: ${f.fix})`;
}
