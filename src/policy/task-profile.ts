/**
 * Task profiles (API.md "Measured traits"): how each task definition's calls
 * really behave, built from the samples its workers take of them.
 *
 *   worker / event loop: a sampled call -> CallSample { runMs, syncMs, cpuMs }
 *     -> TaskProfiles.record(task, sample)   a ring of the task's recent samples
 *     -> profile(task): runs, median run time, median CPU share, kind
 *     -> explain(task).measured; auto's routing with `adapt`; policy advice
 *
 * One store per executor (an auto executor shares its store with every
 * backend it creates, so a task keeps its profile when it moves). Memory is
 * bounded however many distinct tasks run: at most MAX_PROFILED_TASKS entries
 * (the least recently measured is forgotten), each a fixed ring of RING samples.
 *
 * Classification, per sample (its time waiting for a CPU taken out: queuedMs),
 * then by the medians:
 * - cpu share = cpuMs / runMs: the call kept a core busy. >= 0.5: `cpu`.
 * - else sync share = syncMs / runMs: the call held its thread (it had not
 *   returned) although it did not compute: synchronous fs, Atomics.wait, a
 *   blocking native call. >= 0.5: `blocking-io`.
 * - else `waiting-io`: it waited with its event loop free (timers, sockets).
 * Where a worker cannot read its CPU time (`cpuMs` undefined: a thread off
 * Linux), a call that held its thread is taken as `blocking-io` and the cpu
 * share is NaN: a thread pool is the right home for both (no GIL in Node), and
 * we cannot tell computing from blocking there.
 */
import { isTask, type Task, type TaskFunction } from '../task.js';
import type { CallSample } from './call-sample.js';

/** What the executor measured of one task definition's calls (API.md "Measured traits"). */
export interface TaskProfile {
  /** Calls measured so far (every call at first, then a sample of them). */
  runs: number;
  /** Median running time of the recent measured calls, ms. */
  runMs: number;
  /** Median CPU time / running time, 0..1; NaN when the worker cannot read its CPU time (threads off Linux). */
  cpuShare: number;
  /** The guide's classes, as measured. */
  kind: 'cpu' | 'blocking-io' | 'waiting-io';
}
export type TaskKind = TaskProfile['kind'];

/** Tasks whose profiles are kept: a service with more distinct tasks forgets the least recently measured. */
export const MAX_PROFILED_TASKS = 256;
/** Recent samples per task: enough for a median that one odd call cannot move, 16 x 3 numbers of memory. */
const RING = 16;
/** A call keeps a core busy at least this share of its running time: `cpu` (API.md). */
const CPU_SHARE = 0.5;
/** A call holds its thread (has not returned) at least this share of its running time: `blocking-io`. */
const SYNC_SHARE = 0.5;
/** Where each ring starts in ProfileEntry.samples. */
const RUN = 0;
const CPU = RING;
const SYNC = RING * 2;

/**
 * Sampling, for in-process measurement (the async backend): every call of a
 * task while it is new, then one call in SAMPLE_ONE_IN. A sampled call of a
 * tiny task costs two clock reads and a ring write (its CPU clocks are not
 * read: see async.ts Loaded.longSync); a longer one adds two
 * `process.cpuUsage()` and two run-queue reads (~1 µs each). A tiny task takes
 * ~5 µs through `run`, so 1 in 64 keeps the cost well under 1 % (the aim is 3 %).
 */
export const SAMPLE_FIRST = 16;
const SAMPLE_ONE_IN = 64;

/** Whether the `calls`-th call of a task (from 1) is measured. */
export function isSampled(calls: number): boolean {
  return calls <= SAMPLE_FIRST || calls % SAMPLE_ONE_IN === 0;
}

/**
 * Measurement is on unless the environment says `UNIFIED_EXECUTOR_MEASURE=0`
 * when an executor is created: the benchmark's switch to measure what measuring
 * costs. With it off, tasks have no profile (and `adapt` has nothing to act on).
 */
export function measurementEnabled(): boolean {
  return process.env.UNIFIED_EXECUTOR_MEASURE !== '0';
}

class ProfileEntry {
  runs = 0;
  /** Three rings in one allocation: run times (RUN), CPU shares (CPU; NaN where the sample had none), sync shares (SYNC). */
  readonly samples = new Float64Array(RING * 3);
  /** The profile of the samples so far; undefined after a new sample, until asked. */
  cached: TaskProfile | undefined = undefined;
  /** Policy advice was given for this task (once per task). */
  advised = false;

  constructor(
    readonly key: string | TaskFunction,
    /** The object the fast lookup is keyed by: the Task (or plain function) last measured. */
    public holder: object,
  ) {}

  add(sample: CallSample): void {
    const slot = this.runs % RING;
    // Time spent waiting for a CPU is neither computing nor blocking: out of both.
    const queued = sample.queuedMs !== undefined && sample.queuedMs > 0 ? sample.queuedMs : 0;
    const run = Math.max(0, sample.runMs - queued);
    this.samples[RUN + slot] = run;
    // A call too short for the clocks to tell (0 ms) is all CPU and all synchronous.
    this.samples[CPU + slot] = sample.cpuMs === undefined ? Number.NaN : share(sample.cpuMs, run);
    this.samples[SYNC + slot] = share(sample.syncMs - queued, run);
    this.runs++;
    this.cached = undefined;
  }

  profile(): TaskProfile {
    if (this.cached) return this.cached;
    const n = Math.min(this.runs, RING);
    const runMs = median(this.samples, RUN, n);
    const cpuShare = median(this.samples, CPU, n);
    const syncShare = median(this.samples, SYNC, n);
    const kind: TaskKind =
      cpuShare >= CPU_SHARE ? 'cpu' : syncShare >= SYNC_SHARE ? 'blocking-io' : 'waiting-io';
    this.cached = Object.freeze({ runs: this.runs, runMs, cpuShare, kind });
    return this.cached;
  }
}

function share(part: number, whole: number): number {
  if (!(whole > 0)) return 1;
  return Math.min(1, Math.max(0, part / whole));
}

const scratch = new Float64Array(RING);

/** Median of the `n` values from `offset`, ignoring NaN; NaN when none is a number. */
function median(values: Float64Array, offset: number, n: number): number {
  let count = 0;
  for (let i = offset; i < offset + n; i++) if (!Number.isNaN(values[i]!)) scratch[count++] = values[i]!;
  if (count === 0) return Number.NaN;
  const sorted = scratch.subarray(0, count).sort();
  const mid = count >> 1;
  return count % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The profile store of one executor (shared by the backends an auto executor creates). */
export class TaskProfiles {
  /** By definition (`module#export`, or the plain function itself); Map order is recency of measurement. */
  #entries = new Map<string | TaskFunction, ProfileEntry>();
  /** The same entries by task object: the per-sample lookup without building a key string. */
  #byHolder = new WeakMap<object, ProfileEntry>();
  /** Called after each sample, with the task's profile (the auto executor gives advice from it). */
  onSample: ((task: Task | TaskFunction, profile: TaskProfile) => void) | undefined = undefined;

  /** Adds what was measured of one call of `task`. */
  record(task: Task | TaskFunction, sample: CallSample): void {
    let entry = this.#byHolder.get(task);
    if (entry === undefined) {
      entry = this.#find(task, true)!;
    } else {
      // Most recently measured last: the first entry is the one to forget.
      this.#entries.delete(entry.key);
      this.#entries.set(entry.key, entry);
    }
    entry.add(sample);
    this.onSample?.(task, entry.profile());
  }

  /** What was measured of `task`'s calls; undefined before any was. */
  profile(task: Task | TaskFunction): TaskProfile | undefined {
    const entry = this.#byHolder.get(task) ?? this.#find(task, false);
    return entry === undefined || entry.runs === 0 ? undefined : entry.profile();
  }

  /** True the first time it is asked for `task` (advice is given once per task definition). */
  firstAdvice(task: Task | TaskFunction): boolean {
    const entry = this.#byHolder.get(task) ?? this.#find(task, false);
    if (entry === undefined || entry.advised) return false;
    entry.advised = true;
    return true;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The entry of `task`'s definition (another Task object for the same export shares it). */
  #find(task: Task | TaskFunction, create: boolean): ProfileEntry | undefined {
    const key = isTask(task) ? `${task.module}#${task.name}` : task;
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      if (!create) return undefined;
      entry = new ProfileEntry(key, task);
      this.#entries.set(key, entry);
      if (this.#entries.size > MAX_PROFILED_TASKS) this.#forget();
    } else if (entry.holder !== task) {
      this.#byHolder.delete(entry.holder);
      entry.holder = task;
    }
    this.#byHolder.set(task, entry);
    return entry;
  }

  #forget(): void {
    const oldest = this.#entries.values().next().value!;
    this.#entries.delete(oldest.key);
    this.#byHolder.delete(oldest.holder);
  }
}
