/**
 * What holds p-queue's dispatch for one backend executor: the user's
 * `pause()`, and the rate limit when no token is left (`held`). p-queue runs
 * when neither holds it. Held tasks are still in p-queue, so they are queued
 * in every sense: priority, abort, maxQueue.
 *
 *   pause() -> p-queue stops, and a backend that holds calls ahead of their
 *     start (a pool, a BullMQ queue) is told too; resume() undoes both
 *   rate limit: a dispatch takes a token (`take`), which its start pays for
 *     (`paid`) or an end without a start gives back (`unpaid`); with no token
 *     left the RateLimiter holds p-queue (`hold`) and wakes it when one frees
 *
 * The RateLimiter may be shared by the backends of an `auto` executor: this
 * gate is its member (RateLimited) for this backend.
 */
import type PQueue from 'p-queue';
import type { Backend } from '../backends/backend.js';
import type { Job } from './job.js';
import type { RateLimited, RateLimiter } from './rate-limiter.js';
import type { EnqueueOptions, RetryFirstQueue } from './retry-first-queue.js';

export class DispatchGate implements RateLimited {
  #queue: PQueue<RetryFirstQueue, EnqueueOptions>;
  #backend: Backend;
  /** `pause()` was called (the user's); `#held`: the rate limit has no token left. */
  #paused = false;
  #held = false;
  #limiter: RateLimiter | undefined;

  constructor(queue: PQueue<RetryFirstQueue, EnqueueOptions>, backend: Backend) {
    this.#queue = queue;
    this.#backend = backend;
  }

  /** Starts spending `limiter`'s budget (joining may hold p-queue at once). */
  limitBy(limiter: RateLimiter): void {
    this.#limiter = limiter;
    limiter.join(this);
  }

  /** There is a rate limit to pay for starts. */
  get limited(): boolean {
    return this.#limiter !== undefined;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Neither paused nor held: a free slot starts a task. */
  get open(): boolean {
    return !this.#paused && !this.#held;
  }

  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#queue.pause();
    this.#backend.pause?.();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#backend.resume?.();
    if (this.#limiter) this.#limiter.queued();
    else this.#queue.start();
  }

  /**
   * RateLimited: tasks in p-queue that wait for tokens (none while paused). With
   * every slot taken they wait for a slot too: waking lets p-queue dispatch the
   * moment one frees, taking tokens then.
   */
  readyCount(): number {
    return this.#paused ? 0 : this.#queue.size;
  }

  /** RateLimited: no token left. */
  hold(): void {
    this.#held = true;
    this.#queue.pause();
  }

  /** RateLimited: a token is free (p-queue dispatches synchronously, taking tokens, and may be held again). */
  wake(): void {
    this.#held = false;
    if (!this.#paused) this.#queue.start();
  }

  /** A task went into p-queue: it may wait for the budget, or find tokens freed while nothing waited. */
  queued(): void {
    this.#limiter?.queued();
  }

  /** A token for `job`, about to be dispatched (true without a rate limit); false if none is left. */
  take(job: Job): boolean {
    if (this.#limiter === undefined) return true;
    if (!this.#limiter.take()) return false;
    job.token = true;
    return true;
  }

  /** The start `job` took a rate-limit token for happened. */
  paid(job: Job): void {
    if (!job.token) return;
    job.token = false;
    this.#limiter?.started();
  }

  /** `job` ends (or goes back) without the start its token was for. */
  unpaid(job: Job): void {
    if (!job.token) return;
    job.token = false;
    this.#limiter?.giveBack();
  }

  /** destroy(): spends no more of the budget, and holds p-queue no more. */
  leave(): void {
    this.#limiter?.leave(this);
    this.#limiter = undefined;
  }
}
