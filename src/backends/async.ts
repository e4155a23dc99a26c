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
 *
 * It also measures a sample of calls for the task profiles (API.md "Measured
 * traits"): the synchronous part (until the function returns), its CPU time
 * (`process.cpuUsage()` around it), and the time to settlement. It sees the
 * caller's event loop only: CPU spent after the first await (in a
 * continuation) is not counted as the call's, and the CPU time is the
 * process's, so other threads busy at that moment (a thread pool of the same
 * process) add to it. The time the thread waited for a CPU during the
 * synchronous part (RunQueueClock, Linux) is taken out of the call's times.
 */
import { isTask, type Task, type TaskFunction } from '../task.js';
import { loadTaskFunction, loadedTaskFunction } from '../worker/task-loader.js';
import type { Backend, BackendContext, CancelSignal, TaskCall } from './backend.js';
import { settleOnAbort, TaskSignal } from '../core/task-signal.js';
import type { CallSample } from '../policy/call-sample.js';
import { isSampled } from '../policy/task-profile.js';
import { RunQueueClock } from '../policy/run-queue-clock.js';
import { SampleRation } from '../policy/sample-ration.js';
import { CallContext, wantsContext, type ContextSink } from '../core/task-context.js';
import { ExecutorClosedError } from '../errors.js';
import type { EventEmitter } from 'eventemitter3';
import type { ExecutorEvents } from '../executor.js';

/** Default concurrency when neither `concurrency` nor `expectedCount` says: the guide's "many" line. */
export const DEFAULT_ASYNC_CONCURRENCY = 500;
/** @see ExecutorOptions.blockWarningMs */
export const DEFAULT_BLOCK_WARNING_MS = 100;
/** How often the drift timer looks: small enough to see a block soon after, cheap enough to leave on. */
const DRIFT_INTERVAL_MS = 20;

type Fn = (input: unknown, context?: CallContext) => unknown;

/** A task whose function is at hand, and how many of its calls ran here (for sampling). */
interface Loaded {
  readonly fn: Fn;
  /** It declares a second parameter: each call gets a CallContext (read once, at load). */
  readonly wantsContext: boolean;
  calls: number;
  /**
   * Its last measured call held the thread LONG_SYNC_MS or more: read the
   * CPU and run-queue clocks around the next one (a call not clocked that
   * turns out that long is not recorded). Below that, the synchronous
   * part is taken as all CPU (it is the call's own few microseconds of
   * JavaScript; no I/O blocks that briefly), and not reading the clocks is
   * most of the cost of measuring a tiny call: `process.cpuUsage()` sums every
   * thread of the process, ~1 µs when they idle and several when they run.
   */
  longSync: boolean;
}

/** @see Loaded.longSync */
const LONG_SYNC_MS = 0.05;
/**
 * Samples are also rationed across all tasks: one per SAMPLE_BUDGET_ONE_IN
 * calls in the long run, in bursts of SAMPLE_BURST (16 new tasks' first
 * calls). Without it, code that passes a new closure to every `run` (each a
 * new task definition, so each call a task's first) measured every call:
 * 57 % slower on tiny closures.
 */
const SAMPLE_BUDGET_ONE_IN = 32;
const SAMPLE_BURST = 256;
/**
 * A plain function seen for the first time is tracked (and so measured) at
 * most once per NEW_FUNCTION_ONE_IN such calls after a burst of SAMPLE_BURST:
 * each tracked one is a new profile, so code that passes a new closure to
 * every `run` would otherwise spend ~3 % of its time making profiles of one call.
 */
const NEW_FUNCTION_ONE_IN = 256;

/** A sampled call whose function returned a promise: measured when it settles. */
interface PendingSample {
  began: number;
  syncMs: number;
  cpuMs: number;
  queuedMs: number;
  /** The Job path reports through its call; the direct path through the context. */
  call: TaskCall | undefined;
  task: Task | TaskFunction;
}

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
  /** Task objects are frozen and long-lived (so are most plain functions): found without a string key per call. */
  #functions = new WeakMap<Task | TaskFunction, Loaded>();
  /** Where direct-path samples go; undefined: measurement is off. */
  #record: BackendContext['recordSample'];
  /** This thread's wait for a CPU, to take out of a sampled call's times. */
  #runQueue = new RunQueueClock();
  /** Samples that may be taken (SAMPLE_BUDGET_ONE_IN). */
  #samples = new SampleRation(SAMPLE_BUDGET_ONE_IN, SAMPLE_BURST);
  /** New plain functions that may be tracked (NEW_FUNCTION_ONE_IN). */
  #newFunctions = new SampleRation(NEW_FUNCTION_ONE_IN, SAMPLE_BURST);
  /** Aborts at destroy(): the `ctx.signal` of tasks on the direct path (which have no signal of their own). */
  #destroyed = new TaskSignal();
  #drift?: NodeJS.Timeout;
  #lastTick = 0;
  #lastReportedAt = 0;

  constructor(context: BackendContext) {
    this.#context = context;
    this.concurrency = context.options.concurrency ?? context.traits.expectedCount ?? DEFAULT_ASYNC_CONCURRENCY;
    if (this.concurrency < 1) this.concurrency = 1;
    this.#threshold = context.options.blockWarningMs ?? DEFAULT_BLOCK_WARNING_MS;
    this.#record = context.recordSample;
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
    const loaded = this.#loaded(call.task);
    if (loaded === undefined) return settleOnAbort(this.#loadThenRun(call, signal), signal);
    let fn: Fn;
    let sink: ContextSink | undefined;
    if (typeof loaded === 'function') {
      fn = loaded;
      if (wantsContext(fn)) sink = call;
    } else {
      if (loaded.wantsContext) sink = call;
      if (this.#record !== undefined && this.#sampled(loaded)) {
        return settleOnAbort(this.#runSampled(loaded, call.task, call.input, call.batch, call.label, call, sink, signal) as Promise<unknown>, signal);
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
    const blocked = performance.now() - began;
    if (blocked >= this.#threshold) this.#warn(blocked, call.label, performance.now());
    if (!isThenable(result)) return Promise.resolve(result);
    return settleOnAbort(this.#track(result, call.label, undefined), signal);
  }

  /** The executor's direct path (no signal, no timeout): run now, return the value or a promise. */
  runNow(task: Task | TaskFunction, input: unknown, label: string, id: number): unknown {
    const loaded = this.#loaded(task);
    if (loaded === undefined) {
      const { module, name } = task as Task;
      return loadTaskFunction(module, name).then(() => this.runNow(task, input, label, id));
    }
    let fn: Fn;
    if (typeof loaded === 'function') {
      fn = loaded;
      if (wantsContext(fn)) return this.#runNowWithContext(loaded, task, input, label, id);
    } else if (loaded.wantsContext) return this.#runNowWithContext(loaded, task, input, label, id);
    else if (this.#record !== undefined && this.#sampled(loaded)) {
      const result = this.#runSampled(loaded, task, input, false, label, undefined, undefined, undefined);
      if (result instanceof Thrown) throw result.error;
      return result;
    } else fn = loaded.fn;
    const began = performance.now();
    let result: unknown;
    try {
      result = fn(input);
    } finally {
      const blocked = performance.now() - began;
      if (blocked >= this.#threshold) this.#warn(blocked, label, performance.now());
    }
    return isThenable(result) ? this.#track(result, label, undefined) : result;
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
      if (typeof loaded !== 'function' && this.#record !== undefined && this.#sampled(loaded)) {
        result = this.#runSampled(loaded, task, input, false, label, undefined, sink, source);
        if (result instanceof Thrown) throw result.error;
      } else {
        const fn = typeof loaded === 'function' ? loaded : loaded.fn;
        const began = performance.now();
        try {
          result = invoke(fn, input, false, sink, source);
        } finally {
          const blocked = performance.now() - began;
          if (blocked >= this.#threshold) this.#warn(blocked, label, performance.now());
        }
        if (isThenable(result)) result = this.#track(result, label, undefined);
      }
    } catch (error) {
      sink.end(source);
      throw error;
    }
    if (!isThenable(result)) {
      sink.end(source);
      return result;
    }
    return Promise.resolve(result).finally(() => sink.end(source));
  }

  /** Whether to measure this call of `loaded`'s task: its turn (isSampled), and the budget allows. */
  #sampled(loaded: Loaded): boolean {
    this.#samples.seen();
    return isSampled(++loaded.calls) && this.#samples.take();
  }

  /**
   * One measured call, on either path: the synchronous part timed and its CPU
   * read around it, the rest timed to settlement; failed calls are not
   * recorded (an early throw says nothing of how the task runs). Returns the
   * value, a promise of it, or (direct path) a Thrown the caller rethrows; on
   * the Job path a throw becomes a rejection.
   */
  #runSampled(
    loaded: Loaded,
    task: Task | TaskFunction,
    input: unknown,
    batch: boolean,
    label: string,
    call: TaskCall | undefined,
    sink: ContextSink | undefined,
    source: CancelSignal | undefined,
  ): unknown {
    const fn = loaded.fn;
    // The clocks are read only around calls long enough for them to matter (Loaded.longSync).
    const long = loaded.longSync;
    const queuedBefore = long ? this.#runQueue.read() : undefined;
    const cpuBefore = long ? process.cpuUsage() : undefined;
    const began = performance.now();
    let result: unknown;
    let thrown: Thrown | undefined;
    try {
      result = invoke(fn, input, batch, sink, source);
    } catch (error) {
      thrown = new Thrown(error);
    }
    const ended = performance.now();
    const cpu = cpuBefore === undefined ? undefined : process.cpuUsage(cpuBefore);
    const queuedAfter = queuedBefore === undefined ? undefined : this.#runQueue.read();
    const syncMs = ended - began;
    loaded.longSync = syncMs >= LONG_SYNC_MS;
    if (syncMs >= this.#threshold) this.#warn(syncMs, label, ended);
    if (thrown !== undefined) return call === undefined ? thrown : Promise.reject(thrown.error);
    // Not clocked, and long after all: no CPU time to report; the next sample is clocked.
    if (cpu === undefined && loaded.longSync) return call === undefined ? this.#unmeasured(result, label) : this.#settled(result, label);
    // A synchronous part of a few microseconds is the call's own JavaScript: taken as CPU time.
    const cpuMs = cpu === undefined ? syncMs : (cpu.user + cpu.system) / 1000;
    const queuedMs = queuedBefore === undefined || queuedAfter === undefined ? 0 : queuedAfter - queuedBefore;
    if (!isThenable(result)) {
      this.#report({ runMs: syncMs, syncMs, cpuMs, queuedMs }, task, call);
      return call === undefined ? result : Promise.resolve(result);
    }
    return this.#track(result, label, { began, syncMs, cpuMs, queuedMs, call, task });
  }

  /** A call's outcome as the direct path returns it: the value, or a promise tracked for block warnings. */
  #unmeasured(result: unknown, label: string): unknown {
    return isThenable(result) ? this.#track(result, label, undefined) : result;
  }

  /** The same as the Job path returns it: always a promise. */
  #settled(result: unknown, label: string): Promise<unknown> {
    return isThenable(result) ? this.#track(result, label, undefined) : Promise.resolve(result);
  }

  #report(sample: CallSample, task: Task | TaskFunction, call: TaskCall | undefined): void {
    if (call !== undefined) call.measured(sample);
    else this.#record?.(task, sample);
  }

  /**
   * The function of a task already imported (or a plain function), without
   * building a key string; undefined when the task's module must be imported
   * first. A plain function seen for the first time is returned as is, not
   * tracked for sampling, unless a sample may be taken now: code that passes a
   * new closure to every `run` would otherwise add an entry per call.
   */
  #loaded(task: Task | TaskFunction): Loaded | Fn | undefined {
    let loaded = this.#functions.get(task);
    if (loaded === undefined) {
      if (!isTask(task)) {
        if (this.#record === undefined || this.#newFunctions.available() < 1 || this.#samples.available() < 1) {
          this.#newFunctions.seen();
          this.#samples.seen();
          return task as Fn;
        }
        this.#newFunctions.take();
      }
      const fn = isTask(task) ? loadedTaskFunction(task.module, task.name) : (task as Fn);
      if (fn === undefined) return undefined;
      // Its first sample is not clocked: a new closure per call is a new task every time.
      loaded = { fn, wantsContext: wantsContext(fn), calls: 0, longSync: false };
      this.#functions.set(task, loaded);
    }
    return loaded;
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

  /** Names the task in block warnings while it awaits (the drift timer reports the running ones); ends a sampled call's measurement. */
  async #track(pending: PromiseLike<unknown>, label: string, sample: PendingSample | undefined): Promise<unknown> {
    const id = this.#nextCall++;
    this.#running.set(id, label);
    this.#startDriftTimer();
    try {
      const value = await pending;
      if (sample !== undefined) {
        const { began, syncMs, cpuMs, queuedMs, call, task } = sample;
        this.#report({ runMs: performance.now() - began, syncMs, cpuMs, queuedMs }, task, call);
      }
      return value;
    } finally {
      // The drift timer stops at its next tick if nothing runs then: stopping
      // it here, whenever the last call settled, cost a clearInterval and a
      // setInterval per call when calls settle one at a time.
      this.#running.delete(id);
    }
  }

  workers(): number {
    return 0;
  }

  async close(): Promise<void> {
    this.#stopDriftTimer();
    this.#runQueue.close();
  }

  async destroy(): Promise<void> {
    this.#destroyed.abort(new ExecutorClosedError('The executor was destroyed while the task ran'));
    this.#stopDriftTimer();
    this.#runQueue.close();
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
      if (this.#running.size === 0) {
        // Idle: a block now has no task to name (the synchronous-start check names its own).
        this.#stopDriftTimer();
        return;
      }
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

/**
 * One call of `fn`: with a context for each input when the function takes one
 * (`sink` defined), a batch item's progress tagged with its index.
 */
function invoke(fn: Fn, input: unknown, batch: boolean, sink: ContextSink | undefined, source: CancelSignal | undefined): unknown {
  if (sink === undefined) return batch ? Promise.all((input as unknown[]).map((item) => fn(item))) : fn(input);
  if (!batch) return fn(input, new CallContext(sink, 0, source));
  return Promise.all((input as unknown[]).map((item, k) => fn(item, new CallContext(sink, k, source))));
}

/** Progress of a direct-path call: `taskProgress` events while it runs (it has no caller's onProgress). */
class DirectProgress implements ContextSink {
  readonly attempt = 1;
  #done = false;
  #contexts: CallContext[] | undefined;

  constructor(
    readonly events: EventEmitter<ExecutorEvents>,
    readonly id: number,
    readonly label: string,
  ) {}

  progress(value: unknown): void {
    if (this.#done || this.events.listenerCount('taskProgress') === 0) return;
    this.events.emit('taskProgress', { id: this.id, task: this.label, backend: 'async', value });
  }

  /** The call settled: no more progress, and its context stops listening for destroy(). */
  end(source: TaskSignal): void {
    this.#done = true;
    for (const context of this.#contexts ?? []) source.removeEventListener('abort', context);
  }

  /** A context that follows the shared destroy() signal (CallContext asks when the task reads ctx.signal). */
  following(context: CallContext): void {
    (this.#contexts ??= []).push(context);
  }
}

/** A direct-path call threw synchronously: rethrown by runNow, as an unmeasured call would throw. */
class Thrown {
  constructor(readonly error: unknown) {}
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
