/**
 * The thread backend: calls run on worker threads started by piscina, through
 * the shared pool (pool/worker-pool.ts: calls sent ahead and batched, crash
 * and abort handling, recycling, idling). What is particular to threads:
 * which flags a thread may take, and what a clone failure means here.
 */
import { availableParallelism } from 'node:os';
import { TaskNotPortableError } from '../../errors.js';
import { threadFlags } from '../../worker/worker-flags.js';
import type { Backend, BackendContext, TaskCall } from '../backend.js';
import { findUncloneable } from '../../worker/cloneable.js';
import { WorkerPool } from '../pool/worker-pool.js';
import { poolSettings } from '../pool/pool-settings.js';
import { ThreadSpawner } from './thread-spawner.js';

export function createThreadBackend(context: BackendContext): Backend {
  return new ThreadPool(context);
}

class ThreadPool extends WorkerPool {
  readonly kind = 'thread' as const;

  constructor(context: BackendContext) {
    const { options } = context;
    // minWorkers: piscina's documented default when not given, half the cores, at least one.
    const settings = poolSettings(options, Math.max(1, Math.floor(availableParallelism() / 2)));
    // Without the flags a Worker refuses (`--expose-gc`, `--max-old-space-size`...: ERR_WORKER_INVALID_EXEC_ARGV,
    // issue 11) or that run something else; the parent's heap flag becomes the thread's resourceLimits.
    // (V8's flag is process-wide, so the thread's heap has that limit anyway; Node then also
    // ignores a smaller `resourceLimits`, measured on Node 20.)
    const flags = threadFlags(options.execArgv ?? process.execArgv);
    const heapMb = options.resourceLimits ? options.resourceLimits.maxOldGenerationSizeMb : flags.heapMb;
    const spawner = new ThreadSpawner({
      maxThreads: settings.maxWorkers,
      perWorker: settings.perWorker,
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
    super(context, spawner, settings);
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
