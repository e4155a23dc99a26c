/**
 * The direct path of an in-process backend (async): a call with no signal and
 * no timeout has nothing to abort or time: no Job, no abort signal, no timer,
 * and (when it has no priority and the executor is not paused) no p-queue task.
 *
 *   run -> a slot free, nothing waits: runs at once (`#startNow`); a plain value
 *          or a throw is over before `run` returns; a promise holds a slot
 *          (a Lane: one p-queue task) until it settles
 *       -> every slot taken, p-queue empty: into the line, a FIFO of our own;
 *          a lane whose call settles starts the next one in the line on the
 *          same slot, and a slot p-queue frees (its `next`) starts a lane
 *       -> a priority, or paused: p-queue's task, as before (it becomes a lane
 *          when p-queue starts it)
 *
 * p-queue still counts every call in flight (each lane holds one of its
 * slots) and orders everything that waits in it. The line holds only what
 * p-queue would have had at its tail: calls join it only while p-queue holds
 * nothing, and before anything is added to p-queue (a Job, a retry, a call
 * with a priority, anything while paused) the line moves there, in order
 * (ExecutorQueue's `beforeAdd`). So the order is p-queue's: by priority, then
 * submission, a retry at the front of its priority.
 *
 * Why: p-queue's `add` costs about as much as a tiny task (an options copy,
 * an id string and a Symbol, its own promise and three closures), and a
 * direct call took it besides our own records: 100,000 tiny calls that
 * return a promise ran at 0.6-0.7x raw p-queue. A call in the line is one
 * record and the caller's promise.
 */
import type { EventEmitter } from 'eventemitter3';
import type { Backend } from '../backends/backend.js';
import { ExecutorClosedError } from '../errors.js';
import type { ExecutorEvents } from '../executor.js';
import type { Task, TaskFunction } from '../task.js';
import { DirectCall, Lane, type LaneOwner } from './direct-lane.js';
import type { ExecutorQueue } from './executor-queue.js';
import type { TaskTally } from './stats.js';

/** The executor's counters this path shares with the Job path. */
export interface CoreCounters {
  running: number;
  nextId: number;
  readonly tally: TaskTally;
}

type Queue = ExecutorQueue;
const DONE = Promise.resolve();
/** #launch's outcome when the task threw (a task may return or throw anything, undefined included). */
const THREW: unique symbol = Symbol('threw');

export class DirectCalls implements LaneOwner {
  #backend: Backend;
  #counters: CoreCounters;
  #events: EventEmitter<ExecutorEvents>;
  #afterSettle: () => void;
  #queue: Queue | undefined;
  /** The line: calls waiting outside p-queue, oldest first. */
  #head: DirectCall | undefined;
  #tail: DirectCall | undefined;
  #waiting = 0;
  /** Lanes holding a slot: destroy() ends their calls. */
  #lanes = new Set<Lane>();
  /** Our own p-queue adds: not a reason to move the line into p-queue. */
  #adding = false;
  #destroyed = false;
  /** When the last call ended (#count), ms. */
  #endedAt = 0;
  /** What the last call that threw threw (#launch). */
  #thrown: unknown = undefined;

  constructor(backend: Backend, counters: CoreCounters, events: EventEmitter<ExecutorEvents>, afterSettle: () => void) {
    this.#backend = backend;
    this.#counters = counters;
    this.#events = events;
    this.#afterSettle = afterSettle;
  }

  /** Calls waiting in the line (queued, outside p-queue). */
  get waiting(): number {
    return this.#waiting;
  }

  submit(queue: Queue, task: Task | TaskFunction, input: unknown, label: string, priority: number | undefined): Promise<unknown> {
    this.#counters.tally.submitted++;
    if (this.#queue !== queue) this.#listenTo(queue);
    if (priority === undefined && queue.size === 0 && !queue.isPaused) {
      // Nothing waits and p-queue has a free slot: it would start the call inside add(), at once.
      if (this.#waiting === 0 && queue.pending < queue.concurrency) return this.#startNow(queue, task, input, label);
      const call = new DirectCall(task, input, label, performance.now());
      if (this.#tail === undefined) this.#head = call;
      else this.#tail.next = call;
      this.#tail = call;
      this.#waiting++;
      return call.promise;
    }
    // Behind what waits in p-queue (the line moves there first: the `add` event).
    const call = new DirectCall(task, input, label, performance.now());
    const run = () => this.#runQueued(call);
    void (priority === undefined ? queue.add(run) : queue.add(run, { priority }));
    return call.promise;
  }

  /** Waiting calls end now with ExecutorClosedError (p-queue's when it reaches them); running ones too. */
  destroy(): void {
    this.#destroyed = true;
    for (let call = this.#take(); call !== undefined; call = this.#take()) this.#refuse(call);
    for (const lane of [...this.#lanes]) {
      const call = lane.call;
      lane.call = undefined;
      if (call !== undefined) this.#finish(call, false, new ExecutorClosedError('The executor was destroyed while the task ran'), true);
      this.#endLane(lane);
    }
    this.#afterSettle();
  }

  /** A lane's call settled (Lane's handlers): counted, its caller told, and the lane goes on. */
  laneSettled(lane: Lane, ok: boolean, outcome: unknown): void {
    const call = lane.call;
    // Settled by destroy() already.
    if (call === undefined) return;
    lane.call = undefined;
    this.#finish(call, ok, outcome, false);
    this.#drive(lane, true);
  }

  #listenTo(queue: Queue): void {
    this.#queue = queue;
    queue.beforeAdd = this.#moveLineFirst;
    queue.on('next', this.#fillFreeSlots);
  }

  /**
   * A call nobody waits before: run here. A plain value or a throw is over
   * before `run` returns, slot and all; a promise takes a lane (one p-queue
   * task, started inside add(): p-queue counts it against `concurrency`).
   */
  #startNow(queue: Queue, task: Task | TaskFunction, input: unknown, label: string): Promise<unknown> {
    const id = this.#counters.nextId++;
    const startedAt = performance.now();
    const result = this.#launch(id, task, input, label, startedAt);
    if (result === THREW) {
      const error = this.#takeThrown();
      this.#count(id, label, startedAt, startedAt, false, error, false);
      this.#afterSettle();
      return Promise.reject(error);
    }
    if (!isThenable(result)) {
      this.#count(id, label, startedAt, startedAt, true, result, false);
      this.#afterSettle();
      return Promise.resolve(result);
    }
    const call = new DirectCall(task, input, label, startedAt);
    call.id = id;
    call.startedAt = startedAt;
    const lane = this.#newLane();
    lane.call = call;
    result.then(lane.onValue, lane.onError);
    this.#adding = true;
    void queue.add(lane.hold);
    this.#adding = false;
    return call.promise;
  }

  /** p-queue's task for a call that waited there: it starts it on a lane of its own. */
  #runQueued(call: DirectCall): Promise<void> {
    if (this.#destroyed) {
      this.#refuse(call);
      this.#afterSettle();
      return DONE;
    }
    const lane = this.#newLane();
    if (!this.#start(lane, call, performance.now())) this.#drive(lane, true);
    return lane.slot;
  }

  /**
   * The lane's call is over: the next in line starts on it, while the line has
   * calls and they may start (not paused; p-queue holds nothing then, so
   * nothing goes before them); otherwise the lane ends and its slot returns
   * to p-queue. Paused with calls in line: they move into p-queue, where
   * resume() starts them in order. `afterEnd`: a call just ended (#count
   * read the clock): its end is the next one's start, one clock read fewer.
   */
  #drive(lane: Lane, afterEnd: boolean): void {
    for (;;) {
      if (this.#destroyed || this.#head === undefined || this.#queue!.isPaused) {
        if (!this.#destroyed && this.#head !== undefined) this.#moveLine();
        this.#endLane(lane);
        break;
      }
      // Waits on a promise: the lane goes on when it settles.
      if (this.#start(lane, this.#take()!, afterEnd ? this.#endedAt : performance.now())) break;
      afterEnd = true;
    }
    this.#afterSettle();
  }

  /** Starts `call` on `lane`: true if it returned a promise (the lane waits for it), false if it is over. */
  #start(lane: Lane, call: DirectCall, startedAt: number): boolean {
    call.id = this.#counters.nextId++;
    call.startedAt = startedAt;
    const result = this.#launch(call.id, call.task, call.input, call.label, call.startedAt);
    if (result === THREW) {
      this.#finish(call, false, this.#takeThrown(), false);
      return false;
    }
    if (!isThenable(result)) {
      this.#finish(call, true, result, false);
      return false;
    }
    lane.call = call;
    result.then(lane.onValue, lane.onError);
    return true;
  }

  /**
   * Every start, at once or later: counted running, `taskStart`, and the
   * backend runs it; returns its value or thenable, or THREW (the error in `#thrown`).
   */
  #launch(id: number, task: Task | TaskFunction, input: unknown, label: string, startedAt: number): unknown {
    this.#counters.running++;
    // A taskStart listener's time is not the task's: the backend then reads its own clock.
    let began: number | undefined = startedAt;
    if (this.#events.listenerCount('taskStart') > 0) {
      this.#events.emit('taskStart', { id, task: label, backend: this.#backend.kind });
      began = undefined;
    }
    try {
      return this.#backend.runNow!(task, input, label, id, began);
    } catch (error) {
      this.#thrown = error;
      return THREW;
    }
  }

  #takeThrown(): unknown {
    const error = this.#thrown;
    this.#thrown = undefined;
    return error;
  }

  /**
   * Slots p-queue freed while calls wait in the line (a Job ended): a lane for
   * each. Paused: the line moves into p-queue, where resume() starts it.
   */
  #fillFreeSlots = (): void => {
    const queue = this.#queue!;
    if (queue.isPaused && this.#head !== undefined && !this.#destroyed) this.#moveLine();
    while (this.#head !== undefined && !this.#destroyed && !queue.isPaused && queue.size === 0 && queue.pending < queue.concurrency) {
      const lane = this.#newLane();
      const before = queue.pending;
      this.#adding = true;
      void queue.add(() => {
        this.#drive(lane, false);
        return lane.slot;
      });
      this.#adding = false;
      // p-queue starts a task inside add() when a slot is free; if it did not, stop here.
      if (queue.pending === before) break;
    }
  };

  /** Something else is about to join p-queue (ExecutorQueue's hook): the line goes there first, as it came before. */
  #moveLineFirst = (): void => {
    if (!this.#adding && this.#head !== undefined) this.#moveLine();
  };

  /** Moves the line into p-queue, in order, at the tail of priority 0 (nothing there came later). */
  #moveLine(): void {
    const queue = this.#queue!;
    this.#adding = true;
    for (let call = this.#take(); call !== undefined; call = this.#take()) {
      const waiting = call;
      void queue.add(() => this.#runQueued(waiting));
    }
    this.#adding = false;
  }

  #take(): DirectCall | undefined {
    const call = this.#head;
    if (call === undefined) return undefined;
    this.#head = call.next;
    if (this.#head === undefined) this.#tail = undefined;
    call.next = undefined;
    this.#waiting--;
    return call;
  }

  #newLane(): Lane {
    const lane = new Lane(this);
    this.#lanes.add(lane);
    return lane;
  }

  #endLane(lane: Lane): void {
    this.#lanes.delete(lane);
    lane.end();
  }

  /** A call that never started, dropped by destroy(). */
  #refuse(call: DirectCall): void {
    const id = this.#counters.nextId++;
    const error = new ExecutorClosedError('The executor was destroyed before the task started');
    this.#counters.tally.cancelled++;
    this.#events.emit('taskError', { id, task: call.label, backend: this.#backend.kind, error });
    call.reject(error);
  }

  /** A started call is over: counted, reported, then its caller settles. */
  #finish(call: DirectCall, ok: boolean, outcome: unknown, cancelled: boolean): void {
    this.#count(call.id, call.label, call.queuedAt, call.startedAt, ok, outcome, cancelled);
    if (ok) call.resolve(outcome);
    else call.reject(outcome);
  }

  /** Counts a started call's end and emits its event, before the caller's promise settles. */
  #count(id: number, label: string, queuedAt: number, startedAt: number, ok: boolean, outcome: unknown, cancelled: boolean): void {
    const counters = this.#counters;
    const endedAt = (this.#endedAt = performance.now());
    const runMs = endedAt - startedAt;
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
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
