/**
 * The ts-morph project the linter analyses specs in: one per process, reused. It holds only
 * the spec files and the local modules they import (relative imports outside faultline's
 * own sources). No lib files, no node_modules, no dependency resolution: a global the
 * spec does not declare resolves to nothing, which is exactly how the rules recognise
 * `Date`, `Math` or `setTimeout` as the global ones.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Project, ts } from 'ts-morph';

/** faultline's own source tree: never analysed, never loaded. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OWN = ['api', 'specs', 'checker', 'counterexamples', 'cli', 'lint', 'node_modules'].map((d) => path.join(ROOT, d) + path.sep);

let shared: Project | undefined;

function project(): Project {
  shared ??= new Project({
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    skipLoadingLibFiles: true,
    compilerOptions: {
      noLib: true,
      noResolve: true,
      types: [],
      allowJs: true,
      allowImportingTsExtensions: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
    },
  });
  return shared;
}

/** True for files the linter never analyses: faultline's own sources and packages. */
export function isOwnSource(absolute: string): boolean {
  return OWN.some((dir) => absolute.startsWith(dir)) || absolute.includes(`${path.sep}node_modules${path.sep}`);
}

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.jsx'];

/** The file a relative import names, trying TypeScript's substitutions (`./x.js` → `./x.ts`, `./x` → `./x.ts`, `./x/index.ts`). */
function resolveImport(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [base];
  const ext = path.extname(base);
  if (['.js', '.mjs', '.cjs', '.jsx'].includes(ext)) {
    const stem = base.slice(0, -ext.length);
    candidates.push(...{ '.js': ['.ts', '.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'], '.jsx': ['.tsx'] }[ext]!.map((e) => stem + e));
  }
  candidates.push(...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => path.join(base, `index${e}`)));
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

function relativeImports(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  for (const st of sf.statements) {
    if ((ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
      const spec = st.moduleSpecifier.text;
      if (spec.startsWith('./') || spec.startsWith('../')) out.push(spec);
    }
  }
  return out;
}

/**
 * Loads the spec files and, transitively, the local modules they import, fresh from disk,
 * and drops every other file from the project. Returns the type checker and the files.
 */
export function loadFiles(absolutes: readonly string[]): {
  checker: ts.TypeChecker;
  files: ts.SourceFile[];
  syntaxErrors: { file: ts.SourceFile; start: number; message: string }[];
} {
  const p = project();
  const wanted = new Map<string, import('ts-morph').SourceFile>();
  const queue = [...absolutes];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (wanted.has(file)) continue;
    let sf = p.getSourceFile(file);
    if (sf) sf.refreshFromFileSystemSync();
    else sf = p.addSourceFileAtPath(file);
    wanted.set(file, sf);
    for (const spec of relativeImports(sf.compilerNode)) {
      const target = resolveImport(file, spec);
      if (target && !isOwnSource(target) && !wanted.has(target)) queue.push(target);
    }
  }
  for (const sf of p.getSourceFiles()) if (!wanted.has(sf.getFilePath())) p.removeSourceFile(sf);
  const program = p.getProgram().compilerObject;
  const files = [...wanted.values()].map((sf) => sf.compilerNode);
  const syntaxErrors = files.flatMap((file) =>
    program.getSyntacticDiagnostics(file).map((d) => ({ file, start: d.start ?? 0, message: ts.flattenDiagnosticMessageText(d.messageText, ' ') })),
  );
  return { checker: program.getTypeChecker(), files, syntaxErrors };
}
