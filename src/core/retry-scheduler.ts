/**
 * Retries of the Job path: whether a failed run runs again and after how
 * long (the rules are in retry-policy.ts), and the wait itself. A retry is the
 * same Job going back to the front of its priority, after its delay: one
 * submitted task, one promise, `attempt` + 1.
 *
 *   failed run -> delayFor(): undefined (settle with the error) or a delay
 *     -> (JobCalls ends the failed run: `running`, the token, `taskRetry`)
 *     -> schedule(): 0 ms -> requeue now; else a timer, then requeue
 *        (an abort while it waits drops the job: settled like a queued task)
 *
 * What never retries: an abort by the caller or by destroy(), and a backend
 * that retries by itself (distributed: BullMQ's attempts).
 */
import type { Backend } from '../backends/backend.js';
import { TaskTimeoutError } from '../errors.js';
import type { ExecutorOptions } from '../options.js';
import type { Job } from './job.js';
import { retriesOf, retryDecision } from './retry-policy.js';
import { MAX_TIMER_MS } from './run-options.js';

export class RetryScheduler {
  #backend: Backend;
  #options: ExecutorOptions;
  /** Into p-queue's front (the delay is over). */
  #requeue: (job: Job) => void;
  /** Settles a job aborted while it waited out its delay. */
  #drop: (job: Job) => void;
  /** Jobs waiting out a retry delay (queued, but not in p-queue yet). */
  #delayed = 0;
  /** destroy(): nothing runs again. */
  #stopped = false;

  constructor(backend: Backend, options: ExecutorOptions, requeue: (job: Job) => void, drop: (job: Job) => void) {
    this.#backend = backend;
    this.#options = options;
    this.#requeue = requeue;
    this.#drop = drop;
  }

  /** Jobs waiting out a retry delay. */
  get delayed(): number {
    return this.#delayed;
  }

  /**
   * After a failed run of `job`: the delay (ms) before it runs again, if its
   * retries allow it and it was not aborted by its caller or destroy(); else
   * undefined, and the outcome to settle with is left in `failure.error`
   * (retryOn's own throw, or a bad retryDelay result).
   */
  delayFor(job: Job, failure: { error: unknown }): number | undefined {
    const error = failure.error;
    if (this.#backend.retriesItself || this.#stopped || job.attempt > retriesOf(job.options, this.#options)) return undefined;
    // Aborted: by its caller or destroy() (never retried), or by its timeout (a failure like any other).
    if (job.aborted && !(job.reason === error && error instanceof TaskTimeoutError)) return undefined;
    if (job.userSignal?.aborted) return undefined;
    const decision = retryDecision(job.options, this.#options, job.attempt, error, job.label);
    if (typeof decision !== 'number') {
      failure.error = decision.final;
      return undefined;
    }
    return Math.min(MAX_TIMER_MS, Math.round(decision));
  }

  /** `job`, reset for its next run, goes back to p-queue's front after `delayMs`. */
  schedule(job: Job, delayMs: number): void {
    if (delayMs === 0) {
      this.#requeue(job);
      return;
    }
    this.#delayed++;
    // Aborted while it waits out the delay (its caller's signal): settled now, like a queued task.
    const dropWhileDelayed = () => this.#drop(job);
    job.addEventListener('abort', dropWhileDelayed);
    job.retryTimer = setTimeout(() => {
      job.removeEventListener('abort', dropWhileDelayed);
      job.retryTimer = undefined;
      this.#delayed--;
      this.#requeue(job);
    }, delayMs);
  }

  /** `job` is dropped (aborted, or destroy()): if it waited out a delay, its timer stops. */
  cancel(job: Job): void {
    if (job.retryTimer === undefined) return;
    clearTimeout(job.retryTimer);
    job.retryTimer = undefined;
    this.#delayed--;
  }

  /** destroy(): no failed run runs again from now on. */
  stop(): void {
    this.#stopped = true;
  }
}
