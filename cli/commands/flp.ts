import { exploreValency, NondeterminismError, SpecError, type FlpReport } from '../../checker/index.ts';
import { renderFlpJson, renderFlpMarkdown, renderFlpText } from '../../counterexamples/render-flp.ts';
import { isActorModel, type Model } from '../../specs/index.ts';
import { applyEnvironment } from '../../api/environment.ts';
import { loadSpec, modelOf } from '../../api/load-spec.ts';
import { formatParams, parseParams } from '../../api/params.ts';
import { environmentOverrides, type EnvironmentOptions } from '../environment-flags.ts';
import { BadInputError, ExitCode, SpecFailure } from '../errors.ts';
import { terminalText } from '../terminal-text.ts';

/** Options of `faultline flp`. */
export interface FlpCommandOptions extends EnvironmentOptions {
  param: string[];
  maxStates?: number;
  timeout?: number;
  json?: boolean;
  md?: boolean;
}

type AnyModel = Model<unknown, unknown>;
type Report = FlpReport<unknown, unknown>;

/**
 * `faultline flp <spec>`: walks a consensus protocol through the FLP argument — valency of
 * every reachable state, a bivalent initial configuration, a critical configuration, the
 * crash of the node whose step decides, and a one-line verdict. Exit 0 when the protocol
 * terminates and agrees with one crash, 1 when it violates agreement, validity or
 * termination, 3 when a bound stopped the search first.
 */
export async function flp(specFile: string, options: FlpCommandOptions): Promise<number> {
  if (options.json && options.md) throw new BadInputError('--json and --md: choose one output format');
  const params = parseParams(options.param);
  const spec = await loadSpec(specFile);
  const loaded = applyEnvironment(modelOf(spec, params), environmentOverrides(options), specFile);
  // One crash, crash-stop: FLP's fault model.
  const model = (isActorModel(loaded) ? loaded.configure({ environment: { crashes: 1, recover: false } }) : loaded) as AnyModel;
  const consensus = model.consensus;
  if (!consensus) {
    throw new BadInputError(
      `${specFile}: faultline flp needs a consensus protocol: declare consensus: { decided: (local) => value | undefined, input?: (local) => value | undefined } in protocol({...})`,
    );
  }
  let report: Report;
  try {
    report = exploreValency(model, consensus, {
      ...(options.maxStates !== undefined ? { maxStates: options.maxStates } : {}),
      ...(options.timeout !== undefined ? { timeoutSeconds: options.timeout } : {}),
    });
  } catch (error) {
    if (error instanceof SpecError || error instanceof NondeterminismError) throw new SpecFailure(specFile, error);
    throw error;
  }
  const view = { specFile, params: formatParams(params), model, consensus, report };
  if (options.json) process.stdout.write(JSON.stringify(renderFlpJson(view, params)) + '\n');
  else process.stdout.write(terminalText(options.md ? renderFlpMarkdown(view) : renderFlpText(view)) + '\n');
  if (report.verdict.startsWith('violates')) return ExitCode.violation;
  return report.incomplete ? ExitCode.incomplete : ExitCode.pass;
}
