/**
 * Entry of the thread that computes the explorer's answers ({@link import('./step-worker.ts')}):
 * builds the model, computes valencies once, then answers one path at a time. Spec code runs
 * here, never on the server's thread, so a spec that never returns cannot hang the server.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SpecError } from '../checker/index.ts';
import { describeEnvironment, isActorModel, type Environment } from '../specs/index.ts';
import { specModel, type SpecRecipeArgs } from '../api/spec-recipe.ts';
import { BadInputError, SpecFailure } from '../api/errors.ts';
import { isFailure, PathWalker } from './path-walker.ts';
import { stepView } from './step-view.ts';
import { valencyIndex, type ValencyBounds } from './valency-index.ts';

interface Setup {
  recipe: SpecRecipeArgs;
  valencyBounds: ValencyBounds;
}

const setup = workerData as Setup;
const port = parentPort!;

/** The message of an error raised in spec code. */
function specErrorText(error: SpecError): string {
  return `the spec threw in ${error.phase}()${error.actionLabel === undefined ? '' : ` on "${error.actionLabel}"`}: ${error.message}`;
}

try {
  const model = await specModel(setup.recipe);
  const walker = new PathWalker(model);
  const initialStates = walker.initialStates().length;
  const valency = valencyIndex(model, setup.valencyBounds);
  port.postMessage({
    kind: 'ready',
    name: model.name,
    actor: isActorModel(model),
    initialStates,
    ...(isActorModel(model) ? { environment: describeEnvironment(model.environment as Environment) } : {}),
    propertyKinds: isActorModel(model) ? { ...model.propertyKinds } : Object.fromEntries(Object.keys(model.invariants ?? {}).map((k) => [k, 'invariant'])),
    valency: valency.kind === 'ready' ? `computed for ${valency.states.toLocaleString('en-US')} reachable states` : valency.reason,
  });
  port.on('message', (m: { id: number; path: number[] }) => {
    try {
      const reached = walker.walk(m.path);
      if (isFailure(reached)) {
        port.postMessage({
          id: m.id,
          status: 404,
          body: JSON.stringify({
            error: `the path does not apply at position ${reached.at} (index ${reached.index}): ${reached.reason}`,
            at: reached.at,
            index: reached.index,
            valid: m.path.slice(0, reached.at),
          }),
        });
      } else {
        port.postMessage({ id: m.id, status: 200, body: JSON.stringify(stepView(model, reached, valency)) });
      }
    } catch (error) {
      const message = error instanceof SpecError ? specErrorText(error) : `internal error: ${error instanceof Error ? error.message : String(error)}`;
      port.postMessage({ id: m.id, status: 500, body: JSON.stringify({ error: message }) });
    }
  });
} catch (error) {
  const known = error instanceof BadInputError || error instanceof SpecFailure || error instanceof SpecError;
  const message = error instanceof SpecError ? specErrorText(error) : error instanceof Error ? error.message : String(error);
  port.postMessage({ kind: 'error', known, message });
}
