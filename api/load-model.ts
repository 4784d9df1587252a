import type { Environment, Model, Params } from '../specs/index.ts';
import { specModel } from './spec-recipe.ts';

/**
 * The model of a spec file, built for `params` with `environment` applied: what `faultline
 * check <file>` explores. Such a model can be checked on worker threads (`workers`).
 */
export async function loadModel(file: string, options: { params?: Params; environment?: Partial<Environment> } = {}): Promise<Model<unknown, unknown>> {
  const { resolveSpecFile } = await import('./load-spec.ts');
  return specModel({ specFile: resolveSpecFile(file), params: options.params ?? {}, environment: options.environment ?? {} });
}
