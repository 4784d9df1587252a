import { canonicalJson } from '../index.ts';
import type { SequentialModel } from './types.ts';

type Entries<S> = ReadonlyArray<readonly [string, S]>;

/**
 * A partitioned model run over all its partitions at once: the state is the list of
 * `[key, state]` pairs touched so far (sorted by key; an untouched key is at `init()`). Needed
 * where P-compositionality does not hold, as for sequential consistency.
 */
export function wholeStateModel<S, I, O>(model: SequentialModel<S, I, O>): SequentialModel<Entries<S>, I, O> {
  const partition = model.partition;
  if (!partition) throw new TypeError(`model ${model.name} is not partitioned`);
  const subHash = model.hash ? (s: S) => model.hash!(s) : canonicalJson;
  const whole: SequentialModel<Entries<S>, I, O> = {
    name: model.name,
    init: () => [],
    step(state, input) {
      const key = partition(input);
      let lo = 0;
      let hi = state.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (state[mid][0] < key) lo = mid + 1;
        else hi = mid;
      }
      const present = lo < state.length && state[lo][0] === key;
      const result = model.step(present ? state[lo][1] : model.init(), input);
      const next = state.slice();
      next.splice(lo, present ? 1 : 0, [key, result.state] as const);
      return { state: next, output: result.output };
    },
    hash: (state) => state.map(([k, s]) => JSON.stringify(k) + '=' + subHash(s)).join(';'),
    describeState: (state) =>
      '{' + state.map(([k, s]) => `${k}: ${model.describeState ? model.describeState(s) : canonicalJson(s)}`).join(', ') + '}',
  };
  if (model.outputEqual) whole.outputEqual = model.outputEqual.bind(model);
  if (model.readOnly) whole.readOnly = model.readOnly.bind(model);
  if (model.validate) whole.validate = model.validate.bind(model);
  if (model.describe) whole.describe = model.describe.bind(model);
  return whole;
}
