import path from 'node:path';
import { startExplorer, traceStart, type ExplorerOptions } from '../../explorer/index.ts';
import { applyEnvironment } from '../../api/environment.ts';
import { loadSpec, modelOf, resolveSpecFile } from '../../api/load-spec.ts';
import { parseParams } from '../../api/params.ts';
import { environmentOverrides, type EnvironmentOptions } from '../environment-flags.ts';
import { BadInputError, ExitCode } from '../errors.ts';
import { terminalText } from '../terminal-text.ts';

/** Options of `faultline explore`. */
export interface ExploreCommandOptions extends EnvironmentOptions {
  param: string[];
  /** A trace file to open at its last step (its spec, params and environment are used). */
  trace?: string;
  /** The port to listen on (0: any free one). */
  port: number;
  /** Run a trace's spec even when it lies outside this project and the trace's folder. */
  allowSpecOutside?: boolean;
}

/** The port `faultline explore` listens on unless told otherwise. */
export const DEFAULT_EXPLORE_PORT = 7431;

/**
 * `faultline explore <spec>`: starts the explorer's server on 127.0.0.1, prints its URL and
 * serves until Ctrl-C (exit 130: explore gives no verdict).
 */
export async function explore(specFile: string | undefined, options: ExploreCommandOptions): Promise<number> {
  const environment = environmentOverrides(options);
  let setup: Pick<ExplorerOptions, 'recipe' | 'specLabel' | 'start' | 'trace'>;
  if (options.trace !== undefined) {
    if (options.param.length > 0 || Object.keys(environment).length > 0) {
      throw new BadInputError(`${options.trace}: --trace takes the params and environment the trace was recorded with (drop --param and the environment flags)`);
    }
    setup = traceStart(options.trace, options.allowSpecOutside === true);
    if (specFile !== undefined && resolveSpecFile(specFile) !== setup.recipe.specFile) {
      throw new BadInputError(`${options.trace}: the trace was recorded on ${setup.specLabel}, not ${specFile} (drop the spec argument, or give the trace's spec)`);
    }
  } else {
    if (specFile === undefined) throw new BadInputError('explore: give the spec to explore (e.g. faultline explore protocols/two-phase.ts) or a trace file (--trace FILE.json)');
    const params = parseParams(options.param);
    // Load once here, so that bad input names the file as the user gave it.
    const spec = await loadSpec(specFile);
    applyEnvironment(modelOf(spec, params), environment, specFile);
    setup = { recipe: { specFile: path.resolve(spec.absolute), params, environment }, specLabel: specFile };
  }
  const server = await startExplorer({ ...setup, port: options.port });
  // Listen for Ctrl-C before printing the URL: whoever reads it may stop the server at once.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stdout.write(terminalText(`faultline explore: ${server.name}\n  open ${server.url}\n  Ctrl-C stops the server`) + '\n');
  await stopped;
  await server.close();
  return ExitCode.interrupted;
}
