import type { SequentialModel } from './types.ts';

/**
 * Declares a sequential model for the history checker, with its types inferred:
 *
 * ```ts
 * const counter = defineHistoryModel({
 *   name: 'counter',
 *   init: () => 0,
 *   step: (n: number, input: { f: string }) => (input.f === 'incr' ? { state: n + 1, output: undefined } : { state: n, output: n }),
 *   readOnly: (input) => input.f === 'read',
 * });
 * ```
 */
export function defineHistoryModel<S, I, O>(model: SequentialModel<S, I, O>): SequentialModel<S, I, O> {
  return model;
}
