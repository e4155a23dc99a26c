/**
 * What createExecutor needs of `backend: 'distributed'` synchronously: its
 * checks of the options, what `explain()` says, and the facts the core reads
 * before the backend is there. The backend itself (distributed-backend.ts,
 * BullMQ's link, the codec) is loaded on the first use (backends/lazy-backend.ts).
 */
import type { BackendFacts } from '../backends/lazy-backend.js';
import { TaskNotPortableError } from '../errors.js';
import type { TaskBackend } from '../executor.js';
import type { ExecutorOptions } from '../options.js';
import type { Decision } from '../policy/rules.js';
import { isTask, taskLabel, type Task, type TaskFunction } from '../task.js';
import { describeConnection, redisOptions } from './connection.js';
import { rootPath } from './task-ref.js';

export const DEFAULT_QUEUE = 'unified-executor';
/** `map`'s default window without `concurrency`: how many jobs one map keeps queued or running. */
export const MAP_WINDOW = 32;

/** Why every task of this executor runs on a queue: what `explain()` says. */
export function explainDistributed(options: ExecutorOptions): Decision<TaskBackend> {
  return {
    backend: 'distributed',
    rule: 'explicit',
    reason:
      `the executor was created with backend: 'distributed': every task is a job on queue '${options.queue ?? DEFAULT_QUEUE}' ` +
      `at ${describeConnection(options.connection)}, run by a worker on its own auto executor`,
  };
}

/** A closure cannot travel to another machine. */
export function refuseClosureRemote(task: Task | TaskFunction): void {
  if (!isTask(task)) {
    throw new TaskNotPortableError(
      `Task ${taskLabel(task)} is a plain function, which cannot travel to another machine: define it with defineTask(module, exportName, traits)`,
    );
  }
}

/** Throws for a bad `connection` or `root` now, not at the first run (their types were checked by validateOptions). */
export function distributedFacts(options: ExecutorOptions): BackendFacts {
  redisOptions(options.connection);
  if (options.root !== undefined) rootPath(options.root);
  return {
    kind: 'distributed',
    // The slots this submitter counts on (the workers' own are out of sight); 0 without `concurrency`.
    concurrency: options.concurrency ?? 0,
    capacity: Number.POSITIVE_INFINITY,
    mapWindow: options.concurrency ?? MAP_WINDOW,
    reportsStart: true,
    // BullMQ's attempts and backoff run the retries.
    retriesItself: true,
    accept: refuseClosureRemote,
  };
}
