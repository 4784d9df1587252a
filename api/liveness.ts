import { checkLivenessProperties, livenessOf, type CheckResult } from '../checker/index.ts';
import type { Model } from '../specs/index.ts';

/**
 * Once the safety search passed, the liveness properties the spec declares, checked under
 * weak fairness over one state graph. Their lassos join the result's violations (kind
 * `liveness`, with the loop's start); a bound hit while building the graph makes the
 * result incomplete.
 */
export function withLiveness(
  result: CheckResult<unknown, unknown>,
  model: Model<unknown, unknown>,
  bounds: { maxStates?: number; timeout?: number },
): CheckResult<unknown, unknown> {
  const properties = livenessOf(model);
  if (result.verdict !== 'pass' || Object.keys(properties).length === 0) return result;
  const live = checkLivenessProperties(model, properties, {
    ...(bounds.maxStates !== undefined ? { maxStates: bounds.maxStates } : {}),
    ...(bounds.timeout !== undefined ? { timeoutSeconds: bounds.timeout } : {}),
  });
  const violations = live.flatMap((r) => (r.violation ? [r.violation as unknown as CheckResult<unknown, unknown>['violations'][number]] : []));
  if (violations.length > 0) return { ...result, verdict: 'violation', violations };
  const stopped = live.find((r) => r.verdict === 'incomplete');
  return stopped ? { ...result, verdict: 'incomplete', incomplete: stopped.incomplete } : result;
}
