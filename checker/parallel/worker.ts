/**
 * Entry of a parallel-BFS worker thread (started through ts-worker.mjs): builds the model from
 * its recipe, then runs the main thread's commands one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { modelFromRecipe } from './recipe.ts';
import { serializeError, type Command, type Report, type WorkerSetup } from './protocol.ts';
import { WorkerSearch } from './worker-search.ts';

const setup = workerData as WorkerSetup;
const port = parentPort!;
const post = (report: Report): void => port.postMessage(report);

try {
  const model = await modelFromRecipe(setup.recipe);
  const search = new WorkerSearch(model, setup, post);
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
