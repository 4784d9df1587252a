import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describeFaults, parseTrace, renderText, replayTrace, TraceFileError, traceOfPath, type Trace } from '../../counterexamples/index.ts';
import { decodeEnvironment, isActorModel, type Model } from '../../specs/index.ts';
import { BadInputError, ExitCode } from '../errors.ts';
import { importSpec, modelOf } from '../load-spec.ts';

/** Options of `faultline replay`. */
export interface ReplayOptions {
  json?: boolean;
}

/** Reads and checks a trace file; any problem is bad input naming the file. */
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
    throw error;
  }
}

/** The model a trace was recorded on: its spec, params and environment. */
export async function modelOfTrace(trace: Trace, file: string): Promise<Model<unknown, unknown>> {
  const spec = await importSpec(trace.spec.path);
  let model = modelOf(spec, trace.params);
  if (trace.environment) {
    if (!isActorModel(model)) throw new BadInputError(`${file}: the trace has an environment but ${trace.spec.path} is not an actor protocol`);
    try {
      model = model.configure({ environment: decodeEnvironment(trace.environment) }) as unknown as Model<unknown, unknown>;
    } catch (error) {
      throw new BadInputError(`${file}: ${(error as Error).message}`);
    }
  }
  return model;
}

/** The SHA-256 of a spec file's source. */
export function specHash(absolutePath: string): string {
  return createHash('sha256').update(readFileSync(absolutePath)).digest('hex');
}

/**
 * `faultline replay <trace.json>`: re-executes a trace against the current spec.
 * Exit 1 when the violation reproduces, 0 when the spec no longer violates it, 2 when a
 * step no longer applies.
 */
export async function replay(file: string, options: ReplayOptions): Promise<number> {
  const trace = readTraceFile(file);
  const model = await modelOfTrace(trace, file);
  const spec = await importSpec(trace.spec.path);
  const changed = trace.spec.sha256 !== undefined && trace.spec.sha256 !== specHash(spec.absolute);
  const outcome = replayTrace(model, trace);
  const property = `${trace.property.kind} ${trace.property.name}`;
  if (outcome.kind === 'diverged') {
    throw new BadInputError(`${file}: ${outcome.reason}${changed ? ' — the spec changed since the trace was recorded' : ''} (re-run faultline check for a new trace)`);
  }
  const replayed = traceOfPath(model, outcome.path, trace.property, {
    specPath: trace.spec.path,
    params: trace.params,
    strategy: trace.strategy,
    ...(trace.environment ? { environment: trace.environment } : {}),
  });
  if (options.json) {
    process.stdout.write(JSON.stringify({ result: outcome.kind, property: trace.property.name, length: replayed.steps.length, specChanged: changed, trace: replayed }) + '\n');
  } else if (outcome.kind === 'fixed') {
    process.stdout.write(`fixed: the trace now runs to the end without violating ${property}\n`);
  } else {
    const steps = replayed.steps.length === 1 ? '1 step' : `${replayed.steps.length} steps`;
    const note = changed ? ' (the spec changed since the trace was recorded)' : '';
    process.stdout.write(`reproduced: ${property} fails after ${steps} (${describeFaults(replayed.faults)})${note}\n\n${renderText(replayed)}\n`);
  }
  return outcome.kind === 'fixed' ? ExitCode.pass : ExitCode.violation;
}
