/**
 * What the async backend knows of each task it ran, and the sample of calls it
 * measures for the task profiles (API.md "Measured traits"): the synchronous
 * part (until the function returns), its CPU time (`process.cpuUsage()`
 * around it), and the time to settlement. It sees the caller's event loop
 * only: CPU spent after the first await (in a continuation) is not counted as
 * the call's, and the CPU time is the process's, so other threads busy at
 * that moment (a thread pool of the same process) add to it. The time the
 * thread waited for a CPU during the synchronous part (RunQueueClock, Linux)
 * is taken out of the call's times.
 */
import { isTask, type Task, type TaskFunction } from '../../task.js';
import { loadedTaskFunction } from '../../worker/task-loader.js';
import type { TaskCall } from '../backend.js';
import type { CallSample } from '../../policy/call-sample.js';
import { isSampled } from '../../policy/task-profile.js';
import { SampleRation } from '../../policy/sample-ration.js';
import { SyncPartClock } from '../../policy/sync-part-clock.js';
import { wantsContext, type ContextSink } from '../../core/task-context.js';
import type { CancelSignal } from '../../core/task-signal.js';
import type { BlockDetector } from './block-detector.js';
import { invoke, isThenable, nativePromise, Thrown, type Fn } from './invoke.js';

/** A task whose function is at hand, and how many of its calls ran here (for sampling). */
export interface Loaded {
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

/** The process's CPU time so far, ms (every thread of it). */
function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
const processCpuClock = () => processCpuMs;

export class CallSampler {
  /** Where direct-path samples go; undefined: measurement is off. */
  readonly record: ((task: Task | TaskFunction, sample: CallSample) => void) | undefined;
  /** Task objects are frozen and long-lived (so are most plain functions): found without a string key per call. */
  #functions = new WeakMap<Task | TaskFunction, Loaded>();
  /** The sampled call's clocks: this thread's wait for a CPU, and the process's CPU time. */
  #clock = new SyncPartClock(processCpuClock);
  /** Samples that may be taken (SAMPLE_BUDGET_ONE_IN). */
  #samples = new SampleRation(SAMPLE_BUDGET_ONE_IN, SAMPLE_BURST);
  /** New plain functions that may be tracked (NEW_FUNCTION_ONE_IN). */
  #newFunctions = new SampleRation(NEW_FUNCTION_ONE_IN, SAMPLE_BURST);
  #detector: BlockDetector;
  /** The task of the last lookup, and what it found (entries are never removed: it stays right). */
  #lastTask: Task | TaskFunction | undefined;
  #lastLoaded: Loaded | undefined;

  constructor(record: CallSampler['record'], detector: BlockDetector) {
    this.record = record;
    this.#detector = detector;
  }

  /**
   * The function of a task already imported (or a plain function), without
   * building a key string; undefined when the task's module must be imported
   * first. A plain function seen for the first time is returned as is, not
   * tracked for sampling, unless a sample may be taken now: code that passes a
   * new closure to every `run` would otherwise add an entry per call.
   */
  loaded(task: Task | TaskFunction): Loaded | Fn | undefined {
    // A run of calls of one task (the common case) skips the WeakMap.
    if (task === this.#lastTask) return this.#lastLoaded;
    let loaded = this.#functions.get(task);
    if (loaded === undefined) {
      if (!isTask(task)) {
        if (this.record === undefined || this.#newFunctions.available() < 1 || this.#samples.available() < 1) {
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
    this.#lastTask = task;
    this.#lastLoaded = loaded;
    return loaded;
  }

  /** Whether to measure this call of `loaded`'s task: measurement is on, its turn (isSampled), and the budget allows. */
  sampled(loaded: Loaded): boolean {
    if (this.record === undefined) return false;
    this.#samples.seen();
    return isSampled(++loaded.calls) && this.#samples.take();
  }

  /**
   * One measured call, on either path: the synchronous part timed and its CPU
   * read around it, the rest timed to settlement; failed calls are not
   * recorded (an early throw says nothing of how the task runs). Returns the
   * value, a native promise of it (followed by the block detector), or a
   * Thrown. `call`: the Job path's, which reports through it.
   */
  run(
    loaded: Loaded,
    task: Task | TaskFunction,
    input: unknown,
    batch: boolean,
    label: string,
    call: TaskCall | undefined,
    sink: ContextSink | undefined,
    source: CancelSignal | undefined,
  ): unknown {
    // The clocks are read only around calls long enough for them to matter (Loaded.longSync).
    const clocked = loaded.longSync;
    const start = clocked ? this.#clock.start() : undefined;
    const began = performance.now();
    let result: unknown;
    let thrown: Thrown | undefined;
    try {
      result = invoke(loaded.fn, input, batch, sink, source);
    } catch (error) {
      thrown = new Thrown(error);
    }
    const ended = performance.now();
    const syncMs = ended - began;
    const cpuSince = start === undefined ? undefined : this.#clock.cpuSince(start);
    const queuedMs = start === undefined ? 0 : this.#clock.queuedSince(start);
    loaded.longSync = syncMs >= LONG_SYNC_MS;
    this.#detector.syncPart(syncMs, label, ended);
    if (thrown !== undefined) return thrown;
    const pending = isThenable(result) ? nativePromise(result) : undefined;
    // Not clocked, and long after all: no CPU time to report; the next sample is clocked.
    if (start === undefined && loaded.longSync) {
      if (pending === undefined) return result;
      this.#detector.follow(pending, label);
      return pending;
    }
    // A synchronous part of a few microseconds is the call's own JavaScript: taken as CPU time.
    const cpuMs = cpuSince ?? syncMs;
    if (pending === undefined) {
      this.#report({ runMs: syncMs, syncMs, cpuMs, queuedMs }, task, call);
      return result;
    }
    // Registered before the caller's own `then`: the sample is in before the call settles.
    pending.then((): void => this.#report({ runMs: performance.now() - began, syncMs, cpuMs, queuedMs }, task, call), NOOP);
    this.#detector.follow(pending, label);
    return pending;
  }

  close(): void {
    this.#clock.close();
  }

  #report(sample: CallSample, task: Task | TaskFunction, call: TaskCall | undefined): void {
    if (call !== undefined) call.measured(sample);
    else this.record?.(task, sample);
  }
}

function NOOP(): void {}
