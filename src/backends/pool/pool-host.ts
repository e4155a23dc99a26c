/**
 * What the parts of a pool that route results (pool-results.ts) and handle
 * aborts (pool-aborts.ts) need of the pool itself (worker-pool.ts): its calls
 * by id, and the bookkeeping that follows a call leaving a worker's line.
 */
import type { PoolCall, PoolWorker } from './pool-worker.js';

export interface PoolHost {
  readonly perWorker: number;
  /** A call in some worker's line, by id. */
  callOf(id: number): PoolCall | undefined;
  /** Unlinks a call from the pool: no more abort, no longer in a line or waiting. */
  settle(pending: PoolCall): void;
  /** After calls of `worker` left its line: retire or note it idle, feed waiting calls. */
  afterSettle(worker: PoolWorker): void;
  /** `worker` has something to be sent (with the rest of this turn's). */
  markDirty(worker: PoolWorker): void;
  /** Ends a worker now; its calls fail or go back in line. */
  stop(worker: PoolWorker, reason: string): void;
  /** Waiting calls to workers with room; start workers if needed. */
  drain(): void;
  /** Let the pool's workers hold the event loop while calls are in it, and only then. */
  updateReference(): void;
}
