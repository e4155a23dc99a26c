/**
 * The async backend: tasks run on the caller's own event loop, at most
 * `concurrency` at once (p-queue, in the executor, does the limiting). The
 * guide's choice for many (>500) concurrent I/O tasks and for tasks that need
 * synchronization or lifecycle control.
 *
 * Its con, "easy to forget an await, debugging event loops is tricky", is
 * answered by a block detector: a task whose synchronous part runs longer than
 * `blockWarningMs` is named in a `warning` event; so is a block seen later by a
 * drift timer (a task that blocks after its first await), naming the tasks
 * that were running at the time.
 */
import { isTask, type Task, type TaskFunction } from '../task.js';
import { loadTaskFunction, loadedTaskFunction } from '../shared/task-loader.js';
import type { Backend, BackendContext, CancelSignal, TaskCall } from './backend.js';
import { settleOnAbort } from '../shared/task-signal.js';

/** Default concurrency when neither `concurrency` nor `expectedCount` says: the guide's "many" line. */
export const DEFAULT_ASYNC_CONCURRENCY = 500;
/** @see ExecutorOptions.blockWarningMs */
export const DEFAULT_BLOCK_WARNING_MS = 100;
/** How often the drift timer looks: small enough to see a block soon after, cheap enough to leave on. */
const DRIFT_INTERVAL_MS = 20;

type Fn = (input: unknown) => unknown;

export function createAsyncBackend(context: BackendContext): Backend {
  return new AsyncBackend(context);
}

class AsyncBackend implements Backend {
  readonly kind = 'async' as const;
  readonly concurrency: number;
  #context: BackendContext;
  #threshold: number;
  #running = new Map<number, string>();
  #nextCall = 0;
  /** Task objects are frozen and long-lived: their function, found without a string key per call. */
  #functions = new WeakMap<Task, Fn>();
  #drift?: NodeJS.Timeout;
  #lastTick = 0;
  #lastReportedAt = 0;

  constructor(context: BackendContext) {
    this.#context = context;
    this.concurrency = context.options.concurrency ?? context.traits.expectedCount ?? DEFAULT_ASYNC_CONCURRENCY;
    if (this.concurrency < 1) this.concurrency = 1;
    this.#threshold = context.options.blockWarningMs ?? DEFAULT_BLOCK_WARNING_MS;
  }

  accept(_task: Task | TaskFunction): void {
    // Everything runs in-process: plain functions and tasks alike.
  }

  /**
   * A running JavaScript function cannot be stopped: on abort its promise is
   * abandoned and the call settles at once. A task whose function is already
   * loaded runs synchronously up to its first await, here; one that returns a
   * plain value is done, with nothing to track or race (the fast path of tiny tasks).
   */
  execute(call: TaskCall, signal: CancelSignal): Promise<unknown> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const fn = this.#loaded(call.task);
    if (fn === undefined) return settleOnAbort(this.#loadThenRun(call, signal), signal);
    let result: unknown;
    const began = performance.now();
    try {
      result = call.batch ? Promise.all((call.input as unknown[]).map((item) => fn(item))) : fn(call.input);
    } catch (error) {
      result = Promise.reject(error);
    }
    const blocked = performance.now() - began;
    if (blocked >= this.#threshold) this.#warn(blocked, call.label, performance.now());
    if (!isThenable(result)) return Promise.resolve(result);
    return settleOnAbort(this.#track(result, call.label), signal);
  }

  /** The executor's direct path (no signal, no timeout): run now, return the value or a promise. */
  runNow(task: Task | TaskFunction, input: unknown, label: string): unknown {
    const fn = this.#loaded(task);
    if (fn === undefined) {
      const { module, name } = task as Task;
      return loadTaskFunction(module, name).then(() => this.runNow(task, input, label));
    }
    const began = performance.now();
    let result: unknown;
    try {
      result = fn(input);
    } finally {
      const blocked = performance.now() - began;
      if (blocked >= this.#threshold) this.#warn(blocked, label, performance.now());
    }
    return isThenable(result) ? this.#track(result, label) : result;
  }

  /** The function of a task already imported (or a plain function), without building a key string. */
  #loaded(task: Task | TaskFunction): Fn | undefined {
    if (!isTask(task)) return task as Fn;
    let fn = this.#functions.get(task);
    if (fn === undefined) {
      fn = loadedTaskFunction(task.module, task.name);
      if (fn !== undefined) this.#functions.set(task, fn);
    }
    return fn;
  }

  /**
   * First call of a task: import its module, then run it as every later call
   * does, unless it was aborted (or timed out) during the import: the caller
   * has had its rejection, and the task must not start after all.
   */
  async #loadThenRun(call: TaskCall, signal: CancelSignal): Promise<unknown> {
    const task = call.task as Task;
    await loadTaskFunction(task.module, task.name);
    if (signal.aborted) return undefined;
    return this.execute(call, NEVER_ABORTED);
  }

  /** Names the task in block warnings while it awaits (the drift timer reports the running ones). */
  async #track(pending: PromiseLike<unknown>, label: string): Promise<unknown> {
    const id = this.#nextCall++;
    this.#running.set(id, label);
    this.#startDriftTimer();
    try {
      return await pending;
    } finally {
      this.#running.delete(id);
      if (this.#running.size === 0) this.#stopDriftTimer();
    }
  }

  workers(): number {
    return 0;
  }

  async close(): Promise<void> {
    this.#stopDriftTimer();
  }

  async destroy(): Promise<void> {
    this.#stopDriftTimer();
  }

  #warn(delayMs: number, task: string | undefined, at: number): void {
    this.#lastReportedAt = at;
    const rounded = Math.round(delayMs);
    this.#context.events.emit('warning', {
      type: 'event-loop-blocked',
      backend: 'async',
      task,
      delayMs: rounded,
      message:
        `Task ${task ?? '(unknown)'} blocked the event loop for ${rounded} ms (threshold ${this.#threshold} ms): ` +
        'a synchronous loop or a missing await? CPU-bound work belongs on the thread or process backend',
    });
  }

  #startDriftTimer(): void {
    if (this.#drift) return;
    this.#lastTick = performance.now();
    this.#drift = setInterval(() => {
      const now = performance.now();
      const late = now - this.#lastTick - DRIFT_INTERVAL_MS;
      this.#lastTick = now;
      // A block already named by the synchronous-start check is not reported twice.
      if (late >= this.#threshold && this.#lastReportedAt < now - late) {
        this.#warn(late, [...new Set(this.#running.values())].join(', ') || undefined, now);
      }
    }, DRIFT_INTERVAL_MS);
    // The timer must never keep the process alive on its own.
    this.#drift.unref();
  }

  #stopDriftTimer(): void {
    clearInterval(this.#drift);
    this.#drift = undefined;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/** The outer call of #loadThenRun already races the caller's signal. */
const NEVER_ABORTED: CancelSignal = {
  aborted: false,
  reason: undefined,
  addEventListener: () => undefined,
  removeEventListener: () => undefined,
  throwIfAborted: () => undefined,
};
