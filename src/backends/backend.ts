/**
 * The plug-in point between the executor and a backend. The executor owns the
 * queue, priorities, timeouts, abort, stats and events; a backend only runs
 * calls and manages its workers. Three members do the work: `accept`,
 * `execute`, and the two ways to stop.
 */
import type { TransferListItem } from 'node:worker_threads';
import type { EventEmitter } from 'eventemitter3';
import type { ExecutorEvents } from '../executor.js';
import type { ExecutorOptions } from '../options.js';
import type { LocalBackend, TaskTraits } from '../policy.js';
import type { Task, TaskFunction } from '../task.js';
import type { CancelSignal } from '../shared/task-signal.js';

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
}

export interface Backend {
  readonly kind: LocalBackend;
  /** How many calls the executor keeps in flight on this backend. */
  readonly concurrency: number;
  /** Throws (TaskNotPortableError, ...) if this backend can never run the task. */
  accept(task: Task | TaskFunction): void;
  /**
   * Runs one call. When `signal` aborts, settle promptly with `signal.reason`,
   * stopping the work where possible (a pool ends the worker running it).
   */
  execute(call: TaskCall, signal: CancelSignal): Promise<unknown>;
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
}

export type BackendFactory = (context: BackendContext) => Backend;
