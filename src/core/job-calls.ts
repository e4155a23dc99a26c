/**
 * The Job path of the core: a call with something to abort or time (a
 * caller's signal, a timeout, a pool worker) is one Job, from p-queue to its
 * settlement (the other path, with neither, is DirectCalls).
 *
 *   submit -> p-queue (priority; a caller's signal drops it while it waits)
 *     -> dispatch: held until the backend's code is loaded; a rate-limit token;
 *        backend.execute(job, job)     a pool may hold it ahead of a worker's current call
 *     -> start (job.markStarted, or at dispatch): timeout timer, taskStart, `running`
 *     -> settle: a retry (RetryScheduler), or stats, taskEnd / taskError, the caller's promise
 *
 * The caller's signal, the timeout and destroy() all abort the job with their
 * own reason: a queued job leaves p-queue and is rejected at once, a
 * dispatched one is settled by the backend with the reason, and the backend
 * stops the work (a pool ends the worker, or drops a call it has not
 * started). So no promise waits on a worker that may never answer.
 */
import type { EventEmitter } from 'eventemitter3';
import type PQueue from 'p-queue';
import type { Backend } from '../backends/backend.js';
import { ExecutorClosedError, TaskTimeoutError } from '../errors.js';
import type { ExecutorEvents, RunOptions, TaskBackend } from '../executor.js';
import type { ExecutorOptions } from '../options.js';
import type { CallSample } from '../policy/call-sample.js';
import type { TaskProfiles } from '../policy/task-profile.js';
import type { Task, TaskFunction } from '../task.js';
import type { CoreCounters } from './direct-calls.js';
import type { DispatchGate } from './dispatch-gate.js';
import { ATTEMPT, Job, type JobOwner } from './job.js';
import { recordMeasured, reportProgress } from './job-reports.js';
import type { EnqueueOptions, RetryFirstQueue } from './retry-first-queue.js';
import { RetryScheduler } from './retry-scheduler.js';
import type { RoomWaiters } from './room-waiters.js';
import { follow, unfollow } from './shared-signal.js';

/** The run options of a call given none: one frozen object, so the hot path tells it apart without reading it. */
export const NO_OPTIONS: RunOptions = Object.freeze({});
const DONE = Promise.resolve();

export interface JobCallsInit {
  backend: Backend;
  queue: PQueue<RetryFirstQueue, EnqueueOptions>;
  counters: CoreCounters;
  gate: DispatchGate;
  room: RoomWaiters;
  events: EventEmitter<ExecutorEvents>;
  options: ExecutorOptions;
  /** Undefined when measurement is off. */
  profiles: TaskProfiles | undefined;
  /** A run ended (settled, or went back for a retry): the executor adjusts p-queue's window and may turn idle. */
  afterSettle: () => void;
  /** A job that never reached the backend settled: the executor may turn idle. */
  scheduleIdle: () => void;
}

export class JobCalls implements JobOwner {
  #backend: Backend;
  #kind: TaskBackend;
  #queue: PQueue<RetryFirstQueue, EnqueueOptions>;
  #counters: CoreCounters;
  #gate: DispatchGate;
  #room: RoomWaiters;
  #events: EventEmitter<ExecutorEvents>;
  #profiles: TaskProfiles | undefined;
  #retries: RetryScheduler;
  #reportsStart: boolean;
  #afterSettle: () => void;
  #scheduleIdle: () => void;
  /** Submitted and not settled. */
  #live = new Set<Job>();
  /** Dispatched to a pool that has not started them yet (sent ahead). */
  #ahead = 0;
  /** Out of p-queue, held until the backend's code is loaded (Backend.loading): queued still. */
  #awaitingLoad = new Set<Job>();

  constructor(init: JobCallsInit) {
    this.#backend = init.backend;
    this.#kind = init.backend.kind;
    this.#queue = init.queue;
    this.#counters = init.counters;
    this.#gate = init.gate;
    this.#room = init.room;
    this.#events = init.events;
    this.#profiles = init.profiles;
    this.#reportsStart = init.backend.reportsStart === true;
    this.#afterSettle = init.afterSettle;
    this.#scheduleIdle = init.scheduleIdle;
    this.#retries = new RetryScheduler(
      init.backend,
      init.options,
      (job) => this.#enqueue(job, true),
      (job) => this.#drop(job),
    );
  }

  /** Sent ahead to a pool's worker, not started yet. */
  get ahead(): number {
    return this.#ahead;
  }

  /** Queued but out of p-queue: waiting out a retry delay, or for the backend's code to load. */
  get setAside(): number {
    return this.#retries.delayed + this.#awaitingLoad.size;
  }

  /** No job is live or sent ahead. */
  get idle(): boolean {
    return this.#live.size === 0 && this.#ahead === 0;
  }

  submit(task: Task | TaskFunction, input: unknown, batch: boolean, options: RunOptions, label: string, timeout: number | undefined): Promise<unknown> {
    const userSignal = options.signal;
    const transfer = batch ? undefined : options.transfer;
    const job = new Job(this, this.#counters.nextId++, task, input, batch, transfer, label, userSignal, timeout, performance.now(), options);
    if (options !== NO_OPTIONS) {
      const attempt = (options as { [ATTEMPT]?: number })[ATTEMPT];
      if (attempt !== undefined) job.attempt = attempt;
    }
    // One listener per distinct caller signal, however many runs share it.
    if (userSignal) follow(userSignal, job);
    this.#counters.tally.submitted++;
    const settled = job.settlement();
    this.#live.add(job);
    this.#enqueue(job, false);
    return settled;
  }

  /** destroy(): every live job is aborted and, unless the backend has it, settled now; none runs again. */
  destroy(): void {
    for (const job of [...this.#live]) {
      job.abort(
        new ExecutorClosedError(job.started ? 'The executor was destroyed while the task ran' : 'The executor was destroyed before the task started'),
      );
      this.#drop(job);
    }
    this.#retries.stop();
  }

  /** A pool's worker started `job` (JobOwner); for other backends, `#dispatch` calls it. */
  jobStarted(job: Job, startedAt?: number): void {
    if (!job.started && !job.aborted) {
      this.#begin(job, startedAt);
      this.#gate.paid(job);
    }
  }

  /** A backend that retries by itself (distributed) runs `job` again (JobOwner): counted and reported here. */
  jobRetried(job: Job, attempt: number, error: unknown, delayMs: number): void {
    this.#counters.tally.retried++;
    job.attempt = attempt + 1;
    this.#events.emit('taskRetry', { id: job.id, task: job.label, backend: this.#kind, attempt, error, delayMs });
  }

  /** What a worker measured of `job` (JobOwner), into the task's profile. */
  jobMeasured(job: Job, sample: CallSample): void {
    if (this.#profiles !== undefined) recordMeasured(this.#profiles, job, sample);
  }

  /** A value from the task's `ctx.progress()` (JobOwner), while its call is live. */
  jobProgress(job: Job, value: unknown, item: number): void {
    reportProgress(this.#events, this.#kind, job, value, item);
  }

  /** Into p-queue: at the end of its priority, or (a retry) at its front. */
  #enqueue(job: Job, front: boolean): void {
    const userSignal = job.userSignal;
    const priority = job.options.priority ?? 0;
    // Only a caller's signal can abort a task while it waits (destroy() drops
    // every live job itself), so only then does p-queue get a signal, to drop
    // the task from its queue; it aborts only while the task waits, so once
    // dispatched, the backend owns the abort (it settles with the reason).
    let queueSignal: AbortSignal | undefined;
    if (userSignal) {
      const whileQueued = new AbortController();
      queueSignal = whileQueued.signal;
      const dropIfQueued = () => {
        if (!job.dispatched) whileQueued.abort(job.reason);
      };
      if (job.aborted) dropIfQueued();
      else job.addEventListener('abort', dropIfQueued);
    }
    const queued = this.#queue.add(
      () => this.#dispatch(job),
      front ? { priority, signal: queueSignal, front } : { priority, signal: queueSignal },
    );
    // `#dispatch` never throws (it settles the caller's promise itself), so
    // p-queue rejects only when the caller's signal drops a waiting task.
    if (queueSignal) queued.catch(() => this.#drop(job));
    this.#gate.queued();
  }

  /** Runs in the queue's slot: hands the job to the backend; the slot is held until it settles. */
  #dispatch(job: Job): Promise<void> {
    // Dropped while it waited (destroy(), or an abort p-queue had no signal for).
    if (job.aborted) {
      this.#drop(job);
      return DONE;
    }
    const loading = this.#backend.loading;
    if (loading !== undefined) {
      // Handed over once the backend is there, so its result comes to #settle straight from it.
      this.#awaitingLoad.add(job);
      this.#backend.awaitsLoad?.();
      return loading.then(() => {
        if (!this.#awaitingLoad.delete(job)) return undefined;
        // Paused meanwhile: back to the front, as a call p-queue has not started.
        if (this.#gate.paused) {
          this.#enqueue(job, true);
          return undefined;
        }
        return this.#dispatch(job);
      });
    }
    // p-queue is held as soon as the last token goes, so this is a safeguard: back to the front, still queued.
    if (!this.#gate.take(job)) {
      this.#enqueue(job, true);
      return DONE;
    }
    job.dispatched = true;
    if (this.#reportsStart) this.#ahead++;
    else this.#begin(job);
    // Backends settle with the signal's reason as soon as it aborts (their contract).
    const settled = this.#backend.execute(job, job).then(
      (value) => this.#settle(job, true, value),
      (error: unknown) => this.#settle(job, false, error),
    );
    // After taskStart and (async) the task's synchronous start: see RateLimiter.
    if (job.started) this.#gate.paid(job);
    return settled;
  }

  #begin(job: Job, startedAt?: number): void {
    if (this.#reportsStart) {
      this.#ahead--;
      this.#room.check();
    }
    job.started = true;
    const now = performance.now();
    job.startedAt = startedAt === undefined ? now : Math.max(job.queuedAt, Math.min(startedAt, now));
    this.#counters.running++;
    if (this.#events.listenerCount('taskStart') > 0) this.#events.emit('taskStart', { id: job.id, task: job.label, backend: this.#kind });
    if (job.timeout !== undefined) job.timer = setTimeout(timeOut, Math.max(0, job.timeout - (now - job.startedAt)), job);
  }

  /** After a failed run: true if `job` runs again (see RetryScheduler); its failed run ends here. */
  #retry(job: Job, failure: { error: unknown }): boolean {
    const error = failure.error;
    const delayMs = this.#retries.delayFor(job, failure);
    if (delayMs === undefined) return false;
    // The failed run ends here: it leaves `running` (or the pool's line), not the executor.
    clearTimeout(job.timer);
    if (job.started) this.#counters.running--;
    else {
      this.#ahead--;
      this.#gate.unpaid(job);
    }
    this.#counters.tally.retried++;
    this.#events.emit('taskRetry', { id: job.id, task: job.label, backend: this.#kind, attempt: job.attempt, error, delayMs });
    job.reset();
    job.attempt++;
    job.dispatched = false;
    job.started = false;
    job.queuedAt = performance.now();
    this.#retries.schedule(job, delayMs);
    this.#afterSettle();
    return true;
  }

  /**
   * Accounting and events happen here, before the caller's promise settles,
   * so a `taskEnd` always comes before the next `taskStart` and the slot is
   * free when the caller resumes.
   */
  #settle(job: Job, ok: boolean, outcome: unknown): void {
    clearTimeout(job.timer);
    if (!ok) {
      const failure = { error: outcome };
      if (this.#retry(job, failure)) return;
      outcome = failure.error;
    }
    job.done = true;
    if (job.userSignal) unfollow(job.userSignal, job);
    this.#live.delete(job);
    const counters = this.#counters;
    // A call that ends before it started: aborted while sent ahead, or a result before any start notice.
    if (!job.started) {
      if (!ok) {
        this.#ahead--;
        this.#gate.unpaid(job);
        this.#room.check();
        this.#fail(job, outcome);
        this.#afterSettle();
        return;
      }
      this.#begin(job);
      this.#gate.paid(job);
    }
    const runMs = performance.now() - job.startedAt;
    counters.running--;
    counters.tally.timed(job.startedAt - job.queuedAt, runMs);
    if (ok) {
      counters.tally.completed++;
      if (this.#events.listenerCount('taskEnd') > 0) {
        this.#events.emit('taskEnd', { id: job.id, task: job.label, backend: this.#kind, waitMs: job.startedAt - job.queuedAt, runMs });
      }
      job.resolve(outcome);
    } else {
      this.#fail(job, outcome);
    }
    this.#afterSettle();
  }

  /** Settles a task that never reached the backend: aborted while queued, or dropped by destroy(). */
  #drop(job: Job): void {
    if (job.dispatched || !this.#live.delete(job)) return;
    job.done = true;
    this.#retries.cancel(job);
    this.#awaitingLoad.delete(job);
    this.#room.check();
    if (job.userSignal) unfollow(job.userSignal, job);
    this.#fail(job, job.reason);
    this.#scheduleIdle();
  }

  /** Counts `job`'s failure, emits `taskError`, and rejects the caller's promise. */
  #fail(job: Job, error: unknown): void {
    // A rejection by the task's own abort signal is a cancellation, except a timeout, which is a failure.
    if (job.aborted && job.reason === error && !(error instanceof TaskTimeoutError)) this.#counters.tally.cancelled++;
    else this.#counters.tally.failed++;
    this.#events.emit('taskError', { id: job.id, task: job.label, backend: this.#kind, error });
    job.reject(error);
  }
}

/** A job's timeout fired (a plain function with the job as argument: no closure per timed task). */
function timeOut(job: Job): void {
  job.abort(new TaskTimeoutError(job.label, job.timeout!));
}
