// Starts a TypeScript module of this project on a worker thread (see boot.mjs).
import { Worker, type ResourceLimits } from 'node:worker_threads';

export function startThread(entry: URL, data: Record<string, unknown>, resourceLimits?: ResourceLimits): Worker {
  return new Worker(new URL('./boot.mjs', import.meta.url), { workerData: { ...data, entry: entry.href }, resourceLimits });
}
