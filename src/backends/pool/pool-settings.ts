/** A pool's settings, from the executor's options. */
import { availableParallelism } from 'node:os';
import type { ExecutorOptions } from '../../options.js';

export interface PoolSettings {
  maxWorkers: number;
  minWorkers: number;
  perWorker: number;
  idleTimeout: number;
  maxTasksPerWorker: number;
}

/** @see ExecutorOptions.idleTimeout (piscina's own default, 0, would end a thread after every burst). */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/**
 * A pool's settings from the executor's options (sizedOptions() fills most
 * of them in; the fallbacks serve a backend built directly).
 */
export function poolSettings(options: ExecutorOptions, defaultMinWorkers: number): PoolSettings {
  const maxWorkers = options.maxWorkers ?? availableParallelism();
  return {
    maxWorkers,
    minWorkers: Math.min(options.minWorkers ?? defaultMinWorkers, maxWorkers),
    perWorker: options.concurrentTasksPerWorker ?? 1,
    idleTimeout: options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT_MS,
    maxTasksPerWorker: options.maxTasksPerWorker ?? Number.POSITIVE_INFINITY,
  };
}
