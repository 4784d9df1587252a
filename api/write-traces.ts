import { existsSync, lstatSync, mkdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderMarkdown, serializeTrace } from '../counterexamples/index.ts';
import type { Params } from '../specs/index.ts';
import type { CheckReport } from './check.ts';
import { BadInputError } from './errors.ts';

/**
 * Checks, before any search, that traces can be written into `dir`: it is a directory (or
 * can be made one) and is not an input. A problem found after the search would cost the
 * search's time, and could hide its verdict.
 */
export function validateOutDir(dir: string, inputs: readonly string[] = []): void {
  if (existsSync(dir) || isDanglingLink(dir)) {
    let stat;
    try {
      stat = statSync(dir);
    } catch {
      throw new BadInputError(`--out ${dir}: a link to nothing (give a directory to write traces into)`);
    }
    if (!stat.isDirectory()) throw new BadInputError(`--out ${dir}: not a directory (give a directory to write traces into)`);
    const real = realpathSync(dir);
    for (const input of inputs) if (existsSync(input) && realpathSync(input) === real) throw new BadInputError(`--out ${dir}: that is an input of this run`);
    return;
  }
  const parent = path.dirname(path.resolve(dir));
  if (existsSync(parent) && !statSync(parent).isDirectory()) throw new BadInputError(`--out ${dir}: ${parent} is not a directory`);
}

function isDanglingLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** `base-key=value-…` for params that are set, so runs with different params do not overwrite each other's files. */
function paramsSuffix(params: Params): string {
  const entries = Object.entries(params);
  return entries.length === 0 ? '' : `-${entries.map(([k, v]) => `${k}=${v}`).join('-')}`;
}

/**
 * Writes `<spec>[-<params>]-<property>.json` (the trace) and `.md` (its report, with the
 * coverage of the search when given) for each violation into `dir`, and
 * `<spec>[-<params>]-<goal>-witness.json` / `.md` for each reachability goal reached; returns the paths written.
 * Never writes over one of `inputs`.
 */
export function writeTraces(dir: string, report: CheckReport, options: { coverage?: string; inputs?: readonly string[] } = {}): string[] {
  mkdirSync(dir, { recursive: true });
  const inputs = new Set((options.inputs ?? []).filter((f) => existsSync(f)).map((f) => realpathSync(f)));
  const specPath = report.spec.path ?? report.spec.name;
  const base = path.basename(specPath).replace(/\.[cm]?[jt]s$/, '') + paramsSuffix(report.spec.params);
  const written: string[] = [];
  // Witnesses of reachability goals (`<spec>-<goal>-witness.json`), then counterexamples; a goal never reached has no run to show.
  const traced = [
    ...(report.reached ?? []).map((r) => ({ name: `${r.goal}-witness`, trace: r.trace })),
    ...report.violations.flatMap((v) => (v.message === undefined ? [{ name: v.property, trace: v.trace }] : [])),
  ];
  for (const v of traced) {
    const name = `${base}-${v.name}`.replace(/[^\w.=-]+/g, '-').slice(0, 200);
    const section = options.coverage ? `\n\n## Coverage of the search\n\n\`\`\`\n${options.coverage}\n\`\`\`\n` : '';
    for (const [file, text] of [
      [path.join(dir, `${name}.json`), serializeTrace(v.trace)],
      [path.join(dir, `${name}.md`), renderMarkdown(v.trace) + section],
    ] as const) {
      if (existsSync(file) && inputs.has(realpathSync(file))) throw new BadInputError(`--out ${dir}: ${file} is an input of this run; not overwritten`);
      writeFileSync(file, text);
      written.push(file);
    }
  }
  return written;
}
