/**
 * An Executor over one backend. Data flows one way:
 *
 *   run(task, input) -> checks (closed? portable? queue full?) -> p-queue (priority, abort while queued)
 *     -> start: timeout timer, taskStart -> backend.execute(job, job) -> worker -> result
 *     -> settle: stats, taskEnd / taskError, idle
 *
 * Every task is one Job: the call, its own light abort signal and its
 * bookkeeping. The caller's signal, the timeout and destroy() all abort it with
 * their own reason; a queued job leaves p-queue and is rejected with that reason
 * at once, a running one is settled by the backend with it, and the backend
 * stops the work (a pool ends the worker). So no promise waits on a worker that
 * may never answer.
 */
import { EventEmitter } from 'eventemitter3';
import PQueue from 'p-queue';
import type { Backend, BackendContext, BackendFactory } from './backends/backend.js';
import { ExecutorClosedError, QueueFullError, TaskTimeoutError } from './errors.js';
import type { Executor, ExecutorEvents, ExecutorStats, MapOptions, RunOptions } from './executor.js';
import type { ExecutorOptions } from './options.js';
import type { Decision, TaskTraits } from './policy.js';
import { mapTasks, type ChunkRunner } from './shared/map.js';
import { checkTimerOptions, runOptionsProblem } from './shared/run-options.js';
import { TaskTally } from './shared/stats.js';
import { Job } from './shared/job.js';
import { follow, unfollow } from './shared/shared-signal.js';
import { isTask, taskLabel, type Task, type TaskFunction } from './task.js';

export interface LocalExecutorInit {
  factory: BackendFactory;
  options: ExecutorOptions;
  /** Traits used to size the backend (the executor's defaults, plus the routing task's in `auto`). */
  traits: TaskTraits;
  /** What `explain()` answers. */
  decision: (task?: Task | TaskFunction) => Decision;
}

export class LocalExecutor extends EventEmitter<ExecutorEvents> implements Executor {
  readonly backend;
  #backend: Backend;
  #queue: PQueue;
  #options: ExecutorOptions;
  #decision: LocalExecutorInit['decision'];
  #live = new Set<Job>();
  #state: 'open' | 'closing' | 'closed' = 'open';
  #closing?: Promise<void>;
  #destroying?: Promise<void>;
  #nextId = 1;
  #idleScheduled = false;
  #running = 0;
  #tally = new TaskTally();

  constructor(init: LocalExecutorInit) {
    super();
    checkTimerOptions(init.options);
    this.#options = init.options;
    this.#decision = init.decision;
    const context: BackendContext = { options: init.options, traits: init.traits, events: this };
    this.#backend = init.factory(context);
    this.backend = this.#backend.kind;
    this.#queue = new PQueue({ concurrency: this.#backend.concurrency });
  }

  /** Calls the backend keeps in flight: the default window of `map`. */
  get concurrency(): number {
    return this.#backend.concurrency;
  }

  explain(task?: Task | TaskFunction): Decision {
    return this.#decision(task);
  }

  run<I, O>(task: Task<I, O> | TaskFunction<I, O>, input: NoInfer<I>, options: RunOptions = {}): Promise<O> {
    return this.#submit(task, input, false, options) as Promise<O>;
  }

  /** One call for several inputs (map's chunks); resolves with their results in order. */
  runBatch<I, O>(task: Task<I, O> | TaskFunction<I, O>, inputs: I[], options: RunOptions = {}): Promise<O[]> {
    return this.#submit(task, inputs, true, options) as Promise<O[]>;
  }

  map<I, O>(
    task: Task<I, O> | TaskFunction<I, O>,
    inputs: Iterable<NoInfer<I>> | AsyncIterable<NoInfer<I>>,
    options: MapOptions = {},
  ): AsyncIterableIterator<O> {
    const runner: ChunkRunner<I, O> = {
      label: taskLabel(task),
      concurrency: this.concurrency,
      check: () => this.#refuse(task),
      runOne: (input, signal) => this.run(task, input, { signal }),
      runChunk: (chunk, signal) => this.runBatch(task, chunk, { signal }),
    };
    return mapTasks(runner, inputs as Iterable<I> | AsyncIterable<I>, options);
  }

  stats(): ExecutorStats {
    return this.#tally.snapshot(this.backend, this.#backend.workers(), this.#queue.size, this.#running);
  }

  onIdle(): Promise<void> {
    if (this.#isIdle() && !this.#idleScheduled) return Promise.resolve();
    return new Promise((resolve) => this.once('idle', resolve));
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
      // Queued tasks leave p-queue silently with clear(); we settle them ourselves.
      this.#queue.clear();
      for (const job of [...this.#live]) {
        job.abort(
          new ExecutorClosedError(
            job.started ? 'The executor was destroyed while the task ran' : 'The executor was destroyed before the task started',
          ),
        );
        this.#drop(job);
      }
      this.#destroying = this.#backend.destroy().then(() => this.onIdle());
    }
    return this.#destroying;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Why `task` cannot be submitted now, as an error to reject with; undefined if it can. */
  #refuse(task: Task | TaskFunction): Error | undefined {
    if (!isTask(task) && typeof task !== 'function') {
      const got = `\`${String(task)}\` (${task === null ? 'null' : typeof task})`;
      return new TypeError(`Expected a task from defineTask(module, exportName) or a function, got ${got}`);
    }
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
    const bad = runOptionsProblem(options, label);
    if (bad) return Promise.reject(bad);
    // Infinity: no timer at all (setTimeout would clamp it to 1 ms).
    const limit = options.timeout ?? this.#options.taskTimeout;
    const timeout = limit === Number.POSITIVE_INFINITY ? undefined : limit;
    const maxQueue = this.#options.maxQueue ?? Number.POSITIVE_INFINITY;
    // Below 0 while slots are free: this task would start, not wait.
    const waiting = this.#waiting();
    if (waiting >= maxQueue) {
      return Promise.reject(
        new QueueFullError(`Cannot queue task ${label}: ${waiting} tasks are waiting (maxQueue ${maxQueue}) and ${this.#running} running`),
      );
    }

    const userSignal = options.signal;
    const transfer = batch ? undefined : options.transfer;
    const job = new Job(this.#nextId++, task, input, batch, transfer, label, userSignal, timeout, performance.now());
    // One listener per distinct caller signal, however many runs share it.
    if (userSignal) follow(userSignal, job);
    this.#tally.submitted++;
    const settled = job.settlement();
    this.#live.add(job);

    // Only a caller's signal can abort a task while it waits (destroy()
    // clears the whole queue), so only then does p-queue get a signal, to
    // drop the task from its queue; it aborts only while the task waits, so
    // once running, the backend owns the abort (it settles with the reason).
    let queueSignal: AbortSignal | undefined;
    if (userSignal) {
      const whileQueued = new AbortController();
      queueSignal = whileQueued.signal;
      const dropIfQueued = () => {
        if (!job.started) whileQueued.abort(job.reason);
      };
      if (job.aborted) dropIfQueued();
      else job.addEventListener('abort', dropIfQueued);
    }
    const queued = this.#queue.add(() => this.#start(job), { priority: options.priority ?? 0, signal: queueSignal });
    // `#start` never throws (it settles the caller's promise itself), so
    // p-queue rejects only when the caller's signal drops a waiting task.
    if (queueSignal) queued.catch(() => this.#drop(job));
    return settled;
  }

  /**
   * Runs in the queue's slot. Accounting and events happen here, before the
   * slot is released, so a `taskEnd` always comes before the next `taskStart`.
   */
  async #start(job: Job): Promise<void> {
    job.started = true;
    const startedAt = performance.now();
    this.#running++;
    if (this.#listening('taskStart')) this.emit('taskStart', { id: job.id, task: job.label, backend: this.backend });
    const timer = job.timeout === undefined ? undefined : setTimeout(timeOut, job.timeout, job);
    try {
      // Backends settle with the signal's reason as soon as it aborts (their contract).
      const value = await this.#backend.execute(job, job);
      const runMs = this.#finish(job, startedAt);
      this.#tally.completed++;
      if (this.#listening('taskEnd')) {
        this.emit('taskEnd', { id: job.id, task: job.label, backend: this.backend, waitMs: startedAt - job.queuedAt, runMs });
      }
      job.resolve(value);
    } catch (error) {
      this.#finish(job, startedAt);
      this.#countFailure(error, job);
      this.emit('taskError', { id: job.id, task: job.label, backend: this.backend, error });
      job.reject(error);
    } finally {
      clearTimeout(timer);
      if (job.userSignal) unfollow(job.userSignal, job);
      this.#scheduleIdle();
    }
  }

  /** Settles a task that never started: aborted while queued, or dropped by destroy(). */
  #drop(job: Job): void {
    if (job.started || !this.#live.delete(job)) return;
    if (job.userSignal) unfollow(job.userSignal, job);
    this.#countFailure(job.reason, job);
    this.emit('taskError', { id: job.id, task: job.label, backend: this.backend, error: job.reason });
    job.reject(job.reason);
    this.#scheduleIdle();
  }

  /** Bookkeeping when a started task settles; returns its run time in ms. */
  #finish(job: Job, startedAt: number): number {
    const runMs = performance.now() - startedAt;
    this.#live.delete(job);
    this.#running--;
    this.#tally.timed(startedAt - job.queuedAt, runMs);
    return runMs;
  }

  /** Skips building an event's payload when nobody listens: `run` is a hot path. */
  #listening(event: keyof ExecutorEvents): boolean {
    return this.listenerCount(event) > 0;
  }

  /** A rejection by the task's own abort signal is a cancellation, except a timeout, which is a failure. */
  #countFailure(error: unknown, signal: Job): void {
    if (signal.aborted && signal.reason === error && !(error instanceof TaskTimeoutError)) this.#tally.cancelled++;
    else this.#tally.failed++;
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
   * Tasks that wait for a slot, less the free slots (negative while some are
   * free). p-queue frees a slot a few microtasks after the task's promise
   * settles, so a caller that awaited a result and submits again would find
   * its slot still taken; `#running` drops before the caller is resumed, so
   * the tasks p-queue is about to start are not counted as waiting.
   */
  #waiting(): number {
    return this.#queue.size - (this.#backend.concurrency - this.#running);
  }

  #isIdle(): boolean {
    return this.#queue.size === 0 && this.#running === 0 && this.#live.size === 0;
  }

}

/** A job's timeout fired (a plain function with the job as argument: no closure per timed task). */
function timeOut(job: Job): void {
  job.abort(new TaskTimeoutError(job.label, job.timeout!));
}
