/**
 * A job's `ctx.progress()` values on their way to the submitter: through
 * BullMQ's `job.updateProgress()`, which Redis turns into a `progress` event
 * that the submitter's QueueEvents reads, in stream order with the job's
 * `active` and `completed`/`failed`.
 *
 * Values are encoded at once (a value that cannot be cloned throws
 * TaskNotPortableError in the task, as on the pools; a later change to it by
 * the task does not show), and the values of one turn of the event loop go in
 * one update: a task reporting 10,000 times costs a few Redis writes, not 10,000.
 * `drain()` waits until all are written: the job's result must come after them.
 */
import type { Job } from 'bullmq';
import { encodeValue } from './codec.js';

/** What one `updateProgress` carries: `[item, encoded value]` pairs, in order. */
export interface ProgressUpdate {
  ue: [number, string][];
}

export function isProgressUpdate(data: unknown): data is ProgressUpdate {
  return typeof data === 'object' && data !== null && Array.isArray((data as ProgressUpdate).ue);
}

export class ProgressRelay {
  #job: Job;
  #label: string;
  #buffer: [number, string][] = [];
  #scheduled = false;
  /** The last write: writes go in order on one connection, so it settles after the earlier ones. */
  #last: Promise<void> = Promise.resolve();

  constructor(job: Job, label: string) {
    this.#job = job;
    this.#label = label;
  }

  add(value: unknown, item: number): void {
    this.#buffer.push([item, encodeValue(value, `value of ctx.progress() in task ${this.#label}`)]);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  /** Every value reported so far is in Redis (or failed to get there: progress is best effort, the result is not). */
  async drain(): Promise<void> {
    this.#flush();
    await this.#last;
  }

  #flush(): void {
    this.#scheduled = false;
    if (this.#buffer.length === 0) return;
    const update: ProgressUpdate = { ue: this.#buffer };
    this.#buffer = [];
    this.#last = this.#job.updateProgress(update as unknown as object).catch(() => undefined);
  }
}
