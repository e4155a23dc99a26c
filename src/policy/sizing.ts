/**
 * Sizing follows the choice: a pool chosen for I/O is sized for waiting, not
 * for cores; a pool chosen for CPU gets one worker per core. Explicit options
 * always win. The result is what the backend is built with and what
 * `explain()` shows.
 */
import { availableParallelism } from 'node:os';
import type { ExecutorOptions } from '../options.js';
import type { LocalBackend, TaskTraits } from './rules.js';
import { DEFAULT_ASYNC_CONCURRENCY } from '../backends/async/defaults.js';
import type { TaskKind } from './task-profile.js';

export interface Sizing {
  /** Pools: workers at most. */
  maxWorkers?: number;
  /** Pools: tasks one worker runs at once. */
  concurrentTasksPerWorker?: number;
  /** Async: tasks in flight at once. */
  concurrency?: number;
}

/**
 * Python's ThreadPoolExecutor default for I/O-bound work: `min(32, cpus + 4)`
 * threads, "at least 5 workers for I/O bound tasks" and no more than 32 so a
 * many-core machine does not start hundreds of idle threads.
 */
export function ioThreadCount(cpus = availableParallelism()): number {
  return Math.min(32, cpus + 4);
}

/**
 * `measured`: the task's measured kind when the policy routed it by
 * measurement (`adapt`); it replaces the declared traits' cpuBound/ioBound.
 */
export function sizeBackend(backend: LocalBackend, traits: TaskTraits, options: ExecutorOptions, measured?: TaskKind): Sizing {
  const cpus = availableParallelism();
  if (backend === 'async') {
    return { concurrency: options.concurrency ?? traits.expectedCount ?? DEFAULT_ASYNC_CONCURRENCY };
  }
  const forIo = measured === undefined ? traits.ioBound === true && traits.cpuBound !== true : measured !== 'cpu';
  if (measured === 'blocking-io') {
    // A call that blocks holds its thread (or child): a second call there
    // would wait behind it, so one call per worker, and I/O-many workers.
    return { maxWorkers: options.maxWorkers ?? ioThreadCount(cpus), concurrentTasksPerWorker: options.concurrentTasksPerWorker ?? 1 };
  }
  if ((backend === 'thread' || measured === 'waiting-io') && forIo) {
    const maxWorkers = options.maxWorkers ?? ioThreadCount(cpus);
    // Enough tasks per thread that `expectedCount` waiting tasks all run at
    // once: 400 tasks waiting 10 ms must not queue behind a handful of threads.
    const expected = traits.expectedCount ?? DEFAULT_ASYNC_CONCURRENCY;
    const perWorker = options.concurrentTasksPerWorker ?? Math.max(1, Math.ceil(expected / maxWorkers));
    return { maxWorkers, concurrentTasksPerWorker: perWorker };
  }
  return {
    maxWorkers: options.maxWorkers ?? cpus,
    concurrentTasksPerWorker: options.concurrentTasksPerWorker ?? 1,
  };
}

/** The options a backend is built with: the caller's, with the sizing filled in. */
export function sizedOptions(backend: LocalBackend, traits: TaskTraits, options: ExecutorOptions, measured?: TaskKind): ExecutorOptions {
  const sizing = sizeBackend(backend, traits, options, measured);
  const minWorkers =
    options.minWorkers !== undefined && sizing.maxWorkers !== undefined
      ? Math.min(options.minWorkers, sizing.maxWorkers)
      : options.minWorkers;
  return { ...options, ...sizing, minWorkers };
}
