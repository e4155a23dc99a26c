/**
 * The executor's p-queue, with one hook: `beforeAdd` runs before anything is
 * added. The direct path (direct-calls.ts) keeps calls that wait in a line of
 * its own while p-queue holds nothing; the hook moves that line into p-queue
 * first, in order, so whatever is added next is placed as p-queue places it:
 * behind the line, or ahead of it for a higher priority or a retry (front).
 */
import PQueue from 'p-queue';
import type { EnqueueOptions, RetryFirstQueue } from './retry-first-queue.js';

type Base = PQueue<RetryFirstQueue, EnqueueOptions>;

export class ExecutorQueue extends PQueue<RetryFirstQueue, EnqueueOptions> {
  beforeAdd: (() => void) | undefined = undefined;

  override add: Base['add'] = (function_, options) => {
    this.beforeAdd?.();
    return super.add(function_, options);
  };
}
