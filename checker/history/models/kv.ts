import { canonicalJson } from '../../index.ts';
import { showValue } from '../show-value.ts';
import type { JepsenInput, SequentialModel } from '../types.ts';

/**
 * A key-value store of strings, partitioned by key (each key is checked on its own). Per key:
 * starts at `init` (default `""`); `get` returns the value, `put` v sets it, `append` v
 * concatenates v to it. (Porcupine's kv model.)
 */
export function kvModel(init: unknown = ''): SequentialModel<unknown, JepsenInput, unknown> {
  return {
    name: 'kv',
    init: () => init,
    step(state, input) {
      if (input.f === 'put') return { state: input.value ?? null, output: undefined };
      if (input.f === 'append') return { state: (state === null ? '' : String(state)) + String(input.value), output: undefined };
      return { state, output: state };
    },
    hash: canonicalJson,
    partition: (input) => canonicalJson(input.key),
    readOnly: (input) => input.f === 'get',
    validate(input) {
      if (input.f !== 'get' && input.f !== 'put' && input.f !== 'append') return `the kv model has get, put and append, not :${input.f}`;
      if (input.key === undefined) return `expected a :key on the kv operation :${input.f}`;
      if (input.f === 'append' && typeof input.value !== 'string') return `expected a string value to append, found ${showValue(input.value)}`;
      return undefined;
    },
    describe(input, output, outcome) {
      const k = showValue(input.key);
      if (input.f === 'get') return `get(${k}) → ${outcome === 'ok' ? showValue(output) : '?'}`;
      return `${input.f}(${k}, ${showValue(input.value)})${outcome === 'ok' ? '' : ' → ?'}`;
    },
    describeState: (state) => showValue(state),
  };
}
