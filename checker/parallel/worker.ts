/**
 * Entry of a parallel-BFS worker thread (started through ts-worker.mjs): builds the model from
 * its recipe, then runs the main thread's commands one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { probeMismatch, probeModel } from './model-probe.ts';
import { modelFromRecipe } from './recipe.ts';
import { serializeError, type Command, type Report, type WorkerSetup } from './protocol.ts';
import { WorkerSearch } from './worker-search.ts';

const setup = workerData as WorkerSetup;
const port = parentPort!;
const post = (report: Report): void => port.postMessage(report);

try {
  const model = await modelFromRecipe(setup.recipe);
  let inits: unknown[] | undefined;
  try {
    inits = Array.from(model.init());
  } catch {
    // The seed calls init() again and reports it, as a SpecError.
  }
  const mismatch = probeMismatch(setup.probe, inits ? probeModel(model, inits) : { name: model.name });
  if (mismatch) throw new Error(`the model recipe built a different model than the main thread's: ${mismatch}`);
  const search = new WorkerSearch(model, setup, post, inits);
  port.on('message', (command: Command) => {
    try {
      post(search.run(command));
    } catch (error) {
      post({ type: 'fatal', error: serializeError(error) });
    }
  });
  post({ type: 'ready' });
} catch (error) {
  post({ type: 'fatal', error: serializeError(error) });
}
