import type { JepsenInput, SequentialModel } from '../types.ts';
import { casRegisterModel } from './cas-register.ts';
import { kvModel } from './kv.ts';
import { registerModel } from './register.ts';

/** The built-in sequential models, by CLI name, each a factory of the initial value. */
export const BUILTIN_MODELS = {
  register: registerModel,
  'cas-register': casRegisterModel,
  kv: kvModel,
} as const;

/** A built-in model's CLI name. */
export type BuiltinModelName = keyof typeof BUILTIN_MODELS;

/**
 * The built-in model called `name`; `init` (when given) is the initial value of the register, or
 * of each key of the kv store.
 */
export function builtinModel(name: BuiltinModelName, init?: unknown): SequentialModel<unknown, JepsenInput, unknown> {
  const factory = BUILTIN_MODELS[name];
  return init === undefined ? factory() : factory(init);
}
