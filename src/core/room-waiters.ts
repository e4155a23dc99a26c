/**
 * The callers of `onSizeLessThan(n)` (and `onEmpty()`, which is n = 1): each
 * waits until fewer than `n` tasks are queued (the executor's `queuedCount`).
 *
 * Nothing is listened to while nobody waits: the first waiter subscribes to
 * p-queue's `active` and `next` (every dequeue, to a start or to a pool's
 * line, and every abort of a waiting task), the last one to leave unsubscribes.
 * What p-queue does not see (a start of a call sent ahead, a drop of a task
 * that waits outside p-queue) the executor reports through `check()`.
 */
import type PQueue from 'p-queue';
import type { EnqueueOptions, RetryFirstQueue } from './retry-first-queue.js';

export class RoomWaiters {
  #queue: PQueue<RetryFirstQueue, EnqueueOptions>;
  #queuedCount: () => number;
  #waiters: { n: number; resolve: () => void }[] | undefined;

  constructor(queue: PQueue<RetryFirstQueue, EnqueueOptions>, queuedCount: () => number) {
    this.#queue = queue;
    this.#queuedCount = queuedCount;
  }

  /** `onSizeLessThan(n)`: resolves once fewer than `n` tasks are queued. */
  wait(n: number): Promise<void> {
    if (typeof n !== 'number' || Number.isNaN(n)) {
      return Promise.reject(new TypeError(`Expected the size of onSizeLessThan(n) to be a number, got \`${String(n)}\` (${typeof n})`));
    }
    if (this.#queuedCount() < n) return Promise.resolve();
    return new Promise((resolve) => {
      if (this.#waiters === undefined) {
        this.#waiters = [];
        this.#queue.on('active', this.check);
        this.#queue.on('next', this.check);
      }
      this.#waiters.push({ n, resolve });
    });
  }

  /** Resolves the callers there is room for now (an arrow: it is p-queue's listener too). */
  check = (): void => {
    const waiters = this.#waiters;
    if (waiters === undefined) return;
    const queued = this.#queuedCount();
    const left = waiters.filter((waiter) => {
      if (queued >= waiter.n) return true;
      waiter.resolve();
      return false;
    });
    if (left.length > 0) {
      this.#waiters = left;
      return;
    }
    this.#waiters = undefined;
    this.#queue.off('active', this.check);
    this.#queue.off('next', this.check);
  };
}
