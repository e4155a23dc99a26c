/**
 * The executor core over one local backend (distributed included). Data flows one way:
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
 * This file is the Executor itself: the checks at `run`, the choice of path,
 * stats, idle, close and destroy. Each part of the way has a file of its own:
 * - the Job path (job-calls.ts): a Job per task whenever there is something
 *   to abort or time (a caller's signal, a timeout, a pool worker), from
 *   p-queue to its settlement; a failed run's retry (retry-scheduler.ts): back
 *   to the front of its priority, after its delay, as the same Job; what a
 *   worker reports while it runs (job-reports.ts): measurements, progress.
 * - the direct path (direct-calls.ts): a call with neither, on an in-process
 *   backend, runs at once when a slot is free and nothing waits (no p-queue
 *   task at all for one that returns a plain value); else it waits in a line
 *   of its own, or in p-queue with a priority or while paused.
 * - pacing (dispatch-gate.ts), all off, and free, unless asked for: pause()
 *   (the direct path then queues too), and the rate limit (a RateLimiter
 *   shared by the backends of an `auto` executor), which hold p-queue's
 *   dispatch; held tasks are still queued.
 * - onSizeLessThan() / onEmpty() callers (room-waiters.ts).
 */
import { EventEmitter } from 'eventemitter3';
import type { Backend, BackendContext, BackendFactory } from '../backends/backend.js';
import { ExecutorClosedError, QueueFullError } from '../errors.js';
import type { Executor, ExecutorEvents, ExecutorStats, MapOptions, RunOptions, TaskBackend } from '../executor.js';
import type { ExecutorOptions } from '../options.js';
import type { Decision, TaskTraits } from '../policy/rules.js';
import { DirectCalls, type CoreCounters } from './direct-calls.js';
import { DispatchGate } from './dispatch-gate.js';
import { JobCalls, NO_OPTIONS } from './job-calls.js';
import { mapTasks, type ChunkRunner } from './map.js';
import { RateLimiter } from './rate-limiter.js';
import { ExecutorQueue } from './executor-queue.js';
import { RetryFirstQueue } from './retry-first-queue.js';
import { RoomWaiters } from './room-waiters.js';
import { checkTimerOptions, notATaskProblem, runOptionsProblem } from './run-options.js';
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

export class LocalExecutor extends EventEmitter<ExecutorEvents> implements Executor {
  readonly backend;
  #backend: Backend;
  #queue: ExecutorQueue;
  #options: ExecutorOptions;
  #decision: LocalExecutorInit['decision'];
  #state: 'open' | 'closing' | 'closed' = 'open';
  #closing?: Promise<void>;
  #destroying?: Promise<void>;
  #idleScheduled = false;
  /** Started and not settled, on either path. */
  #counters: CoreCounters = { running: 0, nextId: 1, tally: new TaskTally() };
  #gate: DispatchGate;
  #room: RoomWaiters;
  #jobs: JobCalls;
  #direct: DirectCalls | undefined;

  constructor(init: LocalExecutorInit) {
    super();
    checkTimerOptions(init.options);
    this.#options = init.options;
    this.#decision = init.decision;
    const profiles = init.profiles;
    const context: BackendContext = { options: init.options, traits: init.traits, events: this };
    // UNIFIED_EXECUTOR_MEASURE=0 (the benchmark's switch): in-process backends measure nothing, and no samples are kept.
    const measuring = measurementEnabled();
    if (measuring) context.recordSample = (task, sample) => profiles.record(task, sample);
    this.#backend = init.factory(context);
    this.backend = this.#backend.kind;
    this.#queue = new ExecutorQueue({
      concurrency: this.#backend.capacity ?? this.#backend.concurrency,
      queueClass: RetryFirstQueue,
    });
    this.#gate = new DispatchGate(this.#queue, this.#backend);
    this.#room = new RoomWaiters(this.#queue, () => this.#queuedCount());
    this.#jobs = new JobCalls({
      backend: this.#backend,
      queue: this.#queue,
      counters: this.#counters,
      gate: this.#gate,
      room: this.#room,
      events: this,
      options: init.options,
      profiles: measuring ? profiles : undefined,
      afterSettle: () => this.#afterSettle(),
      scheduleIdle: () => this.#scheduleIdle(),
    });
    if (init.paused) this.pause();
    if (init.rateLimiter || init.options.rateLimit) this.#gate.limitBy(init.rateLimiter ?? new RateLimiter(init.options.rateLimit!, this));
    // The direct path has no Job to carry a retry or a rate-limit token: with an executor-wide default of either, every call takes the Job path.
    if (this.#backend.runNow && !this.#gate.limited && !(init.options.retries! > 0)) {
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
    return this.#queue.size + this.#jobs.ahead + this.#counters.running;
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
    return this.#gate.paused;
  }

  pause(): void {
    this.#gate.pause();
  }

  resume(): void {
    this.#gate.resume();
  }

  onSizeLessThan(n: number): Promise<void> {
    return this.#room.wait(n);
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
      this.#jobs.destroy();
      this.#direct?.destroy();
      // What is still queued is either an aborted job (skipped when p-queue
      // reaches it) or a direct call (rejects when it reaches the front): let
      // p-queue reach them all at once, paused or held or not. clear() would leave their promises pending.
      this.#gate.leave();
      this.#queue.concurrency = Number.POSITIVE_INFINITY;
      this.#queue.start();
      this.#destroying = this.#backend.destroy().then(() => this.onIdle());
    }
    return this.#destroying;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
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
    return this.#jobs.submit(task, input, batch, options, label, timeout);
  }

  #afterSettle(): void {
    // A pool's window follows measured run times: hand it what it takes now.
    const capacity = this.#backend.capacity;
    if (capacity !== undefined && capacity !== this.#queue.concurrency && !this.#destroying) this.#queue.concurrency = capacity;
    // The direct path's line moves without p-queue's events.
    this.#room.check();
    this.#scheduleIdle();
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
    if (!this.#gate.open) return queued;
    return queued - Math.max(0, this.#backend.concurrency - this.#counters.running);
  }

  #queuedCount(): number {
    return this.#queue.size + this.#jobs.ahead + this.#jobs.setAside + (this.#direct?.waiting ?? 0);
  }

  #isIdle(): boolean {
    return this.#queue.size === 0 && this.#counters.running === 0 && this.#jobs.idle && !this.#direct?.waiting;
  }
}

/** `map`'s onProgress for the item at `first` (plus its index within a chunk). */
function itemProgress<P>(onProgress: (value: P, index: number) => void, first: number): (value: P, item?: number) => void {
  return (value, item = 0) => onProgress(value, first + item);
}
