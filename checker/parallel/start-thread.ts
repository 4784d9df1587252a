import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The tsx bootstrap: worker threads do not inherit the TypeScript loader of the main thread. */
const BOOTSTRAP = new URL('./ts-worker.mjs', import.meta.url);

/**
 * Starts a worker thread on `entry` (a module URL next to its caller). From sources (`.ts`)
 * the thread registers tsx first; in the built package (`.js`) it runs the module directly.
 */
export function startThread(entry: URL, options: WorkerOptions & { workerData?: Record<string, unknown> }): Worker {
  if (entry.pathname.endsWith('.js')) return new Worker(entry, options);
  return new Worker(BOOTSTRAP, { ...options, workerData: { ...options.workerData, entry: entry.href } });
}
