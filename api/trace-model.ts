import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTrace, TraceFileError, type Trace } from '../counterexamples/index.ts';
import { decodeEnvironment, isActorModel, type Model } from '../specs/index.ts';
import { BadInputError } from './errors.ts';
import { loadSpec, modelOf, sourceHash } from './load-spec.ts';

/** Reads and validates a trace file; any problem is bad input naming the file. */
export function readTraceFile(file: string): Trace {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new BadInputError(`${file}: cannot read the trace file (give the path to a .json trace)`);
  }
  try {
    return parseTrace(text);
  } catch (error) {
    if (error instanceof TraceFileError) throw new BadInputError(`${file}: ${error.message}`);
    throw new BadInputError(`${file}: not a trace file: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The project the user works in: the nearest folder up from `dir` with a package.json or .git. */
function projectRoot(dir: string): string {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    if (existsSync(path.join(at, 'package.json')) || existsSync(path.join(at, '.git'))) return at;
    if (path.dirname(at) === at) return path.resolve(dir);
  }
}

function inside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** faultline's bundled protocols, which any trace may name. */
const BUNDLED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'protocols');

/** Where a trace's spec is, and whether it is the source the trace was recorded on. */
export interface TraceSpec {
  /** The spec file, absolute. */
  absolute: string;
  /** The file's source differs from the trace's `spec.sha256`. */
  changed: boolean;
}

/**
 * Finds the spec a trace names, without running it: relative to the working directory, then
 * to the trace's folder. A trace is data someone may have sent: its spec must lie inside the
 * current project, the trace's own folder or faultline's bundled protocols, unless the user
 * said otherwise (`allowOutside`: `--allow-spec-outside`).
 */
export function locateTraceSpec(trace: Trace, traceFile: string, allowOutside = false): TraceSpec {
  const named = trace.spec.path;
  const candidates = path.isAbsolute(named) ? [named] : [path.resolve(named), path.resolve(path.dirname(traceFile), named)];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new BadInputError(`${traceFile}: spec.path ${JSON.stringify(named)}: no such file (run from the project the trace was recorded in)`);
  const real = realpathSync(found);
  const roots = [projectRoot(process.cwd()), path.dirname(path.resolve(traceFile)), BUNDLED].map((r) => (existsSync(r) ? realpathSync(r) : r));
  if (!allowOutside && !roots.some((r) => inside(real, r))) {
    throw new BadInputError(
      `${traceFile}: spec.path ${JSON.stringify(named)} is outside this project and the trace's folder; faultline will not run it (pass --allow-spec-outside if you trust this trace)`,
    );
  }
  const changed = trace.spec.sha256 !== undefined && trace.spec.sha256 !== sourceHash(real);
  return { absolute: real, changed };
}

/** The model a trace was recorded on: its spec, params and environment. */
export async function modelOfTrace(trace: Trace, traceFile: string, allowOutside = false): Promise<{ model: Model<unknown, unknown>; changed: boolean }> {
  const located = locateTraceSpec(trace, traceFile, allowOutside);
  const spec = await loadSpec(located.absolute);
  spec.file = trace.spec.path;
  let model = modelOf(spec, trace.params);
  if (trace.environment) {
    if (!isActorModel(model)) throw new BadInputError(`${traceFile}: the trace has an environment but ${trace.spec.path} is not an actor protocol`);
    try {
      model = model.configure({ environment: decodeEnvironment(trace.environment) }) as unknown as Model<unknown, unknown>;
    } catch (error) {
      throw new BadInputError(`${traceFile}: ${(error as Error).message}`);
    }
  }
  return { model, changed: located.changed };
}
