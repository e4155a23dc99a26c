/**
 * The direct path of an in-process backend (async): a call with no signal and
 * no timeout has nothing to abort or time: no Job, no abort signal, no timer.
 *
 * - Nothing waits and p-queue has a free slot (`#startNow`): the call runs at
 *   once, as p-queue would start it inside add(), but without p-queue's
 *   per-call objects. A task that returns a plain value (or throws) is over
 *   before `run` returns. One that returns a promise then takes a p-queue
 *   slot until it settles, so p-queue still bounds what is in flight.
 * - Otherwise it is p-queue's own task (`#run`), and p-queue's promise the caller's.
 *
 * A call whose task returned a promise is followed (one DirectCall) only so
 * that destroy() can settle it at once. The slot is counted free (`running`)
 * before the caller's promise settles, as on the Job path.
 */
import type { EventEmitter } from 'eventemitter3';
import type PQueue from 'p-queue';
import type { Backend } from '../backends/backend.js';
import { ExecutorClosedError } from '../errors.js';
import type { ExecutorEvents } from '../executor.js';
import type { Task, TaskFunction } from '../task.js';
import type { TaskTally } from './stats.js';

/** The executor's counters this path shares with the Job path. */
export interface CoreCounters {
  running: number;
  nextId: number;
  readonly tally: TaskTally;
}

/** One call whose task returned a promise: settled by that promise, or by destroy(). */
class DirectCall {
  readonly promise: Promise<unknown>;
  resolve!: (value: unknown) => void;
  reject!: (error: unknown) => void;

  constructor(
    readonly id: number,
    readonly label: string,
    readonly queuedAt: number,
    readonly startedAt: number,
  ) {
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

export class DirectCalls {
  #backend: Backend;
  #counters: CoreCounters;
  #events: EventEmitter<ExecutorEvents>;
  #afterSettle: () => void;
  /** Calls whose promise is pending: destroy() settles them. */
  #pending = new Set<DirectCall>();
  #destroyed = false;

  constructor(backend: Backend, counters: CoreCounters, events: EventEmitter<ExecutorEvents>, afterSettle: () => void) {
    this.#backend = backend;
    this.#counters = counters;
    this.#events = events;
    this.#afterSettle = afterSettle;
  }

  submit(queue: PQueue, task: Task | TaskFunction, input: unknown, label: string, priority: number | undefined): Promise<unknown> {
    this.#counters.tally.submitted++;
    // Nothing waits and p-queue has a free slot: it would start the call inside add(), at once.
    if (queue.size === 0 && queue.pending < queue.concurrency && !queue.isPaused) return this.#startNow(queue, task, input, label);
    const queuedAt = performance.now();
    const run = () => this.#run(task, input, label, queuedAt);
    return priority === undefined ? queue.add(run) : queue.add(run, { priority });
  }

  /** Running calls end now with ExecutorClosedError; queued ones do when p-queue reaches them. */
  destroy(): void {
    this.#destroyed = true;
    for (const call of [...this.#pending]) {
      this.#settle(call, false, new ExecutorClosedError('The executor was destroyed while the task ran'), true);
    }
  }

  /**
   * A call nobody waits before: run here, without p-queue's per-call objects
   * (its promise, closures, options copy and id: about half of what a tiny
   * call costs). A call that returns a plain value or throws is over before
   * `run` returns, slot and all. One that returns a promise holds a p-queue
   * slot until it settles (`queue.add` of its settlement), so p-queue still
   * counts every call in flight and starts no more than `concurrency`.
   */
  #startNow(queue: PQueue, task: Task | TaskFunction, input: unknown, label: string): Promise<unknown> {
    return this.#call(task, input, label, this.#counters.nextId++, undefined, queue) as Promise<unknown>;
  }

  /** p-queue's task for a call that waited. */
  #run(task: Task | TaskFunction, input: unknown, label: string, queuedAt: number): unknown {
    const counters = this.#counters;
    const id = counters.nextId++;
    if (this.#destroyed) {
      const error = new ExecutorClosedError('The executor was destroyed before the task started');
      counters.tally.cancelled++;
      this.#events.emit('taskError', { id, task: label, backend: this.#backend.kind, error });
      this.#afterSettle();
      throw error;
    }
    return this.#call(task, input, label, id, queuedAt, undefined);
  }

  /**
   * Starts a call (counted running, `taskStart`) and runs it. A plain value or
   * a throw is counted as the call's end here; a promise is followed (one
   * DirectCall). `queue` is given for a call started at once, outside p-queue
   * (`#startNow`): it waited for nothing (`queuedAt` is its start), its
   * outcome is always a promise, and a promise it returned holds a slot of
   * `queue` until it settles. Without `queue`, it is p-queue's task: a throw
   * is thrown, a plain value returned as it is.
   */
  #call(task: Task | TaskFunction, input: unknown, label: string, id: number, queuedAt: number | undefined, queue: PQueue | undefined): unknown {
    this.#counters.running++;
    const startedAt = performance.now();
    const waitedFrom = queuedAt ?? startedAt;
    if (this.#events.listenerCount('taskStart') > 0) this.#events.emit('taskStart', { id, task: label, backend: this.#backend.kind });
    let result: unknown;
    try {
      result = this.#backend.runNow!(task, input, label, id);
    } catch (error) {
      this.#finish(id, label, waitedFrom, startedAt, false, error, false);
      if (queue) return Promise.reject(error);
      throw error;
    }
    if (!isThenable(result)) {
      this.#finish(id, label, waitedFrom, startedAt, true, result, false);
      return queue ? Promise.resolve(result) : result;
    }
    const call = new DirectCall(id, label, waitedFrom, startedAt);
    this.#pending.add(call);
    const settled = result.then(
      (value) => this.#settle(call, true, value, false),
      (error: unknown) => this.#settle(call, false, error, false),
    );
    if (queue) void queue.add(() => settled);
    return call.promise;
  }

  #settle(call: DirectCall, ok: boolean, outcome: unknown, cancelled: boolean): void {
    if (!this.#pending.delete(call)) return;
    this.#finish(call.id, call.label, call.queuedAt, call.startedAt, ok, outcome, cancelled);
    if (ok) call.resolve(outcome);
    else call.reject(outcome);
  }

  /** Counts a started call's end and emits its event, before the caller's promise settles. */
  #finish(id: number, label: string, queuedAt: number, startedAt: number, ok: boolean, outcome: unknown, cancelled: boolean): void {
    const counters = this.#counters;
    const runMs = performance.now() - startedAt;
    counters.running--;
    counters.tally.timed(startedAt - queuedAt, runMs);
    const backend = this.#backend.kind;
    if (ok) {
      counters.tally.completed++;
      if (this.#events.listenerCount('taskEnd') > 0) this.#events.emit('taskEnd', { id, task: label, backend, waitMs: startedAt - queuedAt, runMs });
    } else {
      if (cancelled) counters.tally.cancelled++;
      else counters.tally.failed++;
      this.#events.emit('taskError', { id, task: label, backend, error: outcome });
    }
    this.#afterSettle();
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
