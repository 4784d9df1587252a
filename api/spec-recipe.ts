import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ModelRecipe } from '../checker/index.ts';
import type { Model, Params } from '../specs/index.ts';
import { applyEnvironment, type EnvironmentOptions } from './environment-flags.ts';
import { modelOf, type SpecModule } from './load-spec.ts';

/**
 * The model `faultline check` explores (before coverage instrumentation): the spec's model or
 * factory result for `params`, with the environment flags in `options` applied. `check` and its
 * worker threads both build it here, so that they cannot drift apart.
 */
export function checkModel(spec: SpecModule, params: Params, options: EnvironmentOptions): Model<unknown, unknown> {
  return applyEnvironment(modelOf(spec, params), options, spec.file);
}

/** What a worker thread needs to build the model `faultline check` built. */
export interface WorkerModelArgs {
  /** The spec file, absolute. */
  specFile: string;
  params: Params;
  /** The command's options (plain data); {@link checkModel} reads what it needs. */
  options: EnvironmentOptions;
}

/**
 * Builds, in a worker thread, the model `check` built in the main thread. The spec module is
 * imported afresh (its module state is the worker's own) but not syntax-checked again: the main
 * thread's `importSpec` did that, and esbuild would cost each worker a process.
 */
export async function workerModel(args: WorkerModelArgs): Promise<Model<unknown, unknown>> {
  const exports = (await import(pathToFileURL(args.specFile).href)) as Record<string, unknown>;
  const spec: SpecModule = { file: args.specFile, absolute: args.specFile, exports };
  return checkModel(spec, args.params, args.options);
}

/** The recipe a parallel search posts to its workers so that they call {@link workerModel}. */
export function workerModelRecipe(specFile: string, params: Params, options: EnvironmentOptions): ModelRecipe {
  const args: WorkerModelArgs = { specFile: path.resolve(specFile), params, options: structuredClone(options) };
  return { moduleUrl: import.meta.url, exportName: workerModel.name, args };
}
