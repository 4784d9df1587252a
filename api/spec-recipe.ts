import path from 'node:path';
import type { ModelRecipe } from '../checker/index.ts';
import type { Environment, Model, Params } from '../specs/index.ts';
import { applyEnvironment } from './environment.ts';
import { loadSpec, modelOf } from './load-spec.ts';

/** What a worker thread needs to build the model a check of a spec file explores. */
export interface SpecRecipeArgs {
  /** The spec file, absolute. */
  specFile: string;
  params: Params;
  environment: Partial<Environment>;
}

/** Recipes of models loaded from spec files, so that `check(model, { workers })` can rebuild them in threads. */
const recipes = new WeakMap<object, ModelRecipe>();

/**
 * The model of a spec file for `params` with `environment` applied: what `check` explores
 * and what its worker threads rebuild, here, so that the two cannot drift apart.
 */
export async function specModel(args: SpecRecipeArgs): Promise<Model<unknown, unknown>> {
  const spec = await loadSpec(args.specFile);
  const model = applyEnvironment(modelOf(spec, args.params), args.environment, args.specFile);
  recipes.set(model, specRecipe(args.specFile, args.params, args.environment));
  return model;
}

/** The recipe a parallel search posts to its workers so that they call {@link specModel}. */
export function specRecipe(specFile: string, params: Params, environment: Partial<Environment>): ModelRecipe {
  const args: SpecRecipeArgs = { specFile: path.resolve(specFile), params, environment: structuredClone(environment) };
  return { moduleUrl: import.meta.url, exportName: specModel.name, args };
}

/** The recipe of a model loaded from a spec file, if it was. */
export function recipeOf(model: object): ModelRecipe | undefined {
  return recipes.get(model);
}
