import { showValue } from './show-value.ts';
import type { Outcome, SequentialModel } from './types.ts';

/**
 * One-line description of an operation: the model's own `describe`, or for Jepsen-style inputs
 * `f(key, value) → output` (`?` when the outcome is unknown).
 */
export function describeOperation(
  model: SequentialModel<unknown, unknown, unknown>,
  input: unknown,
  output: unknown,
  outcome: Outcome,
): string {
  if (model.describe) return model.describe(input, outcome === 'ok' ? output : undefined, outcome);
  if (typeof input === 'object' && input !== null && typeof (input as { f?: unknown }).f === 'string') {
    const { f, key, value } = input as { f: string; key?: unknown; value?: unknown };
    const args = [...(key !== undefined ? [showValue(key)] : []), ...(value !== undefined && value !== null ? [showValue(value)] : [])];
    return `${f}(${args.join(', ')}) → ${outcome === 'ok' ? showValue(output) : '?'}`;
  }
  return `${showValue(input)} → ${outcome === 'ok' ? showValue(output) : '?'}`;
}
