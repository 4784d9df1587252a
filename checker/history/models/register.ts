import { canonicalJson } from '../../index.ts';
import { showValue } from '../show-value.ts';
import type { JepsenInput, SequentialModel } from '../types.ts';

/**
 * A read/write register holding any value, starting at `init` (default null).
 * `read` returns the value; `write` (value v) sets it and returns nothing observable.
 */
export function registerModel(init: unknown = null): SequentialModel<unknown, JepsenInput, unknown> {
  return {
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
