/**
 * The thread backend: calls run on worker threads started by piscina, through
 * the shared pool (pool/worker-pool.ts: calls sent ahead and batched, crash
 * and abort handling, recycling, idling). What is particular to threads:
 * which flags a thread may take (thread-spawner.ts, which starts the first
 * threads before this code is loaded: pool/head-start.ts), and what a clone
 * failure means here.
 */
import { TaskNotPortableError } from '../../errors.js';
import type { Backend, BackendContext, TaskCall } from '../backend.js';
import { findUncloneable } from '../../worker/cloneable.js';
import { WorkerPool } from '../pool/worker-pool.js';
import type { PoolStart } from '../pool/lazy-pool.js';

export function createThreadBackend(context: BackendContext, start: PoolStart): Backend {
  return new ThreadPool(context, start.spawner(), start.settings);
}

class ThreadPool extends WorkerPool {
  readonly kind = 'thread' as const;

  protected notPortable(call: TaskCall, error: unknown): Error {
    const found = findUncloneable(call.input, call.batch ? 'inputs' : 'input');
    return new TaskNotPortableError(
      `Task ${call.label} cannot be sent to a worker thread: ${found ?? (error as Error)?.message ?? String(error)}. ` +
        'Pass plain data (objects, arrays, numbers, strings, typed arrays, Map, Set, Date); list ArrayBuffers to move in `transfer`',
      { cause: error },
    );
  }
}
