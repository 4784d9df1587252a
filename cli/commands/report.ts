import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import {
  describeFaults,
  renderDot,
  renderHtml,
  renderMarkdown,
  renderMermaid,
  renderStateGraphDot,
  renderText,
  StateGraphTooLarge,
  type Trace,
} from '../../counterexamples/index.ts';
import { describeEnvironment, decodeEnvironment, DEFAULT_ENVIRONMENT } from '../../specs/index.ts';
import { BadInputError, ExitCode } from '../errors.ts';
import { formatParams } from '../../api/params.ts';
import { modelOfTrace, readTraceFile } from '../../api/trace-model.ts';
import { terminalText } from '../terminal-text.ts';

/** Options of `faultline report`. */
export interface ReportOptions {
  format: string;
  output?: string;
  stateGraph?: boolean;
  maxStates?: number;
  /** Run a trace whose spec lies outside this project and the trace's folder (--state-graph). */
  allowSpecOutside?: boolean;
}

const FORMATS = ['text', 'md', 'mermaid', 'html', 'dot'] as const;
type Format = (typeof FORMATS)[number];

/** The text report: what failed, where it was found, then the steps with their state diffs. */
function textReport(trace: Trace): string {
  const steps = trace.steps.length === 1 ? '1 step' : `${trace.steps.length} steps`;
  let network: string | undefined;
  if (trace.environment) {
    try {
      network = describeEnvironment({ ...DEFAULT_ENVIRONMENT, ...decodeEnvironment(trace.environment) });
    } catch {
      network = undefined;
    }
  }
  return [
    `violation: ${trace.property.kind} ${trace.property.name} fails after ${steps} (${describeFaults(trace.faults)})`,
    `  spec      ${trace.spec.name} (${trace.spec.path})`,
    `  params    ${formatParams(trace.params)}`,
    `  strategy  ${trace.strategy}`,
    ...(network === undefined ? [] : [`  network   ${network}`]),
    '',
    renderText(trace),
  ].join('\n');
}

/** The reachable state graph of the trace's (small) model, the trace's path highlighted. */
async function stateGraph(trace: Trace, file: string, maxStates: number | undefined, allowOutside: boolean): Promise<string> {
  const { model } = await modelOfTrace(trace, file, allowOutside);
  try {
    return renderStateGraphDot(model, { highlight: trace, ...(maxStates === undefined ? {} : { maxStates }) });
  } catch (error) {
    if (error instanceof StateGraphTooLarge) {
      throw new BadInputError(
        `${trace.spec.path}: ${error.message} (--state-graph is for small models: raise --max-states, or drop --state-graph to draw the trace's path)`,
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new BadInputError(`${trace.spec.path}: the spec threw while its state graph was built: ${message} (fix the spec; faultline check shows where)`);
  }
}

/**
 * `faultline report <trace.json> --format text|md|mermaid|html|dot [-o FILE]`: renders a
 * trace file (a bare trace, or `check --json` output) for a review. Stdout by default.
 */
export async function report(file: string, options: ReportOptions): Promise<number> {
  if (!(FORMATS as readonly string[]).includes(options.format)) {
    throw new BadInputError(`--format ${options.format}: unknown format (use one of: ${FORMATS.join(', ')})`);
  }
  const format = options.format as Format;
  if ((options.stateGraph || options.maxStates !== undefined) && format !== 'dot') {
    throw new BadInputError(`${options.stateGraph ? '--state-graph' : '--max-states'}: only the dot format draws a state graph (add --format dot)`);
  }
  // The report never replaces its input (`report t.json -o t.json` would destroy the trace).
  if (options.output !== undefined && existsSync(options.output) && realpathSync(options.output) === realpathSync(file)) {
    throw new BadInputError(`-o ${options.output}: that is the trace being reported; not overwritten (give another file name)`);
  }
  const trace = readTraceFile(file);
  let text: string;
  switch (format) {
    case 'text':
      text = terminalText(textReport(trace));
      break;
    case 'md':
      text = renderMarkdown(trace);
      break;
    case 'mermaid':
      text = renderMermaid(trace);
      break;
    case 'html':
      text = renderHtml(trace);
      break;
    case 'dot':
      text = options.stateGraph ? await stateGraph(trace, file, options.maxStates, options.allowSpecOutside === true) : renderDot(trace);
      break;
  }
  if (options.output === undefined) {
    process.stdout.write(text + '\n');
  } else {
    try {
      writeFileSync(options.output, text + '\n');
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new BadInputError(`${options.output}: cannot write the report: ${why} (give a path in an existing, writable directory)`);
    }
  }
  return ExitCode.pass;
}
