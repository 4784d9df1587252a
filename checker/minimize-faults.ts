import { injectsFaults, type InjectsFaults, type Model } from '../specs/index.ts';
import { bfs } from './bfs.ts';
import type { SearchOptions } from './options.ts';
import { replayPath } from './path.ts';
import type { CheckResult } from './result.ts';


/** A state paired with the faults taken to reach it. */
interface Budgeted<S> {
  s: S;
  f: number;
}

/**
 * The model with at most `budget` faults in all: fault actions stay in the action list (so
 * action indices match the original model) but take no step once the budget is spent.
 */
function withFaultBudget<S, A>(model: Model<S, A> & InjectsFaults<A>, budget: number): Model<Budgeted<S>, A> {
  return {
    name: model.name,
    init: () => Array.from(model.init(), (s) => ({ s, f: 0 })),
    actions: (w) => model.actions(w.s),
    next(w, action) {
      const fault = model.faultKind(action) !== undefined;
      if (fault && w.f >= budget) return undefined;
      const s = model.next(w.s, action);
      return s === undefined ? undefined : { s, f: fault ? w.f + 1 : w.f };
    },
    invariants: Object.fromEntries(Object.entries(model.invariants ?? {}).map(([name, p]) => [name, (w: Budgeted<S>) => p(w.s)])),
    constraint: model.constraint && ((w) => model.constraint!(w.s)),
    describe: model.describe && ((a) => model.describe!(a)),
  };
}

/**
 * Among violations, one with the fewest injected faults, then the fewest steps: BFS under
 * a total fault budget of 0, 1, 2, … up to `maxFaults`. A model without faults is plain BFS.
 * Stats are those of the last search.
 */
export function minimizeFaults<S, A>(model: Model<S, A>, options: SearchOptions = {}, maxFaults = 8): CheckResult<S, A> & { faultBudget?: number } {
  if (!injectsFaults(model)) return bfs(model, options);
  let last: CheckResult<Budgeted<S>, A> | undefined;
  for (let budget = 0; budget <= maxFaults; budget++) {
    last = bfs(withFaultBudget(model, budget), options);
    if (last.verdict !== 'violation') continue;
    const violations = last.violations.map((v) => ({
      ...v,
      path: replayPath(model, v.path.initIndex, v.path.actionIndices),
    }));
    // Goals belong to the unbudgeted model: a violation is reported without them.
    const { reached: _reached, unreached: _unreached, ...found } = last;
    return { ...found, violations, faultBudget: budget };
  }
  // No violation within any budget: the full search decides the verdict.
  return bfs(model, options);
}
