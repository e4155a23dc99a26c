/**
 * One task from `run` to its settlement, as one object: the call a backend
 * runs (TaskCall), the task's own abort signal (a TaskSignal), the listener on
 * the caller's signal, and the executor's bookkeeping. `run` is the hot path of
 * tiny tasks: at 50,000 calls submitted at once, every extra object or closure
 * per call is garbage the collector must copy while the calls wait, and GC was
 * the largest single cost of `run` in a profile.
 */
import type { TransferListItem } from 'node:worker_threads';
import type { TaskCall } from '../backends/backend.js';
import type { Task, TaskFunction } from '../task.js';
import { TaskSignal } from './task-signal.js';

export class Job extends TaskSignal implements TaskCall {
  /** It left the queue and reached the backend. */
  started = false;
  resolve!: (value: unknown) => void;
  reject!: (error: unknown) => void;

  constructor(
    readonly id: number,
    readonly task: Task | TaskFunction,
    readonly input: unknown,
    readonly batch: boolean,
    readonly transfer: TransferListItem[] | undefined,
    readonly label: string,
    /** The caller's signal, if any: this job is its abort listener (see handleEvent). */
    readonly userSignal: AbortSignal | undefined,
    /** ms of running time allowed; undefined: no limit. */
    readonly timeout: number | undefined,
    readonly queuedAt: number,
  ) {
    super();
  }

  /** The caller's signal aborted: abort this task with its reason (an object listener, not a closure per call). */
  handleEvent(): void {
    this.abort(this.userSignal!.reason);
  }

  /** The promise `run` returns; settled through `resolve`/`reject`. */
  settlement(): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}
