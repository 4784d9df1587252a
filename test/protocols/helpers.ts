import { bfs } from '../../checker/index.ts';
import { faultsOf } from '../../counterexamples/index.ts';
import type { ActorModel, Environment } from '../../specs/index.ts';

/** No faults at all, as a violation reports them. */
export const NONE = { drops: 0, dups: 0, crashes: 0, recoveries: 0, partitions: 0 };

/** BFS on a protocol under an environment: the result, and its first violation's labels and faults. */
export function check(model: ActorModel, environment: Partial<Environment> = {}) {
  const configured = model.configure({ environment });
  const result = bfs(configured);
  const v = result.violations[0];
  return {
    result,
    labels: v ? v.path.actions.map((a) => configured.describe!(a)) : [],
    faults: v ? faultsOf(configured, v.path.actions) : undefined,
  };
}
