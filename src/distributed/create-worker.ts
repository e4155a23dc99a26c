/**
 * `createWorker`, as the package exports it: the distributed worker (its
 * executor, BullMQ's driver, the job runner) is loaded when the first worker
 * is created, not when the library is imported.
 */
import type { DistributedWorker } from './worker.js';
import type { WorkerOptions } from './worker-options.js';

export async function createWorker(options: WorkerOptions): Promise<DistributedWorker> {
  const worker = await import('./worker.js');
  return worker.createWorker(options);
}
