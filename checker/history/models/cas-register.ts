import { canonicalJson } from '../../index.ts';
import { showValue } from '../show-value.ts';
import type { JepsenInput, SequentialModel } from '../types.ts';
import type { RegisterModelOptions } from './register.ts';

/**
 * A register with compare-and-set, starting at `init` (default null): `read` returns the value,
 * `write` v sets it, `cas` [from, to] sets it to `to` and returns true when it equals `from`, and
 * otherwise returns false. (Porcupine's etcd model; Knossos's cas-register.) With `knossos`, a read
 * of null matches any state, as in Knossos's cas-register (whose no-argument form starts at nil,
 * like this one).
 */
export function casRegisterModel(init: unknown = null, options: RegisterModelOptions = {}): SequentialModel<unknown, JepsenInput, unknown> {
  return {
    ...(options.knossos ? { observesNothing: (input: JepsenInput, output: unknown) => input.f === 'read' && output === null } : {}),
    name: 'cas-register',
    init: () => init,
    step(state, input) {
      if (input.f === 'write') return { state: input.value ?? null, output: undefined };
      if (input.f === 'cas') {
        const [from, to] = input.value as [unknown, unknown];
        return canonicalJson(state) === canonicalJson(from) ? { state: to, output: true } : { state, output: false };
      }
      return { state, output: state };
    },
    hash: canonicalJson,
    readOnly: (input) => input.f === 'read',
    validate(input) {
      if (input.f === 'read' || input.f === 'write') return undefined;
      if (input.f !== 'cas') return `the cas-register model has read, write and cas, not :${input.f}`;
      if (!Array.isArray(input.value) || input.value.length !== 2) return `expected a cas value [from to], found ${showValue(input.value)}`;
      return undefined;
    },
    describe(input, output, outcome) {
      const result = outcome === 'ok' ? showValue(output) : '?';
      if (input.f === 'read') return `read() → ${result}`;
      if (input.f === 'write') return `write(${showValue(input.value)})${outcome === 'ok' ? '' : ' → ?'}`;
      const [from, to] = Array.isArray(input.value) ? input.value : [undefined, undefined];
      return `cas(${showValue(from)}, ${showValue(to)}) → ${result}`;
    },
    describeState: (state) => showValue(state),
  };
}
