/**
 * The thread backend: calls run on worker threads started by piscina, through
 * the shared pool (pool/worker-pool.ts: calls sent ahead and batched, crash
 * and abort handling, recycling, idling). What is particular to threads:
 * which flags a thread may take, and what a clone failure means here.
 */
import { availableParallelism } from 'node:os';
import { TaskNotPortableError } from '../../errors.js';
import { threadFlags } from '../../shared/worker-flags.js';
import { isTask, taskLabel, type Task, type TaskFunction } from '../../task.js';
import type { Backend, BackendContext, TaskCall } from '../backend.js';
import { findUncloneable } from '../cloneable.js';
import { WorkerPool } from '../pool/worker-pool.js';
import { ThreadSpawner } from './thread-spawner.js';

/** @see ExecutorOptions.idleTimeout (piscina's own default, 0, would end a thread after every burst). */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

export function createThreadBackend(context: BackendContext): Backend {
  return new ThreadPool(context);
}

class ThreadPool extends WorkerPool {
  readonly kind = 'thread' as const;

  constructor(context: BackendContext) {
    const { options } = context;
    const maxWorkers = options.maxWorkers ?? availableParallelism();
    const perWorker = options.concurrentTasksPerWorker ?? 1;
    // Without the flags a Worker refuses (`--expose-gc`, `--max-old-space-size`...: ERR_WORKER_INVALID_EXEC_ARGV,
    // issue 11) or that run something else; the parent's heap flag becomes the thread's resourceLimits.
    // (V8's flag is process-wide, so the thread's heap has that limit anyway; Node then also
    // ignores a smaller `resourceLimits`, measured on Node 20.)
    const flags = threadFlags(options.execArgv ?? process.execArgv);
    const heapMb = options.resourceLimits ? options.resourceLimits.maxOldGenerationSizeMb : flags.heapMb;
    const spawner = new ThreadSpawner({
      maxThreads: maxWorkers,
      perWorker,
      execArgv: flags.execArgv,
      heapMb,
      // An error of a thread outside any session.
      onError: (error) =>
        context.events.emit('warning', {
          type: 'worker-error',
          backend: 'thread',
          message: `A worker thread failed outside any task: ${(error as Error)?.message ?? String(error)}`,
        }),
    });
    super(context, spawner, {
      maxWorkers,
      // piscina's documented default when not given: half the cores, at least one.
      minWorkers: Math.min(options.minWorkers ?? Math.max(1, Math.floor(availableParallelism() / 2)), maxWorkers),
      perWorker,
      idleTimeout: options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT_MS,
      maxTasksPerWorker: options.maxTasksPerWorker ?? Number.POSITIVE_INFINITY,
    });
  }

  accept(task: Task | TaskFunction): void {
    if (!isTask(task)) {
      throw new TaskNotPortableError(
        `Task ${taskLabel(task)} is a plain function, which cannot be sent to a worker thread: ` +
          "define it in a module and use defineTask(module, exportName), e.g. defineTask(new URL('./tasks.js', import.meta.url), 'myTask')",
      );
    }
  }

  protected notPortable(call: TaskCall, error: unknown): Error {
    const found = findUncloneable(call.input, call.batch ? 'inputs' : 'input');
    return new TaskNotPortableError(
      `Task ${call.label} cannot be sent to a worker thread: ${found ?? (error as Error)?.message ?? String(error)}. ` +
        'Pass plain data (objects, arrays, numbers, strings, typed arrays, Map, Set, Date); list ArrayBuffers to move in `transfer`',
      { cause: error },
    );
  }
}
