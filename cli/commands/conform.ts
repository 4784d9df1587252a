import { existsSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { formatParams, parseParams } from '../../api/params.ts';
import { conform as conformLog, historyOfLog, loadProtocol, parseLog, type ConformReport } from '../../runtime/index.ts';
import type { Params } from '../../specs/index.ts';
import { BadInputError, ExitCode } from '../errors.ts';
import { terminalText } from '../terminal-text.ts';

/** Options of `faultline conform`. */
export interface ConformCommandOptions {
  param?: string[];
  partial?: boolean;
  maxHidden?: number;
  /** Times the merge may go back to try another order of ready events. */
  maxBacktracks?: number;
  json?: boolean;
  /** Also write the log's client operations here, as a `jsonl` history for `faultline history`. */
  history?: string;
}

/** Logs larger than this are refused (a log is read whole). */
const MAX_LOG_BYTES = 256 * 2 ** 20;

function readLog(file: string): string {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new BadInputError(`${file}: not a file (give the JSON-lines log faultline run --log wrote)`);
    size = stat.size;
  } catch (error) {
    if (error instanceof BadInputError) throw error;
    throw new BadInputError(`${file}: no such file (give the JSON-lines log faultline run --log wrote)`);
  }
  if (size > MAX_LOG_BYTES) throw new BadInputError(`${file}: ${Math.round(size / 2 ** 20)} MB is more than the 256 MB conform reads (validate a shorter run)`);
  return readFileSync(file, 'utf8');
}

function rate(report: ConformReport): string {
  return report.seconds > 0 ? `${Math.round(report.matched / report.seconds).toLocaleString('en-US')} events/s` : '';
}

/**
 * `faultline conform <spec> <log.jsonl>`: validates a run log against the spec's model.
 * Exit 0 when it conforms, 1 when it does not (the longest matched prefix and why the first
 * unmatched event fails), 2 on bad input.
 */
export async function conform(spec: string, file: string, options: ConformCommandOptions): Promise<number> {
  const log = parseLog(readLog(file), file);
  if (log.events.length === 0) throw new BadInputError(`${file}: no events (a log of faultline run has one JSON object per line after its header)`);
  // The run's own params, unless given: a log records them as data (they only pick a configuration).
  const params: Params = options.param && options.param.length > 0 ? parseParams(options.param) : ((log.header?.params ?? {}) as Params);
  const model = await loadProtocol(spec, { params });
  if (log.header && log.header.protocol !== model.name) {
    process.stderr.write(terminalText(`faultline: note: the log is of ${log.header.protocol}, the spec is ${model.name} (pass the run's --param values if that is not intended)`) + '\n');
  }
  if (options.history !== undefined) {
    if (existsSync(options.history) && realpathSync(options.history) === realpathSync(file)) {
      throw new BadInputError(`--history ${options.history}: that is the log itself (name another file)`);
    }
    const history = historyOfLog(log);
    writeFileSync(options.history, history.text);
    const skipped = history.skipped > 0 ? `, ${history.skipped} skipped (inputs not shaped { f, value?, key? })` : '';
    process.stderr.write(terminalText(`faultline: wrote ${history.operations} client operations to ${options.history}${skipped}: check them with faultline history ${options.history} --model …`) + '\n');
  }
  const report = conformLog(model, log, { partial: options.partial === true, ...(options.maxHidden !== undefined ? { maxHidden: options.maxHidden } : {}), ...(options.maxBacktracks !== undefined ? { maxBacktracks: options.maxBacktracks } : {}) });
  if (options.json) {
    process.stdout.write(JSON.stringify({ ...report, params }) + '\n');
    return report.result === 'conforms' ? ExitCode.pass : ExitCode.violation;
  }
  const where = Object.keys(params).length === 0 ? report.protocol : `${report.protocol} with ${formatParams(params)}`;
  const out: string[] = [];
  if (report.result === 'conforms') {
    out.push(`conforms: all ${report.events} events of ${file} are steps of ${where}`);
    out.push(`  ${report.steps} model steps${report.searched > 0 ? ` (gaps in the log explained by search at ${report.searched} place${report.searched === 1 ? '' : 's'})` : ''}, ${report.worlds} model state${report.worlds === 1 ? '' : 's'} consistent with the log at the end, ${report.seconds.toFixed(2)} s (${rate(report)})`);
    if (report.unchecked > 0) out.push(`  ${report.unchecked} effect line${report.unchecked === 1 ? '' : 's'} whose handler event is missing could not be checked`);
  } else {
    const f = report.failure!;
    out.push(`does not conform: ${f.where}: ${f.event}`);
    out.push(`  ${f.reason}`);
    out.push(`longest matched prefix: ${report.matched} of ${report.events} events (${report.steps} model steps)${report.prefix.length > 8 ? ', the last 8:' : ':'}`);
    for (const step of report.prefix.slice(-8)) out.push(`  ${step}`);
  }
  process.stdout.write(terminalText(out.join('\n')) + '\n');
  return report.result === 'conforms' ? ExitCode.pass : ExitCode.violation;
}
