/**
 * An Executor over one backend. Data flows one way:
 *
 *   run(task, input) -> checks (closed? portable? queue full?) -> p-queue (priority, abort while queued)
 *     -> start: timeout timer, taskStart -> backend.execute(call, signal) -> worker -> result
 *     -> settle: stats, taskEnd / taskError, idle
 *
 * Every task gets one AbortController. The caller's signal, the timeout and
 * destroy() all abort it with their own reason; p-queue rejects the caller's
 * promise with that reason at once, and the backend stops the work (a pool ends
 * the worker). So no promise waits on a worker that may never answer.
 */
import { EventEmitter } from 'eventemitter3';
import PQueue from 'p-queue';
import type { Backend, BackendContext, BackendFactory, TaskCall } from './backends/backend.js';
import { ExecutorClosedError, QueueFullError, TaskTimeoutError } from './errors.js';
import type { Executor, ExecutorEvents, ExecutorStats, MapOptions, RunOptions } from './executor.js';
import { validateTimeout, type ExecutorOptions } from './options.js';
import type { Decision, TaskTraits } from './policy.js';
import { mapTasks, type ChunkRunner } from './shared/map.js';
import { LatencyWindow } from './shared/stats.js';
import { taskLabel, type Task, type TaskFunction } from './task.js';

interface Live {
  controller: AbortController;
  started: boolean;
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
  #submitted = 0;
  #completed = 0;
  #failed = 0;
  #cancelled = 0;
  #wait = new LatencyWindow();
  #run = new LatencyWindow();

  constructor(init: LocalExecutorInit) {
    super();
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
    return this.#submit(task, { task, input, batch: false, transfer: options.transfer, label: taskLabel(task) }, options) as Promise<O>;
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
      batches: this.backend !== 'async',
      check: () => this.#refuse(task),
      runOne: (input, signal) => this.run(task, input, { signal }),
      runChunk: (chunk, signal) => this.runBatch(task, chunk, { signal }),
    };
    return mapTasks(runner, inputs as Iterable<I> | AsyncIterable<I>, options);
  }

  stats(): ExecutorStats {
    return {
      backend: this.backend,
      workers: this.#backend.workers(),
      queued: this.#queue.size,
      running: this.#running,
      submitted: this.#submitted,
      completed: this.#completed,
      failed: this.#failed,
      cancelled: this.#cancelled,
      waitTime: this.#wait.percentiles(),
      runTime: this.#run.percentiles(),
    };
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
        await this.#backend.close();
      });
    }
    return this.#closing;
  }

  destroy(): Promise<void> {
    if (!this.#destroying) {
      this.#state = 'closed';
      for (const live of this.#live) {
        live.controller.abort(
          new ExecutorClosedError(
            live.started ? 'The executor was destroyed while the task ran' : 'The executor was destroyed before the task started',
          ),
        );
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
    const timeout = options.timeout ?? this.#options.taskTimeout;
    try {
      validateTimeout(options.timeout, `task ${call.label}`);
    } catch (error) {
      return Promise.reject(error);
    }
    const maxQueue = this.#options.maxQueue ?? Number.POSITIVE_INFINITY;
    if (this.#queue.size >= maxQueue) {
      return Promise.reject(
        new QueueFullError(
          `Cannot queue task ${call.label}: ${this.#queue.size} tasks are waiting (maxQueue ${maxQueue}) and ${this.#running} running`,
        ),
      );
    }

    const id = this.#nextId++;
    const live: Live = { controller: new AbortController(), started: false };
    const { signal } = live.controller;
    const userSignal = options.signal;
    const onUserAbort = () => live.controller.abort(userSignal!.reason);
    if (userSignal) {
      if (userSignal.aborted) onUserAbort();
      else userSignal.addEventListener('abort', onUserAbort, { once: true });
    }
    this.#live.add(live);
    this.#submitted++;
    const queuedAt = performance.now();

    // Runs in the queue's slot. Accounting and events happen here, before the
    // slot is released, so a `taskEnd` always comes before the next `taskStart`.
    const operation = async () => {
      live.started = true;
      const startedAt = performance.now();
      this.#running++;
      this.emit('taskStart', { id, task: call.label, backend: this.backend });
      const timer =
        timeout === undefined
          ? undefined
          : setTimeout(() => live.controller.abort(new TaskTimeoutError(call.label, timeout)), timeout);
      try {
        const value = await settleOnAbort(this.#backend.execute(call, signal), signal);
        this.#finish(live, queuedAt, startedAt);
        this.#completed++;
        this.emit('taskEnd', { id, task: call.label, backend: this.backend, waitMs: startedAt - queuedAt, runMs: performance.now() - startedAt });
        return value;
      } catch (error) {
        this.#finish(live, queuedAt, startedAt);
        this.#countFailure(error, signal);
        this.emit('taskError', { id, task: call.label, backend: this.backend, error });
        throw error;
      } finally {
        clearTimeout(timer);
        userSignal?.removeEventListener('abort', onUserAbort);
        this.#scheduleIdle();
      }
    };

    // p-queue gets a signal of its own that aborts only while the task waits,
    // to drop it from the queue; once running, `settleOnAbort` above owns the
    // abort so that accounting is done before p-queue frees the slot.
    const whileQueued = new AbortController();
    const dropIfQueued = () => {
      if (!live.started) whileQueued.abort(signal.reason);
    };
    if (signal.aborted) dropIfQueued();
    else signal.addEventListener('abort', dropIfQueued, { once: true });

    return this.#queue.add(operation, { priority: options.priority ?? 0, signal: whileQueued.signal }).catch((error: unknown) => {
      if (!live.started) {
        // Aborted or destroyed while still queued: p-queue dropped it.
        userSignal?.removeEventListener('abort', onUserAbort);
        this.#live.delete(live);
        this.#countFailure(error, signal);
        this.emit('taskError', { id, task: call.label, backend: this.backend, error });
        this.#scheduleIdle();
      }
      throw error;
    });
  }

  #finish(live: Live, queuedAt: number, startedAt: number): void {
    this.#live.delete(live);
    this.#running--;
    this.#wait.add(startedAt - queuedAt);
    this.#run.add(performance.now() - startedAt);
  }

  /** A rejection by the task's own abort signal is a cancellation, except a timeout, which is a failure. */
  #countFailure(error: unknown, signal: AbortSignal): void {
    if (signal.aborted && signal.reason === error && !(error instanceof TaskTimeoutError)) this.#cancelled++;
    else this.#failed++;
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

/** Settles with `signal.reason` as soon as the signal aborts, whatever `promise` does. */
function settleOnAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
