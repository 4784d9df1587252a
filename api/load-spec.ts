/**
 * Loading a spec file from anywhere: a team's own project (CommonJS or ES module package,
 * .ts, .mts, .cts or .js), with its relative imports and `import … from 'faultline'`.
 *
 * The file is bundled by esbuild into one ES module in a private temporary folder and
 * imported from there. That makes the enclosing package's `"type"` irrelevant, needs no
 * TypeScript loader at run time, and reports a syntax error as `file:line:col`. faultline
 * itself is never bundled: `faultline`, `faultline/checker`, `faultline/counterexamples` and
 * every import that resolves into faultline's own sources load the running copy, so a spec
 * and the checker share one module instance.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isActorModel, isModel, type Model, type Params, type SpecAbout } from '../specs/index.ts';
import { BadInputError } from './errors.ts';

/** A spec module as loaded: its default export and its other exports. */
export interface SpecModule {
  /** The file as the user named it. */
  file: string;
  /** Its absolute path. */
  absolute: string;
  exports: Record<string, unknown>;
}


const HERE = path.dirname(fileURLToPath(import.meta.url));
/** `.ts` when running from source (tests, the repository's bin), `.js` in the built package. */
const EXT = path.extname(fileURLToPath(import.meta.url));
/** faultline's own code: imports resolving here are never bundled. */
const OWN_ROOT = path.resolve(HERE, '..');
const OWN_DIRS = ['api', 'specs', 'checker', 'counterexamples', 'lint', 'cli'].map((d) => path.join(OWN_ROOT, d) + path.sep);
const ENTRIES: Record<string, string> = {
  faultline: path.join(OWN_ROOT, 'api', `index${EXT}`),
  'faultline/checker': path.join(OWN_ROOT, 'checker', `index${EXT}`),
  'faultline/counterexamples': path.join(OWN_ROOT, 'counterexamples', `index${EXT}`),
};
const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

let bundleDir: string | undefined;

/** A private folder for bundles, removed when the process exits. */
function bundles(): string {
  if (!bundleDir) {
    bundleDir = mkdtempSync(path.join(tmpdir(), 'faultline-spec-'));
    const dir = bundleDir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return bundleDir;
}

/** The informative line of an error. */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.find((l) => /\bERROR: /.test(l)) ?? lines[0] ?? text;
}

function isOwn(file: string): boolean {
  return OWN_DIRS.some((d) => file.startsWith(d));
}

/**
 * Bundles `absolute` into one ES module and returns its path. Exported for the worker
 * threads of a parallel search, which bundle and import the same file for themselves.
 */
export async function bundleSpec(file: string, absolute: string): Promise<string> {
  const esbuild = await import('esbuild');
  const outfile = path.join(bundles(), `${path.basename(absolute).replace(/\W+/g, '-')}-${process.pid}-${Math.random().toString(36).slice(2)}.mjs`);
  try {
    await esbuild.build({
      entryPoints: [absolute],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'inline',
      sourcesContent: false,
      logLevel: 'silent',
      write: true,
      // CommonJS dependencies bundled into an ES module still call require() for built-ins.
      banner: { js: "import { createRequire as __faultlineRequire } from 'node:module'; const require = __faultlineRequire(import.meta.url);" },
      plugins: [
        {
          name: 'faultline',
          setup(build) {
            build.onResolve({ filter: /^faultline(\/.*)?$/ }, (args) => {
              const entry = ENTRIES[args.path];
              if (!entry) return { errors: [{ text: `"${args.path}" is not an entry point of faultline (use faultline, faultline/checker or faultline/counterexamples)` }] };
              return { path: pathToFileURL(entry).href, external: true };
            });
            build.onResolve({ filter: /.*/ }, (args) => {
              if (BUILTINS.has(args.path)) return { path: args.path, external: true };
              if (!args.path.startsWith('.') && !path.isAbsolute(args.path)) return undefined;
              const resolved = path.resolve(args.resolveDir, args.path);
              // faultline's own sources (bundled protocols import them relatively) stay the running copy.
              if (isOwn(resolved)) return { path: pathToFileURL(resolved).href, external: true };
              return undefined;
            });
            // A user's module reading its own location sees where it really is, not the bundle.
            build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, (args) => {
              if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
              let text = readFileSync(args.path, 'utf8');
              const url = JSON.stringify(pathToFileURL(args.path).href);
              text = text
                .replace(/\bimport\.meta\.url\b/g, url)
                .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(args.path))
                .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(path.dirname(args.path)));
              if (/\b__(dirname|filename)\b/.test(text)) {
                text = `var __filename = ${JSON.stringify(args.path)}, __dirname = ${JSON.stringify(path.dirname(args.path))};\n${text}`;
              }
              const ext = path.extname(args.path);
              const loader = /^\.[cm]?tsx$/.test(ext) ? 'tsx' : /^\.[cm]?ts$/.test(ext) ? 'ts' : ext === '.jsx' ? 'jsx' : 'js';
              return { contents: text, loader };
            });
          },
        },
      ],
    });
  } catch (error) {
    const first = (error as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors?.[0];
    if (!first) throw new BadInputError(`${file}: cannot bundle the spec: ${firstLine(error)} (fix the file so it compiles)`);
    const where = first.location ? `${first.location.file === path.relative(process.cwd(), absolute) ? file : first.location.file}:${first.location.line}:${first.location.column}` : file;
    throw new BadInputError(`${where}: syntax error: ${first.text} (fix the file so it compiles)`);
  }
  return outfile;
}

/** Resolves a spec argument: a file, or the name of a bundled protocol (`two-phase`). */
export function resolveSpecFile(file: string): string {
  const absolute = path.resolve(file);
  if (existsSync(absolute)) return absolute;
  if (/^[\w-]+$/.test(file)) {
    const bundled = path.join(OWN_ROOT, 'protocols', `${file}${EXT}`);
    if (existsSync(bundled)) return bundled;
  }
  return absolute;
}

/** Imports a spec file (TypeScript or JavaScript, from any folder, no build step). */
export async function loadSpec(file: string): Promise<SpecModule> {
  const absolute = resolveSpecFile(file);
  if (!existsSync(absolute)) throw new BadInputError(`${file}: no such file (give the path to a spec, e.g. protocols/two-phase.ts, or a bundled protocol's name, e.g. two-phase)`);
  if (!statSync(absolute).isFile()) throw new BadInputError(`${file}: not a file (give the path to a spec .ts file)`);
  // faultline's own protocols are imported as they are: they are part of the running copy.
  const url = isOwn(absolute) || absolute.startsWith(path.join(OWN_ROOT, 'protocols') + path.sep) ? pathToFileURL(absolute).href : pathToFileURL(await bundleSpec(file, absolute)).href;
  try {
    const exports = (await import(url)) as Record<string, unknown>;
    return { file, absolute, exports };
  } catch (error) {
    if (error instanceof SpecExit) throw error;
    throw new BadInputError(`${file}: cannot load the spec: ${firstLine(error)} (fix the file so it compiles and runs)`);
  }
}

/** Thrown in place of `process.exit()` called by spec code: a spec must not end the check. */
export class SpecExit extends BadInputError {
  constructor(readonly code: number | string | null | undefined) {
    super(`the spec called process.exit(${code ?? ''}) (a spec must not end the process: remove the call; faultline decides the exit code)`);
    this.name = 'SpecExit';
  }
}

/** What the spec declares about its parameters, if anything. */
export function aboutOf(spec: SpecModule): SpecAbout | undefined {
  const about = spec.exports.about;
  return about !== null && typeof about === 'object' ? (about as SpecAbout) : undefined;
}

/** Refuses params the spec does not declare (a typo would silently check the defaults). */
function checkParams(spec: SpecModule, params: Params, factory: boolean): void {
  const keys = Object.keys(params);
  if (keys.length === 0) return;
  if (!factory) {
    throw new BadInputError(`${spec.file}: --param ${keys[0]}: this spec takes no parameters (its default export is a Model, not a factory (params) => Model)`);
  }
  const about = aboutOf(spec);
  if (!about?.params && !about?.variants) return;
  const known = [...Object.keys(about.params ?? {}), ...(about.variants && Object.keys(about.variants).length > 0 ? ['variant'] : [])];
  for (const key of keys) {
    if (!known.includes(key)) {
      throw new BadInputError(`${spec.file}: --param ${key}: unknown parameter (this spec declares: ${known.join(', ') || 'none'})`);
    }
  }
  if (params.variant !== undefined && about.variants) {
    const variants = ['correct', ...Object.keys(about.variants)];
    if (!variants.includes(String(params.variant))) {
      throw new BadInputError(`${spec.file}: --param variant=${params.variant}: unknown variant (use one of: ${variants.join(', ')})`);
    }
  }
}

/** The model a spec module describes, built from `params` when its default export is a factory. */
export function modelOf(spec: SpecModule, params: Params): Model<unknown, unknown> {
  const exported = spec.exports.default;
  const fix = 'export default a Model (defineModel({...})), a protocol({...}) or a factory (params) => Model';
  if (exported === undefined) throw new BadInputError(`${spec.file}: has no default export (${fix})`);
  if (isActorModel(exported)) {
    checkParams(spec, params, true);
    return exported.configure({ params }) as unknown as Model<unknown, unknown>;
  }
  if (isModel(exported)) {
    checkParams(spec, params, false);
    return exported;
  }
  if (typeof exported === 'function') {
    checkParams(spec, params, true);
    let built: unknown;
    try {
      built = (exported as (p: Params) => unknown)(params);
    } catch (error) {
      if (error instanceof SpecExit) throw error;
      throw new BadInputError(`${spec.file}: the spec factory threw: ${firstLine(error)} (check the --param values)`);
    }
    if (isModel(built)) return built;
    throw new BadInputError(`${spec.file}: the default export's factory did not return a Model (${fix})`);
  }
  throw new BadInputError(`${spec.file}: the default export is not a Model (${fix})`);
}

/** The SHA-256 of a spec file's source: what a trace records, and replay compares. */
export function sourceHash(absolute: string): string {
  return createHash('sha256').update(readFileSync(absolute)).digest('hex');
}
