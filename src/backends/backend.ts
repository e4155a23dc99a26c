/**
 * The plug-in point between the executor and a backend. The executor owns the
 * queue, priorities, timeouts, abort, stats and events; a backend only runs
 * calls and manages its workers. Three members do the work: `accept`,
 * `execute`, and the two ways to stop.
 */
import type { TransferListItem } from 'node:worker_threads';
import type { EventEmitter } from 'eventemitter3';
import type { ExecutorEvents, RunOptions, TaskBackend } from '../executor.js';
import type { ExecutorOptions } from '../options.js';
import type { TaskTraits } from '../policy/traits.js';
import type { Task, TaskFunction } from '../task.js';
import type { CallSample } from '../policy/call-sample.js';
import type { CancelSignal } from '../core/task-signal.js';

export type { CancelSignal };

export interface TaskCall {
  task: Task | TaskFunction;
  /** One input, or the inputs of a batch. */
  input: unknown;
  /** `input` is an array of inputs; resolve with the array of their results. */
  batch: boolean;
  transfer?: TransferListItem[];
  /** For messages: the task's label. */
  label: string;
  /** ms of running time allowed (the executor times it from the start); undefined: no limit. */
  readonly timeout: number | undefined;
  /** The caller's run options, as given: a backend reads what is its own (distributed: `priority`, `retries`). */
  readonly options: RunOptions;
  /** Which run of the task this is: 1, then 2 on the first retry, ... (the task context's `attempt`). */
  readonly attempt: number;
  /**
   * A worker started the call. Backends with `reportsStart` call it; others
   * never need to. `startedAt` (performance.now() time): when the start is
   * learnt late (a job's start and end in one read of an event stream).
   */
  markStarted(startedAt?: number): void;
  /** What a worker measured of the call, when it sampled this one (before the call settles). */
  measured(sample: CallSample): void;
  /**
   * A backend that runs retries itself (`retriesItself`): run number `attempt`
   * failed with `error`, and the call runs again after `delayMs`.
   */
  retried?(attempt: number, error: unknown, delayMs: number): void;
  /**
   * A value the task passed to `ctx.progress()`; `item`: its index within a
   * batch, else 0. Ignored once the call has settled (none arrives after the result).
   */
  progress(value: unknown, item: number): void;
}

export interface Backend {
  readonly kind: TaskBackend;
  /** How many calls run at once on this backend (its slots). */
  readonly concurrency: number;
  /** `map`'s default window, when it is not `concurrency` (distributed: slots it cannot see). @default concurrency */
  readonly mapWindow?: number;
  /**
   * How many calls the executor hands over now: the running ones plus those a
   * pool sends ahead to its workers. Read again after every settle (a pool's
   * window follows measured run times). @default concurrency
   */
  readonly capacity?: number;
  /**
   * The backend tells the executor when each call starts (`call.markStarted()`):
   * a call sent ahead waits in a worker first, and its timeout, `taskStart` and
   * `running` count from its start. Otherwise a call starts when `execute` is called.
   */
  readonly reportsStart?: boolean;
  /**
   * In-process backends: runs the task now on the caller's event loop and
   * returns its value or a thenable (a task not yet imported returns one).
   * The executor takes this path for calls with no signal and no timeout
   * (core/direct-calls.ts): no per-call object beyond p-queue's own, and
   * none of p-queue's when a slot is free and nothing waits. `id`: the
   * task's id, for the `taskProgress` events of a task that takes a context.
   * `startedAt`: the executor's performance.now() at the call's start, when
   * nothing ran since (the backend times the synchronous part from it; one
   * clock read fewer per call).
   */
  runNow?(task: Task | TaskFunction, input: unknown, label: string, id: number, startedAt?: number): unknown;
  /**
   * Its code is still being loaded (backends/lazy-backend.ts): the executor
   * holds its calls until this settles (it never rejects), then hands them to
   * `execute`. Undefined once loaded.
   */
  readonly loading?: Promise<void>;
  /**
   * A call is held for `loading`: a pool starts a worker for it now, while
   * its code loads (pool/head-start.ts), as it would once loaded.
   */
  awaitsLoad?(): void;
  /** Throws (TaskNotPortableError, ...) if this backend can never run the task. */
  accept(task: Task | TaskFunction): void;
  /**
   * Runs one call. When `signal` aborts, settle promptly with `signal.reason`,
   * stopping the work where possible (a pool ends the worker running it).
   */
  execute(call: TaskCall, signal: CancelSignal): Promise<unknown>;
  /**
   * Distributed: the backend runs retries itself (BullMQ's attempts and
   * backoff); the core does not run a failed call again.
   */
  readonly retriesItself?: boolean;
  /**
   * `executor.pause()`: calls already handed over but not started (sent ahead
   * to a worker, or waiting in a shared queue) are not started until `resume()`.
   */
  pause?(): void;
  resume?(): void;
  /** Live workers (threads or processes); 0 for the async backend. */
  workers(): number;
  /** Nothing is queued or running any more: release workers. */
  close(): Promise<void>;
  /** Stop everything now; resolves when every worker has exited. */
  destroy(): Promise<void>;
}

/** What a backend is built from. */
export interface BackendContext {
  options: ExecutorOptions;
  /** The executor's default traits merged with the policy's, for sizing. */
  traits: TaskTraits;
  /** Where the backend reports `workerSpawn`, `workerExit` and `warning`. */
  events: EventEmitter<ExecutorEvents>;
  /**
   * In-process backends: where to record what they measured of a call that has
   * no TaskCall (the direct path, `runNow`); calls with one report through
   * `call.measured`. Undefined when measurement is off: measure nothing.
   */
  recordSample?: (task: Task | TaskFunction, sample: CallSample) => void;
}

export type BackendFactory = (context: BackendContext) => Backend;
