import { isActorModel, type Environment, type Model } from '../specs/index.ts';
import { BadInputError } from './errors.ts';

/**
 * The model with `overrides` applied to an actor protocol's environment. Overrides on a
 * kernel model are bad input: it has no network to configure.
 */
export function applyEnvironment<S, A>(model: Model<S, A>, overrides: Partial<Environment>, specFile: string): Model<S, A> {
  if (isActorModel(model)) {
    if (Object.keys(overrides).length === 0) return model;
    try {
      return model.configure({ environment: overrides }) as unknown as Model<S, A>;
    } catch (error) {
      throw new BadInputError(`${specFile}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (Object.keys(overrides).length > 0) {
    throw new BadInputError(
      `${specFile}: environment options (${Object.keys(overrides).join(', ')}) apply only to actor protocols; this spec is a plain Model (drop them, or write it with protocol())`,
    );
  }
  return model;
}
