/**
 * The Executor interface: what every backend (and `auto`) offers the caller.
 * The implementations are `LocalExecutor` (one backend) and `AutoExecutor`.
 */
import type { TransferListItem } from 'node:worker_threads';
import type { EventEmitter } from 'eventemitter3';
import type { Decision, LocalBackend } from './policy/rules.js';
import type { TaskProfile } from './policy/task-profile.js';
import type { BackendStats, Percentiles } from './core/stats.js';
import type { Task, TaskFunction } from './task.js';
import type { RateLimit, RetryDelay, RetryOn } from './pacing.js';

export type { RateLimit, RetryDelay, RetryOn };

export type BackendName = 'auto' | LocalBackend | 'distributed';
/** Where a task ran, as events and `explain()` name it. */
export type TaskBackend = LocalBackend | 'distributed';

export interface RunOptions<P = unknown> {
  /** Aborting rejects with `signal.reason`, queued or running; a running pool task's worker is ended. */
  signal?: AbortSignal;
  /** Milliseconds the task may run (waiting in the queue does not count). Overrides `taskTimeout`. */
  timeout?: number;
  /** Higher runs sooner among queued tasks. @default 0 */
  priority?: number;
  /** Pool backends: ArrayBuffers (etc.) to move to the worker instead of copying. */
  transfer?: TransferListItem[];
  /**
   * Extra runs after the task throws, times out, or its worker dies (never after an abort or
   * destroy()): only for tasks that are safe to run again. Minimum 0. @default the executor's `retries` (0)
   */
  retries?: number;
  /**
   * ms before a retry, or a function of the attempt that failed (1 for the first run) and its error.
   * Distributed: a number only (it travels to the workers as BullMQ's backoff).
   * @default the executor's, else exponential from 100 ms with full jitter, capped at 30 s
   */
  retryDelay?: RetryDelay;
  /** Whether to retry after run number `attempt` failed with `error`. Local backends only. @default the executor's, else every failure */
  retryOn?: RetryOn;
  /**
   * Every value the task passes to `ctx.progress()`, in order, before the result
   * settles and none after (API.md "Task context"). Typed from the task's `TaskContext<P>`.
   */
  onProgress?: (value: P) => void;
}

export interface MapOptions<P = unknown> {
  /** Yield results in input order. @default true */
  ordered?: boolean;
  /** Items pulled but not yet yielded, at most. @default the backend's concurrency */
  concurrency?: number;
  signal?: AbortSignal;
  /**
   * Items sent to a worker in one message (on the async backend: run in one
   * queue slot). `'auto'` grows chunks while they run fast. @default 1
   */
  chunkSize?: number | 'auto';
  /** Each item's progress values (`ctx.progress()`), with the item's index in the input. */
  onProgress?: (value: P, index: number) => void;
}

export interface TaskEvent {
  /** Unique per executor. */
  id: number;
  task: string;
  backend: TaskBackend;
}
export interface TaskEndEvent extends TaskEvent {
  waitMs: number;
  runMs: number;
}
export interface TaskProgressEvent extends TaskEvent {
  /** What the task passed to `ctx.progress()`. */
  value: unknown;
}
export interface TaskErrorEvent extends TaskEvent {
  error: unknown;
}
/** A run failed and the task will run again after `delayMs` (it is not a new task: `taskError` comes only after the last run). */
export interface TaskRetryEvent extends TaskEvent {
  /** The run that failed: 1 for the first run; the next run's `ctx.attempt` is `attempt + 1`. */
  attempt: number;
  error: unknown;
  delayMs: number;
}
/** The executor's `rateLimit`, in `rateLimit` (tasks wait for the budget) and `rateLimitCleared` (none waits any more). */
export interface RateLimitEvent {
  limit: number;
  intervalMs: number;
}
export interface WorkerEvent {
  backend: LocalBackend;
  /** Thread id or process id. */
  id: number;
}
export interface WorkerExitEvent extends WorkerEvent {
  code: number | null;
  signal?: string | null;
}
export interface WarningEvent {
  /**
   * `event-loop-blocked`: a task blocked the async backend's event loop.
   * `policy-advice`: a task's measurement contradicts the rule that routed it (once per task).
   */
  type: 'event-loop-blocked' | 'policy-advice' | string;
  /** Where the task ran (for advice: where its declared traits route it). */
  backend: TaskBackend;
  /** The task that blocked, or the task advised about, when known. */
  task?: string;
  /** How long the event loop was blocked, ms. */
  delayMs?: number;
  /** `policy-advice`: what was measured of the task. */
  measured?: TaskProfile;
  /** `policy-advice`: the decision the measurement makes (`policy: { adapt: true }` acts on it). */
  advice?: Decision;
  message: string;
}

export interface ExecutorEvents {
  taskStart: [TaskEvent];
  taskEnd: [TaskEndEvent];
  taskError: [TaskErrorEvent];
  taskRetry: [TaskRetryEvent];
  rateLimit: [RateLimitEvent];
  rateLimitCleared: [RateLimitEvent];
  taskProgress: [TaskProgressEvent];
  idle: [];
  workerSpawn: [WorkerEvent];
  workerExit: [WorkerExitEvent];
  warning: [WarningEvent];
}

export interface ExecutorStats extends BackendStats {
  /** For `auto`: one entry per backend created so far. */
  backends?: Partial<Record<LocalBackend, BackendStats>>;
}

export type { BackendStats, Percentiles };

export interface Executor extends EventEmitter<ExecutorEvents> {
  readonly backend: BackendName;
  /** What the policy chose for this task (or would choose for the executor's default traits), and why. */
  explain(task?: Task<any, any> | TaskFunction): Decision<TaskBackend>;
  run<I, O, P = unknown>(task: Task<I, O, P> | TaskFunction<I, O, P>, input: NoInfer<I>, options?: RunOptions<NoInfer<P>>): Promise<O>;
  map<I, O, P = unknown>(
    task: Task<I, O, P> | TaskFunction<I, O, P>,
    inputs: Iterable<NoInfer<I>> | AsyncIterable<NoInfer<I>>,
    options?: MapOptions<NoInfer<P>>,
  ): AsyncIterableIterator<O>;
  stats(): ExecutorStats;
  /** Resolves when nothing is queued or running. */
  onIdle(): Promise<void>;
  /** Resolves when fewer than `n` tasks are queued (not started: held by `pause()` or the rate limit included), as p-queue's. */
  onSizeLessThan(n: number): Promise<void>;
  /** Resolves when no task is queued (some may still run). */
  onEmpty(): Promise<void>;
  /** Stop starting tasks: running ones go on, queued ones wait (and `close()` waits for them). Distributed: pauses the queue for every worker. */
  pause(): void;
  /** Start queued tasks again. */
  resume(): void;
  /** `pause()` was called and `resume()` not since. */
  readonly paused: boolean;
  /** Graceful: refuse new work, finish queued and running tasks, release workers. */
  close(): Promise<void>;
  /** Abort queued and running tasks, release workers now. */
  destroy(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}
