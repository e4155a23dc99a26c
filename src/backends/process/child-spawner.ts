/**
 * How the process backend gets its children: a fork each (child-handle.ts),
 * with the parent's flags under the rules of worker-flags.ts, the heap limit
 * as a flag, and one orphan guard per pool. The first children start as the
 * executor is created, before the pool's code is loaded (pool/head-start.ts).
 */
import { processFlags } from '../../worker/worker-flags.js';
import type { BackendContext } from '../backend.js';
import type { PoolSettings } from '../pool/pool-settings.js';
import type { WorkerListener, WorkerSpawner } from '../pool/worker-handle.js';
import { ChildHandle, type ChildSpawnOptions } from './child-handle.js';
import { OrphanGuard } from './orphan-guard.js';

/** The process backend's spawner, from the executor's options. */
export function childSpawner(context: BackendContext, settings: PoolSettings): ChildSpawner {
  const { options } = context;
  const heapMb = options.resourceLimits?.maxOldGenerationSizeMb;
  return new ChildSpawner({
    // Default: the parent's own flags, so a loader such as `--import tsx` carries over, without
    // those that would make a child run something else (`node -e`: issue 11); see worker-flags.ts.
    // The heap flag last: V8 takes the last of two.
    execArgv: [...processFlags(options.execArgv ?? process.execArgv), ...(heapMb ? [`--max-old-space-size=${heapMb}`] : [])],
    env: options.env ?? process.env,
    perWorker: settings.perWorker,
    guard: new OrphanGuard(),
  });
}

export class ChildSpawner implements WorkerSpawner {
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
