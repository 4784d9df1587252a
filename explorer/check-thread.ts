/**
 * Entry of the thread "check from here" runs in ({@link import('./check-from-here.ts')}):
 * rebuilds the model, walks to the state the page stands on, and runs a bounded
 * breadth-first search from it, posting progress and then the outcome.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checker, SpecError, type Progress } from '../checker/index.ts';
import { specModel, type SpecRecipeArgs } from '../api/spec-recipe.ts';
import { isFailure, PathWalker } from './path-walker.ts';

interface Setup {
  recipe: SpecRecipeArgs;
  path: number[];
  maxStates: number;
  timeoutSeconds: number;
  control: SharedArrayBuffer;
}

const setup = workerData as Setup;
const port = parentPort!;
try {
  const model = await specModel(setup.recipe);
  const reached = new PathWalker(model, 1).walk(setup.path);
  if (isFailure(reached)) throw new Error(`the path does not apply at position ${reached.at}: ${reached.reason}`);
  const here = reached.path.states[reached.path.states.length - 1];
  // The same model, whose only initial state is the one the page stands on.
  const fromHere = Object.create(model) as typeof model;
  fromHere.init = () => [here];
  const result = checker(fromHere)
    .maxStates(setup.maxStates)
    .timeout(setup.timeoutSeconds)
    .stopOn(new Int32Array(setup.control))
    .progress((p: Progress) => port.postMessage({ kind: 'progress', progress: p }), 0.2)
    .bfs();
  const violation = result.violations[0];
  port.postMessage({
    kind: 'done',
    verdict: result.verdict,
    stats: result.stats,
    ...(result.incomplete ? { incomplete: result.incomplete } : {}),
    ...(violation ? { violation: { property: violation.property, path: [...setup.path, ...violation.path.actionIndices] } } : {}),
  });
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  const where = error instanceof SpecError ? `the spec threw in ${error.phase}()${error.actionLabel === undefined ? '' : ` on "${error.actionLabel}"`}: ` : '';
  port.postMessage({ kind: 'error', message: where + message });
}
