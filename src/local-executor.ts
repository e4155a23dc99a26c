/**
 * An Executor over one backend. Data flows one way:
 *
 *   run(task, input) -> checks (closed? portable? queue full?) -> p-queue (priority, abort while queued)
 *     -> start: timeout timer, taskStart -> backend.execute(call, signal) -> worker -> result
 *     -> settle: stats, taskEnd / taskError, idle
 *
 * Every task gets one TaskSignal (a light AbortSignal). The caller's signal, the timeout and
 * destroy() all abort it with their own reason; p-queue rejects the caller's
 * promise with that reason at once, and the backend stops the work (a pool ends
 * the worker). So no promise waits on a worker that may never answer.
 */
import { EventEmitter } from 'eventemitter3';
import PQueue from 'p-queue';
import type { Backend, BackendContext, BackendFactory, TaskCall } from './backends/backend.js';
import { ExecutorClosedError, QueueFullError, TaskTimeoutError } from './errors.js';
import type { Executor, ExecutorEvents, ExecutorStats, MapOptions, RunOptions } from './executor.js';
import type { ExecutorOptions } from './options.js';
import type { Decision, TaskTraits } from './policy.js';
import { mapTasks, type ChunkRunner } from './shared/map.js';
import { checkTimerOptions, runOptionsProblem } from './shared/run-options.js';
import { TaskTally } from './shared/stats.js';
import { TaskSignal } from './shared/task-signal.js';
import { isTask, taskLabel, type Task, type TaskFunction } from './task.js';

interface Live {
  signal: TaskSignal;
  started: boolean;
  /** Settles a task that was dropped before it started. */
  dropped(): void;
}

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
  #live = new Set<Live>();
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
    // `options?.`: a null is reported by #submit as a bad argument, not a crash here.
    return this.#submit(task, { task, input, batch: false, transfer: options?.transfer, label: taskLabel(task) }, options) as Promise<O>;
  }

  /** One call for several inputs (map's chunks); resolves with their results in order. */
  runBatch<I, O>(task: Task<I, O> | TaskFunction<I, O>, inputs: I[], options: RunOptions = {}): Promise<O[]> {
    return this.#submit(task, { task, input: inputs, batch: true, label: taskLabel(task) }, options) as Promise<O[]>;
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
      for (const live of [...this.#live]) {
        live.signal.abort(
          new ExecutorClosedError(
            live.started ? 'The executor was destroyed while the task ran' : 'The executor was destroyed before the task started',
          ),
        );
        live.dropped();
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

  #submit(task: Task | TaskFunction, call: TaskCall, options: RunOptions): Promise<unknown> {
    const refused = this.#refuse(task);
    if (refused) return Promise.reject(refused);
    const bad = runOptionsProblem(options, call.label);
    if (bad) return Promise.reject(bad);
    // Infinity: no timer at all (setTimeout would clamp it to 1 ms).
    const limit = options.timeout ?? this.#options.taskTimeout;
    const timeout = limit === Number.POSITIVE_INFINITY ? undefined : limit;
    const maxQueue = this.#options.maxQueue ?? Number.POSITIVE_INFINITY;
    if (this.#queue.size >= maxQueue) {
      return Promise.reject(
        new QueueFullError(
          `Cannot queue task ${call.label}: ${this.#queue.size} tasks are waiting (maxQueue ${maxQueue}) and ${this.#running} running`,
        ),
      );
    }

    const id = this.#nextId++;
    const signal = new TaskSignal();
    const userSignal = options.signal;
    const onUserAbort = () => signal.abort(userSignal!.reason);
    if (userSignal) {
      if (userSignal.aborted) onUserAbort();
      else userSignal.addEventListener('abort', onUserAbort, { once: true });
    }
    this.#tally.submitted++;
    const queuedAt = performance.now();

    return new Promise((resolve, reject) => {
      const live: Live = { signal, started: false, dropped: () => undefined };
      this.#live.add(live);

      // Runs in the queue's slot. Accounting and events happen here, before the
      // slot is released, so a `taskEnd` always comes before the next `taskStart`.
      const operation = async () => {
        live.started = true;
        const startedAt = performance.now();
        this.#running++;
        if (this.#listening('taskStart')) this.emit('taskStart', { id, task: call.label, backend: this.backend });
        const timer =
          timeout === undefined
            ? undefined
            : setTimeout(() => signal.abort(new TaskTimeoutError(call.label, timeout)), timeout);
        try {
          // Backends settle with signal.reason as soon as the signal aborts (their contract).
          const value = await this.#backend.execute(call, signal);
          const runMs = this.#finish(live, queuedAt, startedAt);
          this.#tally.completed++;
          if (this.#listening('taskEnd')) {
            this.emit('taskEnd', { id, task: call.label, backend: this.backend, waitMs: startedAt - queuedAt, runMs });
          }
          resolve(value);
        } catch (error) {
          this.#finish(live, queuedAt, startedAt);
          this.#countFailure(error, signal);
          this.emit('taskError', { id, task: call.label, backend: this.backend, error });
          reject(error);
        } finally {
          clearTimeout(timer);
          userSignal?.removeEventListener('abort', onUserAbort);
          this.#scheduleIdle();
        }
      };

      // A task that never started: aborted while queued, or dropped by destroy().
      live.dropped = () => {
        if (live.started || !this.#live.delete(live)) return;
        userSignal?.removeEventListener('abort', onUserAbort);
        this.#countFailure(signal.reason, signal);
        this.emit('taskError', { id, task: call.label, backend: this.backend, error: signal.reason });
        reject(signal.reason);
        this.#scheduleIdle();
      };

      // Only a caller's signal can abort a task while it waits (destroy()
      // clears the whole queue), so only then does p-queue get a signal, to
      // drop the task from its queue; it aborts only while the task waits, so
      // once running, `settleOnAbort` above owns the abort.
      let queueSignal: AbortSignal | undefined;
      if (userSignal) {
        const whileQueued = new AbortController();
        queueSignal = whileQueued.signal;
        const dropIfQueued = () => {
          if (!live.started) whileQueued.abort(signal.reason);
        };
        if (signal.aborted) dropIfQueued();
        else signal.addEventListener('abort', dropIfQueued);
      }
      const queued = this.#queue.add(operation, { priority: options.priority ?? 0, signal: queueSignal });
      // `operation` never throws (it settles the caller's promise itself), so
      // p-queue rejects only when the caller's signal drops a waiting task.
      if (queueSignal) queued.catch(() => live.dropped());
    });
  }

  /** Bookkeeping when a started task settles; returns its run time in ms. */
  #finish(live: Live, queuedAt: number, startedAt: number): number {
    const runMs = performance.now() - startedAt;
    this.#live.delete(live);
    this.#running--;
    this.#tally.timed(startedAt - queuedAt, runMs);
    return runMs;
  }

  /** Skips building an event's payload when nobody listens: `run` is a hot path. */
  #listening(event: keyof ExecutorEvents): boolean {
    return this.listenerCount(event) > 0;
  }

  /** A rejection by the task's own abort signal is a cancellation, except a timeout, which is a failure. */
  #countFailure(error: unknown, signal: TaskSignal): void {
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

  #isIdle(): boolean {
    return this.#queue.size === 0 && this.#running === 0 && this.#live.size === 0;
  }

}

