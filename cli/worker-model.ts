import path from 'node:path';
import type { ModelRecipe } from '../checker/index.ts';
import { isActorModel, type Environment, type Model, type Params } from '../specs/index.ts';
import { importSpec, modelOf } from './load-spec.ts';

/** What a worker thread needs to build the model `faultline check` built. */
export interface WorkerModelArgs {
  /** The spec file, absolute (workers resolve nothing against the user's spelling). */
  specFile: string;
  params: Params;
  /** The environment the flags set (`environmentOverrides`), for actor protocols. */
  environment: Partial<Environment>;
}

/**
 * Builds, in a worker thread, the model `check` built in the main thread: the same spec
 * module (imported afresh), the same params and the same environment flags. The main thread
 * has already validated all three, so this only repeats the steps of `check`.
 */
export async function workerModel(args: WorkerModelArgs): Promise<Model<unknown, unknown>> {
  const model = modelOf(await importSpec(args.specFile), args.params);
  return isActorModel(model) ? (model.configure({ environment: args.environment }) as unknown as Model<unknown, unknown>) : model;
}

/** The recipe a parallel search posts to its workers so that they call {@link workerModel}. */
export function workerModelRecipe(specFile: string, params: Params, environment: Partial<Environment>): ModelRecipe {
  const args: WorkerModelArgs = { specFile: path.resolve(specFile), params, environment };
  return { moduleUrl: import.meta.url, exportName: workerModel.name, args };
}
