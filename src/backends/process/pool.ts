/**
 * The process backend: calls run in long-lived child processes forked from
 * one built entry (`process-child.js`), through the shared pool
 * (pool/worker-pool.ts: calls sent ahead and batched over IPC, crash and abort
 * handling, crash-loop back-off, recycling, idling). What is particular to
 * processes: forking (child-spawner.ts: flags, env, the heap limit as a flag;
 * the first children start before this code is loaded, pool/head-start.ts)
 * and what a clone failure means here.
 */
import { TaskNotPortableError } from '../../errors.js';
import type { Backend, BackendContext, TaskCall } from '../backend.js';
import { WorkerPool } from '../pool/worker-pool.js';
import type { PoolStart } from '../pool/lazy-pool.js';

export function createProcessBackend(context: BackendContext, start: PoolStart): Backend {
  return new ProcessPool(context, start.spawner(), start.settings);
}

class ProcessPool extends WorkerPool {
  readonly kind = 'process' as const;

  protected notPortable(call: TaskCall, error: unknown): Error {
    return new TaskNotPortableError(
      `The input of task ${call.label} cannot be sent to a child process: ${(error as Error)?.message ?? String(error)}`,
      { cause: error },
    );
  }
}
