import { isModel, type Model } from '../../specs/index.ts';

/**
 * How a worker thread builds the model the main thread checks: models hold functions and
 * cannot be posted, so each worker imports a module and calls one of its exports.
 */
export interface ModelRecipe {
  /** URL of an ES module (`pathToFileURL(file).href` for a local file). */
  moduleUrl: string;
  /** The export to use (default `default`): a Model, or a function of `args` returning one or a promise of one. */
  exportName?: string;
  /** What the export is called with; posted to the worker, so it must be structured-cloneable. */
  args?: unknown;
}

/** Builds the model a recipe describes. It must be the very model the main thread checks. */
export async function modelFromRecipe(recipe: ModelRecipe): Promise<Model<unknown, unknown>> {
  const name = recipe.exportName ?? 'default';
  const exports = (await import(recipe.moduleUrl)) as Record<string, unknown>;
  const exported = exports[name];
  if (isModel(exported)) return exported;
  if (typeof exported !== 'function') throw new Error(`${recipe.moduleUrl}: export "${name}" is neither a Model nor a function returning one`);
  const built = await (exported as (args: unknown) => unknown)(recipe.args);
  if (!isModel(built)) throw new Error(`${recipe.moduleUrl}: export "${name}" did not return a Model`);
  return built;
}
