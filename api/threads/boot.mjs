// Entry of every worker thread: the server runs TypeScript through tsx, and Node 20 does not hand the
// main thread's `--import tsx` hooks to workers, so each worker registers them before loading its module.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
