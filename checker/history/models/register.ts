import { canonicalJson } from '../../index.ts';
import { showValue } from '../show-value.ts';
import type { JepsenInput, SequentialModel } from '../types.ts';

/** Options of the register models. */
export interface RegisterModelOptions {
  /**
   * Knossos's rules (knossos.model/register, cas-register): a read that returned `nil` (null)
   * read an unknown value and matches any state. Off by default: null is a value.
   */
  knossos?: boolean;
}

/**
 * A read/write register holding any value, starting at `init` (default null).
 * `read` returns the value; `write` (value v) sets it and returns nothing observable.
 * With `knossos`, a read of null matches any state (Knossos's register).
 */
export function registerModel(init: unknown = null, options: RegisterModelOptions = {}): SequentialModel<unknown, JepsenInput, unknown> {
  return {
    ...(options.knossos ? { observesNothing: (input: JepsenInput, output: unknown) => input.f === 'read' && output === null } : {}),
    name: 'register',
    init: () => init,
    step(state, input) {
      return input.f === 'write' ? { state: input.value ?? null, output: undefined } : { state, output: state };
    },
    hash: canonicalJson,
    readOnly: (input) => input.f === 'read',
    validate: (input) => (input.f === 'read' || input.f === 'write' ? undefined : `the register model has read and write, not :${input.f}`),
    describe: (input, output, outcome) =>
      input.f === 'read' ? `read() → ${outcome === 'ok' ? showValue(output) : '?'}` : `write(${showValue(input.value)})${outcome === 'ok' ? '' : ' → ?'}`,
    describeState: (state) => showValue(state),
  };
}
