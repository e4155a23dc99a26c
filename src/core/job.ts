/**
 * One task from `run` to its settlement, as one object: the call a backend
 * runs (TaskCall), the task's own abort signal (a TaskSignal), its follower on
 * the caller's signal, and the executor's bookkeeping. `run` is the hot path of
 * tiny tasks: at 50,000 calls submitted at once, every extra object or closure
 * per call is garbage the collector must copy while the calls wait, and GC was
 * the largest single cost of `run` in a profile.
 */
import type { TransferListItem } from 'node:worker_threads';
import type { TaskCall } from '../backends/backend.js';
import type { RunOptions } from '../executor.js';
import type { Task, TaskFunction } from '../task.js';
import type { CallSample } from '../policy/call-sample.js';
import { TaskSignal } from './task-signal.js';

/**
 * An internal run option: the attempt this run is (`ctx.attempt`), for a
 * caller that retries by itself (a distributed worker: BullMQ's attempts).
 */
export const ATTEMPT = Symbol.for('unified-executor.attempt');

/** Who hears that a worker started a job, and what it measured of it (the executor core). */
export interface JobOwner {
  jobStarted(job: Job, startedAt?: number): void;
  jobMeasured(job: Job, sample: CallSample): void;
  jobRetried(job: Job, attempt: number, error: unknown, delayMs: number): void;
  jobProgress(job: Job, value: unknown, item: number): void;
}

export class Job extends TaskSignal implements TaskCall {
  /** It left the executor's queue for the backend (a pool may hold it ahead of a worker's current call). */
  dispatched = false;
  /** A worker (or the event loop) began running it: its timeout counts from here. */
  started = false;
  startedAt = 0;
  timer: NodeJS.Timeout | undefined = undefined;
  /** Which run this is: 1, then 2 on the first retry (TaskCall; the task context's `attempt`). */
  attempt = 1;
  /** It holds a rate-limit token not yet paid for by a start. */
  token = false;
  /** It waits out its retry delay. */
  retryTimer: NodeJS.Timeout | undefined = undefined;
  /** Its caller's promise has settled: progress is dropped from now on. */
  done = false;
  resolve!: (value: unknown) => void;
  reject!: (error: unknown) => void;

  constructor(
    readonly owner: JobOwner,
    readonly id: number,
    readonly task: Task | TaskFunction,
    readonly input: unknown,
    readonly batch: boolean,
    readonly transfer: TransferListItem[] | undefined,
    readonly label: string,
    /** The caller's signal, if any: this job follows it (see handleEvent). */
    readonly userSignal: AbortSignal | undefined,
    /** ms of running time allowed; undefined: no limit. */
    readonly timeout: number | undefined,
    /** When it was queued (again, for a retry): its wait time counts from here. */
    public queuedAt: number,
    /** The caller's run options, as given (TaskCall). */
    readonly options: RunOptions,
  ) {
    super();
  }

  /** The caller's signal aborted: abort this task with its reason (an object follower, not a closure per call). */
  handleEvent(): void {
    this.abort(this.userSignal!.reason);
  }

  /** The backend says a worker started this call (calls sent ahead start after they are sent). */
  markStarted(startedAt?: number): void {
    if (!this.started) this.owner.jobStarted(this, startedAt);
    // Started already, but it is now known to have started earlier (its start was heard late).
    else if (startedAt !== undefined && startedAt < this.startedAt) this.startedAt = Math.max(this.queuedAt, startedAt);
  }

  /** A backend that retries by itself ran this call again (distributed: BullMQ's attempts). */
  retried(attempt: number, error: unknown, delayMs: number): void {
    this.owner.jobRetried(this, attempt, error, delayMs);
  }

  /** The backend passes on what a worker measured of this call (a sample of calls only). */
  measured(sample: CallSample): void {
    this.owner.jobMeasured(this, sample);
  }

  /** A value from `ctx.progress()`: to the caller while the call is not settled (TaskCall). */
  progress(value: unknown, item: number): void {
    if (!this.done) this.owner.jobProgress(this, value, item);
  }

  /** The promise `run` returns; settled through `resolve`/`reject`. */
  settlement(): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}
