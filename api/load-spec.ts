import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isActorModel, isModel, type Model, type Params } from '../specs/index.ts';
import { BadInputError } from './errors.ts';

/** A spec module as loaded: its default export and its other exports. */
export interface SpecModule {
  /** The file as the user named it. */
  file: string;
  /** Its absolute path. */
  absolute: string;
  exports: Record<string, unknown>;
}

/** The informative line of an error: esbuild's `file:line:col: ERROR: …` when there is one. */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.find((l) => /\bERROR: /.test(l)) ?? lines[0] ?? text;
}

/**
 * Parses the file before importing it: a syntax error then reads `file:line:col: what`
 * whatever kind of package the file sits in (the loader's own error can hide it).
 */
async function syntaxCheck(file: string, absolute: string): Promise<void> {
  // Loaded here, not at the top: worker threads use modelOf alone and need not load esbuild.
  const { transformSync } = await import('esbuild');
  const loader = /\.[cm]?tsx?$/.test(absolute) ? 'ts' : 'js';
  try {
    transformSync(readFileSync(absolute, 'utf8'), { loader, sourcefile: file, format: 'esm', logLevel: 'silent' });
  } catch (error) {
    const first = (error as { errors?: { text: string; location?: { line: number; column: number } | null }[] }).errors?.[0];
    if (!first) return; // not a syntax problem: let the import report it
    const where = first.location ? `:${first.location.line}:${first.location.column}` : '';
    throw new BadInputError(`${file}${where}: syntax error: ${first.text} (fix the file so it compiles)`);
  }
}

/** Imports a spec file (TypeScript or JavaScript, no build step). */
export async function importSpec(file: string): Promise<SpecModule> {
  const absolute = path.resolve(file);
  if (!existsSync(absolute)) throw new BadInputError(`${file}: no such file (give the path to a spec, e.g. protocols/two-phase.ts)`);
  if (!statSync(absolute).isFile()) throw new BadInputError(`${file}: not a file (give the path to a spec .ts file)`);
  await syntaxCheck(file, absolute);
  try {
    const exports = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
    return { file, absolute, exports };
  } catch (error) {
    throw new BadInputError(`${file}: cannot load the spec: ${firstLine(error)} (fix the file so it compiles and runs)`);
  }
}

/** The model a spec module describes, built from `params` when its default export is a factory. */
export function modelOf(spec: SpecModule, params: Params): Model<unknown, unknown> {
  const exported = spec.exports.default;
  const fix = 'export default a Model (defineModel({...})) or a factory (params) => Model';
  if (exported === undefined) throw new BadInputError(`${spec.file}: has no default export (${fix})`);
  if (isActorModel(exported)) return exported.configure({ params }) as unknown as Model<unknown, unknown>;
  if (isModel(exported)) return exported;
  if (typeof exported === 'function') {
    let built: unknown;
    try {
      built = (exported as (p: Params) => unknown)(params);
    } catch (error) {
      throw new BadInputError(`${spec.file}: the spec factory threw: ${firstLine(error)} (check the --param values)`);
    }
    if (isModel(built)) return built;
    throw new BadInputError(`${spec.file}: the default export's factory did not return a Model (${fix})`);
  }
  throw new BadInputError(`${spec.file}: the default export is not a Model (${fix})`);
}
