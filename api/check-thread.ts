/**
 * Entry of the thread a supervised check runs in ({@link import('./check-in-thread.ts')}):
 * checks one spec file and posts the report, or the error, back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { check, type CheckOptions } from './check.ts';
import { BadInputError, SpecFailure } from './errors.ts';

interface Setup {
  specFile: string;
  options: Omit<CheckOptions, 'onProgress'>;
  control: SharedArrayBuffer;
  progress: boolean;
}

const setup = workerData as Setup;
const port = parentPort!;
try {
  const report = await check(setup.specFile, {
    ...setup.options,
    stop: new Int32Array(setup.control),
    ...(setup.progress ? { onProgress: (p) => port.postMessage({ kind: 'progress', progress: p }) } : {}),
  } as CheckOptions);
  port.postMessage({ kind: 'report', report });
} catch (error) {
  const known = error instanceof BadInputError || error instanceof SpecFailure;
  const original = error instanceof SpecFailure ? error.error : error;
  port.postMessage({
    kind: 'error',
    known,
    message: error instanceof Error ? error.message : String(error),
    stack: original instanceof Error ? original.stack : undefined,
  });
}
