/**
 * The process backend: calls run in long-lived child processes forked from
 * one built entry (`process-child.js`), through the shared pool
 * (pool/worker-pool.ts: calls sent ahead and batched over IPC, crash and abort
 * handling, crash-loop back-off, recycling, idling). What is particular to
 * processes: forking (flags, env, the heap limit as a flag) and what a clone
 * failure means here.
 */
import { TaskNotPortableError } from '../../errors.js';
import { processFlags } from '../../worker/worker-flags.js';
import type { Backend, BackendContext, TaskCall } from '../backend.js';
import type { WorkerListener, WorkerSpawner } from '../pool/worker-handle.js';
import { WorkerPool } from '../pool/worker-pool.js';
import { poolSettings } from '../pool/pool-settings.js';
import { ChildHandle, type ChildSpawnOptions } from './child-handle.js';
import { OrphanGuard } from './orphan-guard.js';

export function createProcessBackend(context: BackendContext): Backend {
  return new ProcessPool(context);
}

class ChildSpawner implements WorkerSpawner {
  readonly kind = 'process' as const;
  readonly startHint: string;

  constructor(readonly options: ChildSpawnOptions) {
    this.startHint = `Check the execArgv ${JSON.stringify(options.execArgv)} and env of the process backend`;
  }

  spawn(listener: WorkerListener): ChildHandle {
    return new ChildHandle(this.options, listener);
  }

  async shutdown(): Promise<void> {
    this.options.guard.close();
  }
}

class ProcessPool extends WorkerPool {
  readonly kind = 'process' as const;

  constructor(context: BackendContext) {
    const { options } = context;
    const settings = poolSettings(options, 0);
    const heapMb = options.resourceLimits?.maxOldGenerationSizeMb;
    const spawner = new ChildSpawner({
      // Default: the parent's own flags, so a loader such as `--import tsx` carries over, without
      // those that would make a child run something else (`node -e`: issue 11); see worker-flags.ts.
      // The heap flag last: V8 takes the last of two.
      execArgv: [...processFlags(options.execArgv ?? process.execArgv), ...(heapMb ? [`--max-old-space-size=${heapMb}`] : [])],
      env: options.env ?? process.env,
      perWorker: settings.perWorker,
      guard: new OrphanGuard(),
    });
    super(context, spawner, settings);
  }

  protected notPortable(call: TaskCall, error: unknown): Error {
    return new TaskNotPortableError(
      `The input of task ${call.label} cannot be sent to a child process: ${(error as Error)?.message ?? String(error)}`,
      { cause: error },
    );
  }
}
