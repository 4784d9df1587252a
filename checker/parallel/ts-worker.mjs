// Worker threads do not inherit the TypeScript loader the CLI registered in the main thread:
// register tsx here, then run the .ts entry the creator named in workerData.entry.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
