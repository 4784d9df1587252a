import { generals as generalsChain } from '../../api/generals.ts';
import { formatParams, parseParams } from '../../api/params.ts';
import { renderGeneralsJson, renderGeneralsMarkdown, renderGeneralsText } from '../../counterexamples/render-generals.ts';
import { environmentOverrides, type EnvironmentOptions } from '../environment-flags.ts';
import { BadInputError, ExitCode } from '../errors.ts';
import { terminalText } from '../terminal-text.ts';

/** Options of `faultline generals`. */
export interface GeneralsCommandOptions extends EnvironmentOptions {
  param: string[];
  maxSteps?: number;
  maxStates?: number;
  timeout?: number;
  json?: boolean;
  md?: boolean;
}

/**
 * `faultline generals <spec>`: the Two Generals argument on a protocol that declares its two
 * generals — the chain of runs from every message arriving to none, each adjacent pair
 * indistinguishable to one general, ending in the run where agreement fails. Exit 1 when it
 * fails, 0 when agreement holds in every reachable state, 3 when a bound stopped it first.
 */
export async function generals(specFile: string, options: GeneralsCommandOptions): Promise<number> {
  if (options.json && options.md) throw new BadInputError('--json and --md: choose one output format');
  const params = parseParams(options.param);
  const { report, model } = await generalsChain(specFile, {
    params,
    environment: environmentOverrides(options),
    ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
    ...(options.maxStates !== undefined ? { maxStates: options.maxStates } : {}),
    ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
  });
  const view = { specFile, params: formatParams(params), model, report };
  if (options.json) process.stdout.write(JSON.stringify(renderGeneralsJson(view, params)) + '\n');
  else process.stdout.write(terminalText(options.md ? renderGeneralsMarkdown(view) : renderGeneralsText(view)) + '\n');
  if (report.verdict.startsWith('violates')) return ExitCode.violation;
  return report.incomplete ? ExitCode.incomplete : ExitCode.pass;
}
