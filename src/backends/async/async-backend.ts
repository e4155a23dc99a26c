/**
 * The async backend: tasks run on the caller's own event loop, at most
 * `concurrency` at once (p-queue, in the executor, does the limiting). The
 * guide's choice for many (>500) concurrent I/O tasks and for tasks that need
 * synchronization or lifecycle control.
 *
 *   execute (Job path: a signal or a timeout) / runNow (direct path: neither)
 *     -> CallSampler: the task's function, and whether to measure this call
 *     -> the function runs here, up to its first await; BlockDetector times that
 *     -> a promise it returns is followed by BlockDetector (one `then` beside the caller's)
 *
 * What a tiny call that returns a promise costs here, beyond the function
 * itself (the contract needs each): one clock read after its synchronous part
 * (the block warning; the start is the executor's own read, `startedAt`), a
 * WeakMap lookup and a counter (the sample of measured calls), and one `then`
 * on its promise (naming it while it runs, for the drift timer's warning).
 * The caller's chain is the task's own promise: no wrapper, no microtask hop.
 */
import { type Task, type TaskFunction } from '../../task.js';
import { loadTaskFunction } from '../../worker/task-loader.js';
import type { Backend, BackendContext, CancelSignal, TaskCall } from '../backend.js';
import { settleOnAbort, TaskSignal } from '../../core/task-signal.js';
import { wantsContext, type ContextSink } from '../../core/task-context.js';
import { ExecutorClosedError } from '../../errors.js';
import { DEFAULT_ASYNC_CONCURRENCY, DEFAULT_BLOCK_WARNING_MS } from './defaults.js';
import { BlockDetector } from './block-detector.js';
import { CallSampler, type Loaded } from './call-sampler.js';
import { DirectProgress } from './direct-progress.js';
import { invoke, isThenable, nativePromise, Thrown, type Fn } from './invoke.js';

export function createAsyncBackend(context: BackendContext): Backend {
  return new AsyncBackend(context);
}

class AsyncBackend implements Backend {
  readonly kind = 'async' as const;
  readonly concurrency: number;
  #context: BackendContext;
  #detector: BlockDetector;
  #sampler: CallSampler;
  /** Aborts at destroy(): the `ctx.signal` of tasks on the direct path (which have no signal of their own). */
  #destroyed = new TaskSignal();

  constructor(context: BackendContext) {
    this.#context = context;
    this.concurrency = context.options.concurrency ?? context.traits.expectedCount ?? DEFAULT_ASYNC_CONCURRENCY;
    if (this.concurrency < 1) this.concurrency = 1;
    this.#detector = new BlockDetector(context.events, context.options.blockWarningMs ?? DEFAULT_BLOCK_WARNING_MS);
    this.#sampler = new CallSampler(context.recordSample, this.#detector);
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
    const loaded = this.#sampler.loaded(call.task);
    if (loaded === undefined) return settleOnAbort(this.#loadThenRun(call, signal), signal);
    let fn: Fn;
    let sink: ContextSink | undefined;
    if (typeof loaded === 'function') {
      fn = loaded;
      if (wantsContext(fn)) sink = call;
    } else {
      if (loaded.wantsContext) sink = call;
      if (this.#sampler.sampled(loaded)) {
        const outcome = this.#sampler.run(loaded, call.task, call.input, call.batch, call.label, call, sink, signal);
        if (outcome instanceof Thrown) return Promise.reject(outcome.error);
        return outcome instanceof Promise ? settleOnAbort(outcome, signal) : Promise.resolve(outcome);
      }
      fn = loaded.fn;
    }
    let result: unknown;
    const began = performance.now();
    try {
      result = invoke(fn, call.input, call.batch, sink, signal);
    } catch (error) {
      result = Promise.reject(error);
    }
    const ended = performance.now();
    this.#detector.syncPart(ended - began, call.label, ended);
    if (!isThenable(result)) return Promise.resolve(result);
    const pending = nativePromise(result);
    this.#detector.follow(pending, call.label);
    return settleOnAbort(pending, signal);
  }

  /** The executor's direct path (no signal, no timeout): run now, return the value or a promise. */
  runNow(task: Task | TaskFunction, input: unknown, label: string, id: number, startedAt?: number): unknown {
    const loaded = this.#sampler.loaded(task);
    if (loaded === undefined) {
      const { module, name } = task as Task;
      return loadTaskFunction(module, name).then(() => this.runNow(task, input, label, id));
    }
    let fn: Fn;
    if (typeof loaded === 'function') {
      fn = loaded;
      if (wantsContext(fn)) return this.#runNowWithContext(loaded, task, input, label, id);
    } else if (loaded.wantsContext) return this.#runNowWithContext(loaded, task, input, label, id);
    else if (this.#sampler.sampled(loaded)) {
      const outcome = this.#sampler.run(loaded, task, input, false, label, undefined, undefined, undefined);
      if (outcome instanceof Thrown) throw outcome.error;
      return outcome;
    } else fn = loaded.fn;
    const began = startedAt ?? performance.now();
    let result: unknown;
    try {
      result = fn(input);
    } finally {
      const ended = performance.now();
      this.#detector.syncPart(ended - began, label, ended);
    }
    if (!isThenable(result)) return result;
    const pending = nativePromise(result);
    this.#detector.follow(pending, label);
    return pending;
  }

  /**
   * The direct path of a task that takes a context: its progress goes to
   * `taskProgress` listeners only (a caller with `onProgress` takes the Job
   * path), until the call settles; its signal aborts at destroy().
   */
  #runNowWithContext(loaded: Loaded | Fn, task: Task | TaskFunction, input: unknown, label: string, id: number): unknown {
    const sink = new DirectProgress(this.#context.events, id, label);
    const source = this.#destroyed;
    let result: unknown;
    try {
      if (typeof loaded !== 'function' && this.#sampler.sampled(loaded)) {
        result = this.#sampler.run(loaded, task, input, false, label, undefined, sink, source);
        if (result instanceof Thrown) throw result.error;
      } else {
        const fn = typeof loaded === 'function' ? loaded : loaded.fn;
        const began = performance.now();
        try {
          result = invoke(fn, input, false, sink, source);
        } finally {
          const ended = performance.now();
          this.#detector.syncPart(ended - began, label, ended);
        }
        if (isThenable(result)) {
          result = nativePromise(result);
          this.#detector.follow(result as Promise<unknown>, label);
        }
      }
    } catch (error) {
      sink.end(source);
      throw error;
    }
    if (!isThenable(result)) {
      sink.end(source);
      return result;
    }
    return (result as Promise<unknown>).finally(() => sink.end(source));
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
    // The real signal, not a never-aborting one: a task that takes a context follows it.
    return this.execute(call, signal);
  }

  workers(): number {
    return 0;
  }

  async close(): Promise<void> {
    this.#detector.stop();
    this.#sampler.close();
  }

  async destroy(): Promise<void> {
    this.#destroyed.abort(new ExecutorClosedError('The executor was destroyed while the task ran'));
    this.#detector.stop();
    this.#sampler.close();
  }
}
