import { describeFaults, renderText } from '../counterexamples/index.ts';
import type { Model } from '../specs/index.ts';
import { check, type CheckOptions, type CheckReport } from './check.ts';
import { stoppedBy } from './stopped-by.ts';


/**
 * A check that did not pass: a property is violated (the message names it and holds the
 * shortest counterexample, rendered as text), or a bound stopped the search first.
 */
export class PropertyCheckError extends Error {
  constructor(
    /** The full report, as `check()` resolves it. */
    readonly report: CheckReport,
  ) {
    super(PropertyCheckError.describe(report));
    this.name = 'PropertyCheckError';
  }

  private static describe(report: CheckReport): string {
    const name = report.spec.path ? `${report.spec.name} (${report.spec.path})` : report.spec.name;
    const s = report.stats;
    const counts = `${s.distinctStates.toLocaleString('en-US')} distinct states, depth ${s.depth}`;
    if (report.result === 'incomplete') {
      const why = stoppedBy(report.incomplete, 'option');
      return `${name}: incomplete: stopped by ${why} before exploring every state; no violation found so far (${counts}). Raise the bound, or check a smaller configuration.`;
    }
    return report.violations
      .map((v) => {
        if (v.message !== undefined) return `${name}: ${v.kind} ${v.property}: ${v.message ?? 'never reached'} (no reachable state satisfies it: the pass would have been vacuous)`;
        const steps = v.length === 1 ? '1 step' : `${v.length} steps`;
        const replay = report.random ? `\nreplay: seed ${report.random.seed}${report.random.path ? `, path ${report.random.path}` : ''}` : '';
        return `${name}: ${v.kind} ${v.property} fails after ${steps} (${describeFaults(v.faults)})${replay}\n\n${renderText(v.trace)}`;
      })
      .join('\n\n');
  }
}

/**
 * Checks a model (or spec file) and resolves when every property holds in every reachable
 * state; rejects with a {@link PropertyCheckError} whose message names the violated property
 * and shows its shortest counterexample, or says which bound stopped the search. For test
 * runners: `await assertProperties(model)` in a vitest, jest or node:test case.
 */
export async function assertProperties<S, A>(spec: Model<S, A> | string, options: CheckOptions = {}): Promise<CheckReport> {
  const report = await check(spec, options);
  if (report.result !== 'pass') throw new PropertyCheckError(report);
  return report;
}
