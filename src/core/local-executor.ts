/**
 * The executor core over one local backend. Data flows one way:
 *
 *   run(task, input) -> checks (closed? portable? queue full?) -> p-queue (priority, abort while queued)
 *     -> dispatch: backend.execute(job, job)     a pool may hold it ahead of a worker's current call
 *     -> start (job.markStarted, or at dispatch): timeout timer, taskStart, `running`
 *     -> settle: stats, taskEnd / taskError, idle
 *
 * p-queue is the queue: it orders waiting tasks by priority, then submission,
 * and hands the backend at most `backend.capacity` of them (its slots, plus
 * what a pool sends ahead to its workers).
 *
 * Two ways through:
 * - a Job per task (the call, its own light abort signal and its bookkeeping)
 *   whenever there is something to abort or time: a caller's signal, a timeout,
 *   a pool worker. The caller's signal, the timeout and destroy() all abort the
 *   job with their own reason; a queued job leaves p-queue and is rejected at
 *   once, a dispatched one is settled by the backend with the reason, and the
 *   backend stops the work (a pool ends the worker, or drops a call it has not
 *   started). So no promise waits on a worker that may never answer.
 * - direct (DirectCalls): a call with neither, on an in-process backend, runs
 *   at once when a slot is free and nothing waits (no p-queue task at all for
 *   one that returns a plain value); else it is just p-queue's own task.
 *
 * Pacing (all off, and free, unless asked for):
 * - pause(): p-queue stops dispatching (and the direct path queues); a backend
 *   that holds calls ahead of their start (a pool, a BullMQ queue) is told too.
 * - rateLimit: dispatch takes a token of a RateLimiter (shared by the backends
 *   of an `auto` executor); without one, p-queue is held. Held tasks are still
 *   in p-queue, so they are queued in every sense: priority, abort, maxQueue.
 * - retries: a failed run of a Job goes back to the front of its priority (after
 *   its delay) as the same Job: one submitted task, one promise, `attempt` + 1.
 */
import { EventEmitter } from 'eventemitter3';
import PQueue from 'p-queue';
import type { Backend, BackendContext, BackendFactory } from '../backends/backend.js';
import { ExecutorClosedError, QueueFullError, TaskNotPortableError, TaskTimeoutError } from '../errors.js';
import type { Executor, ExecutorEvents, ExecutorStats, MapOptions, RunOptions, TaskBackend } from '../executor.js';
import type { ExecutorOptions } from '../options.js';
import type { Decision, TaskTraits } from '../policy/rules.js';
import type { CallSample } from '../policy/call-sample.js';
import { DirectCalls, type CoreCounters } from './direct-calls.js';
import { ATTEMPT, Job, type JobOwner } from './job.js';
import { mapTasks, type ChunkRunner } from './map.js';
import { RateLimiter, type RateLimited } from './rate-limiter.js';
import { RetryFirstQueue, type EnqueueOptions } from './retry-first-queue.js';
import { retriesOf, retryDecision } from './retry-policy.js';
import { checkTimerOptions, MAX_TIMER_MS, notATaskProblem, runOptionsProblem } from './run-options.js';
import { follow, unfollow } from './shared-signal.js';
import { TaskTally } from './stats.js';
import { measurementEnabled, type TaskProfiles } from '../policy/task-profile.js';
import { taskLabel, type Task, type TaskFunction } from '../task.js';

export interface LocalExecutorInit {
  factory: BackendFactory;
  options: ExecutorOptions;
  /** Traits used to size the backend (the executor's defaults, plus the routing task's in `auto`). */
  traits: TaskTraits;
  /** What `explain()` answers. */
  decision: (task?: Task | TaskFunction) => Decision<TaskBackend>;
  /** Where measured calls go (an auto executor shares one store among its backends). */
  profiles: TaskProfiles;
  /** An auto executor's one budget for all its backends; else one is made from `options.rateLimit`. */
  rateLimiter?: RateLimiter;
  /** Created while its auto executor is paused. */
  paused?: boolean;
}

const NO_OPTIONS: RunOptions = Object.freeze({});
const DONE = Promise.resolve();

export class LocalExecutor extends EventEmitter<ExecutorEvents> implements Executor, JobOwner, RateLimited {
  readonly backend;
  #backend: Backend;
  #queue: PQueue<RetryFirstQueue, EnqueueOptions>;
  #options: ExecutorOptions;
  #decision: LocalExecutorInit['decision'];
  #live = new Set<Job>();
  #state: 'open' | 'closing' | 'closed' = 'open';
  #closing?: Promise<void>;
  #destroying?: Promise<void>;
  #idleScheduled = false;
  /** Started and not settled, on either path. */
  #counters: CoreCounters = { running: 0, nextId: 1, tally: new TaskTally() };
  /** Dispatched to a pool that has not started them yet (sent ahead). */
  #ahead = 0;
  /** Out of p-queue, held until the backend's code is loaded (Backend.loading): queued still. */
  #awaitingLoad = new Set<Job>();
  #direct: DirectCalls | undefined;
  #reportsStart: boolean;
  /** Undefined when measurement is off. */
  #profiles: TaskProfiles | undefined;
  /** `pause()` was called (the user's); `#held`: the rate limit has no token left. p-queue runs when neither. */
  #paused = false;
  #held = false;
  #rateLimiter: RateLimiter | undefined;
  /** Jobs waiting out a retry delay (queued, but not in p-queue yet). */
  #delayed = 0;
  /** onSizeLessThan() callers. */
  #roomWaiters: { n: number; resolve: () => void }[] | undefined;

  constructor(init: LocalExecutorInit) {
    super();
    checkTimerOptions(init.options);
    this.#options = init.options;
    this.#decision = init.decision;
    const profiles = init.profiles;
    const context: BackendContext = { options: init.options, traits: init.traits, events: this };
    // UNIFIED_EXECUTOR_MEASURE=0 (the benchmark's switch): in-process backends measure nothing, and no samples are kept.
    if (measurementEnabled()) {
      this.#profiles = profiles;
      context.recordSample = (task, sample) => profiles.record(task, sample);
    }
    this.#backend = init.factory(context);
    this.backend = this.#backend.kind;
    this.#reportsStart = this.#backend.reportsStart === true;
    this.#queue = new PQueue<RetryFirstQueue, EnqueueOptions>({
      concurrency: this.#backend.capacity ?? this.#backend.concurrency,
      queueClass: RetryFirstQueue,
    });
    if (init.paused) this.pause();
    if (init.rateLimiter || init.options.rateLimit) {
      this.#rateLimiter = init.rateLimiter ?? new RateLimiter(init.options.rateLimit!, this);
      this.#rateLimiter.join(this);
    }
    // The direct path has no Job to carry a retry or a rate-limit token: with an executor-wide default of either, every call takes the Job path.
    if (this.#backend.runNow && this.#rateLimiter === undefined && !(init.options.retries! > 0)) {
      this.#direct = new DirectCalls(this.#backend, this.#counters, this, () => this.#afterSettle());
    }
  }

  /** Calls the backend runs at once: the default window of `map`. */
  get concurrency(): number {
    return this.#backend.mapWindow ?? this.#backend.concurrency;
  }

  explain(task?: Task | TaskFunction): Decision<TaskBackend> {
    return this.#decision(task);
  }

  run<I, O, P = unknown>(task: Task<I, O, P> | TaskFunction<I, O, P>, input: NoInfer<I>, options: RunOptions<NoInfer<P>> = NO_OPTIONS): Promise<O> {
    return this.#submit(task, input, false, options as RunOptions) as Promise<O>;
  }

  /** One call for several inputs (map's chunks); resolves with their results in order. */
  runBatch<I, O, P = unknown>(task: Task<I, O, P> | TaskFunction<I, O, P>, inputs: I[], options: RunOptions = NO_OPTIONS): Promise<O[]> {
    return this.#submit(task, inputs, true, options) as Promise<O[]>;
  }

  map<I, O, P = unknown>(
    task: Task<I, O, P> | TaskFunction<I, O, P>,
    inputs: Iterable<NoInfer<I>> | AsyncIterable<NoInfer<I>>,
    options: MapOptions<NoInfer<P>> = {},
  ): AsyncIterableIterator<O> {
    const onProgress = options.onProgress as ((value: unknown, index: number) => void) | undefined;
    const runner: ChunkRunner<I, O> = {
      label: taskLabel(task),
      concurrency: this.concurrency,
      check: () => this.#refuse(task),
      runOne: (input, signal, index) =>
        this.run(task as Task<I, O>, input, onProgress ? { signal, onProgress: itemProgress(onProgress, index) } : { signal }),
      runChunk: (chunk, signal, first) =>
        this.runBatch(task, chunk, onProgress ? { signal, onProgress: itemProgress(onProgress, first) } : { signal }),
    };
    return mapTasks(runner, inputs as Iterable<I> | AsyncIterable<I>, options as MapOptions);
  }

  /**
   * Tasks queued or running, as stats() counts them, without its percentiles
   * (two sorts of 1,024 samples): the auto executor asks at every child's
   * `idle`, which a distributed worker of tiny jobs meets at nearly every job.
   */
  get pending(): number {
    return this.#queue.size + this.#ahead + this.#counters.running;
  }

  stats(): ExecutorStats {
    const queued = this.#queuedCount();
    return this.#counters.tally.snapshot(this.backend, this.#backend.workers(), queued, this.#counters.running);
  }

  onIdle(): Promise<void> {
    if (this.#isIdle() && !this.#idleScheduled) return Promise.resolve();
    return new Promise((resolve) => this.once('idle', resolve));
  }

  get paused(): boolean {
    return this.#paused;
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
    if (this.#rateLimiter) this.#rateLimiter.queued();
    else this.#queue.start();
  }

  onSizeLessThan(n: number): Promise<void> {
    if (typeof n !== 'number' || Number.isNaN(n)) {
      return Promise.reject(new TypeError(`Expected the size of onSizeLessThan(n) to be a number, got \`${String(n)}\` (${typeof n})`));
    }
    if (this.#queuedCount() < n) return Promise.resolve();
    return new Promise((resolve) => {
      if (this.#roomWaiters === undefined) {
        this.#roomWaiters = [];
        // Every dequeue (to a start, or to a pool's line) and every abort of a waiting task.
        this.#queue.on('active', this.#checkRoom);
        this.#queue.on('next', this.#checkRoom);
      }
      this.#roomWaiters.push({ n, resolve });
    });
  }

  onEmpty(): Promise<void> {
    return this.onSizeLessThan(1);
  }

  /** Tasks not started: in p-queue, waiting out a retry delay, or sent ahead to a worker. */
  get queuedCount(): number {
    return this.#queuedCount();
  }

  close(): Promise<void> {
    if (this.#destroying) return this.#destroying;
    if (!this.#closing) {
      this.#state = 'closing';
      this.#closing = this.onIdle().then(async () => {
        this.#state = 'closed';
        // destroy() came first: it releases the workers; a close() on top
        // would race it inside the backend (piscina resurrects a thread).
        if (this.#destroying) return this.#destroying;
        await this.#backend.close();
      });
    }
    return this.#closing;
  }

  destroy(): Promise<void> {
    if (!this.#destroying) {
      this.#state = 'closed';
      for (const job of [...this.#live]) {
        job.abort(
          new ExecutorClosedError(
            job.started ? 'The executor was destroyed while the task ran' : 'The executor was destroyed before the task started',
          ),
        );
        this.#drop(job);
      }
      this.#direct?.destroy();
      // What is still queued is either an aborted job (skipped when p-queue
      // reaches it) or a direct call (rejects when it reaches the front): let
      // p-queue reach them all at once, paused or held or not. clear() would leave their promises pending.
      this.#rateLimiter?.leave(this);
      this.#rateLimiter = undefined;
      this.#queue.concurrency = Number.POSITIVE_INFINITY;
      this.#queue.start();
      this.#destroying = this.#backend.destroy().then(() => this.onIdle());
    }
    return this.#destroying;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** A pool's worker started `job` (JobOwner); for other backends, `#dispatch` calls it. */
  jobStarted(job: Job, startedAt?: number): void {
    if (!job.started && !job.aborted) {
      this.#begin(job, startedAt);
      this.#paid(job);
    }
  }

  /** A backend that retries by itself (distributed) runs `job` again (JobOwner): counted and reported here. */
  jobRetried(job: Job, attempt: number, error: unknown, delayMs: number): void {
    this.#counters.tally.retried++;
    job.attempt = attempt + 1;
    this.emit('taskRetry', { id: job.id, task: job.label, backend: this.backend, attempt, error, delayMs });
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

  /**
   * What a worker measured of `job` (JobOwner), into the task's profile. A
   * batch (a chunk of `map`) was measured as one call: its times are spread
   * over its items, so the profile's run time stays per item (shares are kept).
   */
  jobMeasured(job: Job, sample: CallSample): void {
    if (this.#profiles === undefined) return;
    const items = job.batch ? (job.input as unknown[]).length : 1;
    if (items <= 1) {
      this.#profiles.record(job.task, sample);
      return;
    }
    const cpuMs = sample.cpuMs === undefined ? undefined : sample.cpuMs / items;
    this.#profiles.record(job.task, { runMs: sample.runMs / items, syncMs: sample.syncMs / items, cpuMs });
  }

  /**
   * A value from the task's `ctx.progress()` (JobOwner), while its call is
   * live: to the caller's `onProgress` (with the item's index in a batch), then
   * to `taskProgress` listeners. A throwing `onProgress` must not break the
   * backend's message loop: it becomes a `warning`.
   */
  jobProgress(job: Job, value: unknown, item: number): void {
    const onProgress = job.options.onProgress as ((value: unknown, item: number) => void) | undefined;
    if (onProgress !== undefined) {
      try {
        onProgress(value, item);
      } catch (error) {
        // A distributed worker's handler encodes the value: one that cannot be sent is the task's error, in the task.
        if (error instanceof TaskNotPortableError) throw error;
        this.emit('warning', {
          type: 'progress-handler-threw',
          backend: this.backend,
          task: job.label,
          message: `onProgress of task ${job.label} threw: ${(error as Error)?.message ?? String(error)}`,
        });
      }
    }
    if (this.#listening('taskProgress')) this.emit('taskProgress', { id: job.id, task: job.label, backend: this.backend, value });
  }

  #begin(job: Job, startedAt?: number): void {
    if (this.#reportsStart) {
      this.#ahead--;
      if (this.#roomWaiters) this.#checkRoom();
    }
    job.started = true;
    const now = performance.now();
    job.startedAt = startedAt === undefined ? now : Math.max(job.queuedAt, Math.min(startedAt, now));
    this.#counters.running++;
    if (this.#listening('taskStart')) this.emit('taskStart', { id: job.id, task: job.label, backend: this.backend });
    if (job.timeout !== undefined) job.timer = setTimeout(timeOut, Math.max(0, job.timeout - (now - job.startedAt)), job);
  }

  /** Why `task` cannot be submitted now, as an error to reject with; undefined if it can. */
  #refuse(task: Task | TaskFunction): Error | undefined {
    const notATask = notATaskProblem(task);
    if (notATask) return notATask;
    if (this.#state !== 'open') {
      return new ExecutorClosedError(`Cannot run task ${taskLabel(task)}: the executor is ${this.#destroying ? 'destroyed' : 'closed'}`);
    }
    try {
      this.#backend.accept(task);
    } catch (error) {
      return error as Error;
    }
    return undefined;
  }

  #submit(task: Task | TaskFunction, input: unknown, batch: boolean, options: RunOptions): Promise<unknown> {
    const refused = this.#refuse(task);
    if (refused) return Promise.reject(refused);
    const label = taskLabel(task);
    if (options !== NO_OPTIONS) {
      const bad = runOptionsProblem(options, label);
      if (bad) return Promise.reject(bad);
    }
    // Infinity: no timer at all (setTimeout would clamp it to 1 ms).
    const limit = options.timeout ?? this.#options.taskTimeout;
    const timeout = limit === Number.POSITIVE_INFINITY ? undefined : limit;
    const maxQueue = this.#options.maxQueue ?? Number.POSITIVE_INFINITY;
    // Below 0 while slots are free: this task would start, not wait.
    const waiting = this.#waiting();
    if (waiting >= maxQueue) {
      return Promise.reject(
        new QueueFullError(`Cannot queue task ${label}: ${waiting} tasks are waiting (maxQueue ${maxQueue}) and ${this.#counters.running} running`),
      );
    }
    const userSignal = options.signal;
    if (this.#direct && !batch && timeout === undefined && userSignal === undefined && !(options.retries! > 0) && options.onProgress === undefined) {
      return this.#direct.submit(this.#queue, task, input, label, options.priority);
    }
    return this.#submitJob(task, input, batch, options, label, timeout);
  }

  #submitJob(task: Task | TaskFunction, input: unknown, batch: boolean, options: RunOptions, label: string, timeout: number | undefined): Promise<unknown> {
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
    this.#rateLimiter?.queued();
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
        if (this.#paused) {
          this.#enqueue(job, true);
          return undefined;
        }
        return this.#dispatch(job);
      });
    }
    if (this.#rateLimiter) {
      // p-queue is held as soon as the last token goes, so this is a safeguard: back to the front, still queued.
      if (!this.#rateLimiter.take()) {
        this.#enqueue(job, true);
        return DONE;
      }
      job.token = true;
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
    if (job.started) this.#paid(job);
    return settled;
  }

  /** The start `job` took a rate-limit token for happened. */
  #paid(job: Job): void {
    if (!job.token) return;
    job.token = false;
    this.#rateLimiter?.started();
  }

  /** `job` ends (or goes back) without the start its token was for. */
  #unpaid(job: Job): void {
    if (!job.token) return;
    job.token = false;
    this.#rateLimiter?.giveBack();
  }

  /**
   * After a failed run: runs `job` again (true) if its retries allow it and it
   * was not aborted by its caller or destroy(); else the outcome to settle
   * with is left in `failure.error` (retryOn's own throw, or a bad retryDelay result).
   */
  #retry(job: Job, failure: { error: unknown }): boolean {
    const error = failure.error;
    if (this.#backend.retriesItself || this.#destroying || job.attempt > retriesOf(job.options, this.#options)) return false;
    // Aborted: by its caller or destroy() (never retried), or by its timeout (a failure like any other).
    if (job.aborted && !(job.reason === error && error instanceof TaskTimeoutError)) return false;
    if (job.userSignal?.aborted) return false;
    const decision = retryDecision(job.options, this.#options, job.attempt, error, job.label);
    if (typeof decision !== 'number') {
      failure.error = decision.final;
      return false;
    }
    const delayMs = Math.min(MAX_TIMER_MS, Math.round(decision));
    // The failed run ends here: it leaves `running` (or the pool's line), not the executor.
    clearTimeout(job.timer);
    if (job.started) this.#counters.running--;
    else {
      this.#ahead--;
      this.#unpaid(job);
    }
    this.#counters.tally.retried++;
    this.emit('taskRetry', { id: job.id, task: job.label, backend: this.backend, attempt: job.attempt, error, delayMs });
    job.reset();
    job.attempt++;
    job.dispatched = false;
    job.started = false;
    job.queuedAt = performance.now();
    if (delayMs === 0) {
      this.#enqueue(job, true);
    } else {
      this.#delayed++;
      // Aborted while it waits out the delay (its caller's signal): settled now, like a queued task.
      const dropWhileDelayed = () => this.#drop(job);
      job.addEventListener('abort', dropWhileDelayed);
      job.retryTimer = setTimeout(() => {
        job.removeEventListener('abort', dropWhileDelayed);
        job.retryTimer = undefined;
        this.#delayed--;
        this.#enqueue(job, true);
      }, delayMs);
    }
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
        this.#unpaid(job);
        if (this.#roomWaiters) this.#checkRoom();
        this.#countFailure(outcome, job);
        this.emit('taskError', { id: job.id, task: job.label, backend: this.backend, error: outcome });
        job.reject(outcome);
        this.#afterSettle();
        return;
      }
      this.#begin(job);
      this.#paid(job);
    }
    const runMs = performance.now() - job.startedAt;
    counters.running--;
    counters.tally.timed(job.startedAt - job.queuedAt, runMs);
    if (ok) {
      counters.tally.completed++;
      if (this.#listening('taskEnd')) {
        this.emit('taskEnd', { id: job.id, task: job.label, backend: this.backend, waitMs: job.startedAt - job.queuedAt, runMs });
      }
      job.resolve(outcome);
    } else {
      this.#countFailure(outcome, job);
      this.emit('taskError', { id: job.id, task: job.label, backend: this.backend, error: outcome });
      job.reject(outcome);
    }
    this.#afterSettle();
  }

  /** Settles a task that never reached the backend: aborted while queued, or dropped by destroy(). */
  #drop(job: Job): void {
    if (job.dispatched || !this.#live.delete(job)) return;
    job.done = true;
    if (job.retryTimer !== undefined) {
      clearTimeout(job.retryTimer);
      job.retryTimer = undefined;
      this.#delayed--;
    }
    this.#awaitingLoad.delete(job);
    if (this.#roomWaiters) this.#checkRoom();
    if (job.userSignal) unfollow(job.userSignal, job);
    this.#countFailure(job.reason, job);
    this.emit('taskError', { id: job.id, task: job.label, backend: this.backend, error: job.reason });
    job.reject(job.reason);
    this.#scheduleIdle();
  }

  #afterSettle(): void {
    // A pool's window follows measured run times: hand it what it takes now.
    const capacity = this.#backend.capacity;
    if (capacity !== undefined && capacity !== this.#queue.concurrency && !this.#destroying) this.#queue.concurrency = capacity;
    this.#scheduleIdle();
  }

  /** Skips building an event's payload when nobody listens: `run` is a hot path. */
  #listening(event: keyof ExecutorEvents): boolean {
    return this.listenerCount(event) > 0;
  }

  /** A rejection by the task's own abort signal is a cancellation, except a timeout, which is a failure. */
  #countFailure(error: unknown, signal: Job): void {
    if (signal.aborted && signal.reason === error && !(error instanceof TaskTimeoutError)) this.#counters.tally.cancelled++;
    else this.#counters.tally.failed++;
  }

  /**
   * `idle` is emitted on the next turn of the event loop, so the callers'
   * own handlers on the last results have run by the time it fires.
   */
  #scheduleIdle(): void {
    if (this.#idleScheduled || !this.#isIdle()) return;
    this.#idleScheduled = true;
    setImmediate(() => {
      this.#idleScheduled = false;
      if (this.#isIdle()) this.emit('idle');
    });
  }

  /**
   * Tasks that wait to start (in p-queue or sent ahead to a worker), less the
   * free slots (negative while some are free). p-queue frees a slot a few
   * microtasks after the task's promise settles, so a caller that awaited a
   * result and submits again would find its slot still taken; `running` drops
   * before the caller is resumed, so what p-queue is about to start does not count.
   * Free slots are never below 0 (distributed may run more than it counts on).
   */
  #waiting(): number {
    const queued = this.#queuedCount();
    // Paused or held by the rate limit: a free slot starts nothing.
    if (this.#paused || this.#held) return queued;
    return queued - Math.max(0, this.#backend.concurrency - this.#counters.running);
  }

  #queuedCount(): number {
    return this.#queue.size + this.#ahead + this.#delayed + this.#awaitingLoad.size;
  }

  /** Resolves the onSizeLessThan() callers there is room for now (an arrow: it is p-queue's listener too). */
  #checkRoom = (): void => {
    const waiters = this.#roomWaiters;
    if (waiters === undefined) return;
    const queued = this.#queuedCount();
    const left = waiters.filter((waiter) => {
      if (queued >= waiter.n) return true;
      waiter.resolve();
      return false;
    });
    if (left.length > 0) {
      this.#roomWaiters = left;
      return;
    }
    this.#roomWaiters = undefined;
    this.#queue.off('active', this.#checkRoom);
    this.#queue.off('next', this.#checkRoom);
  };

  #isIdle(): boolean {
    return this.#queue.size === 0 && this.#counters.running === 0 && this.#live.size === 0 && this.#ahead === 0;
  }
}

/** `map`'s onProgress for the item at `first` (plus its index within a chunk). */
function itemProgress<P>(onProgress: (value: P, index: number) => void, first: number): (value: P, item?: number) => void {
  return (value, item = 0) => onProgress(value, first + item);
}

/** A job's timeout fired (a plain function with the job as argument: no closure per timed task). */
function timeOut(job: Job): void {
  job.abort(new TaskTimeoutError(job.label, job.timeout!));
}
