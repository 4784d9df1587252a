import { describeFaults, renderText, replayTrace, traceOfPath } from '../../counterexamples/index.ts';
import { modelOfTrace, readTraceFile } from '../../api/trace-model.ts';
import { BadInputError, ExitCode } from '../errors.ts';
import { terminalText } from '../terminal-text.ts';

/** Options of `faultline replay`. */
export interface ReplayOptions {
  json?: boolean;
  /** Run a trace whose spec lies outside this project and the trace's folder. */
  allowSpecOutside?: boolean;
}

/**
 * `faultline replay <trace.json>`: re-executes a trace against the current spec.
 * Exit 1 when the violation reproduces, 0 when the spec no longer violates it, 2 when a
 * step no longer applies. A reachability witness: 0 when it still reaches its goal, 1 when not.
 */
export async function replay(file: string, options: ReplayOptions): Promise<number> {
  const trace = readTraceFile(file);
  const { model, changed } = await modelOfTrace(trace, file, options.allowSpecOutside === true);
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
  if (trace.loop && outcome.kind === 'reproduced') replayed.loop = { start: trace.loop.start };
  if (options.json) {
    process.stdout.write(JSON.stringify({ result: outcome.kind, property: trace.property.name, length: replayed.steps.length, specChanged: changed, trace: replayed }) + '\n');
  } else if (trace.property.kind === 'reachable') {
    const steps = replayed.steps.length === 1 ? '1 step' : `${replayed.steps.length} steps`;
    process.stdout.write(
      terminalText(outcome.kind === 'reproduced' ? `reproduced: the witness reaches ${property} in ${steps}` : `not reproduced: the trace runs to the end without reaching ${property}`) + '\n',
    );
  } else if (outcome.kind === 'fixed') {
    process.stdout.write(terminalText(`fixed: the trace now runs to the end without violating ${property}`) + '\n');
  } else {
    const steps = replayed.steps.length === 1 ? '1 step' : `${replayed.steps.length} steps`;
    const note = changed ? ' (the spec changed since the trace was recorded)' : '';
    process.stdout.write(terminalText(`reproduced: ${property} fails after ${steps} (${describeFaults(replayed.faults)})${note}\n\n${renderText(replayed)}`) + '\n');
  }
  // A witness that still reaches its goal is good news; one that no longer does is the failure.
  if (trace.property.kind === 'reachable') return outcome.kind === 'reproduced' ? ExitCode.pass : ExitCode.violation;
  return outcome.kind === 'fixed' ? ExitCode.pass : ExitCode.violation;
}
