import type { JepsenInput, SequentialModel } from '../types.ts';
import { casRegisterModel } from './cas-register.ts';
import { kvModel } from './kv.ts';
import { registerModel, type RegisterModelOptions } from './register.ts';

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
 * of each key of the kv store; `options.knossos` gives the register models Knossos's rules (a
 * `nil` read matches any state).
 */
export function builtinModel(name: BuiltinModelName, init?: unknown, options: RegisterModelOptions = {}): SequentialModel<unknown, JepsenInput, unknown> {
  if (name === 'kv') return init === undefined ? kvModel() : kvModel(init);
  const factory = BUILTIN_MODELS[name];
  return factory(init === undefined ? null : init, options);
}
