/**
 * The one pool behind the thread and the process backends; only how a worker
 * is started differs (WorkerSpawner). How work moves:
 *
 *   execute(call) -> PoolCall ──(a ready worker with room in its line)──> worker.outbox
 *          │ (none has room)                                                  │ one message per worker per turn
 *          v                                                                  v
 *      #waiting ──(a worker is ready, or its line shortens)──>   [define ...] [run, id, key, batch, input, ...]
 *          │ (more waiting than starting workers will take)                   │
 *          v                                                                  v
 *      #grow: spawn (backing off while workers die before `ready`)   call-loop.ts: in order, perWorker at once
 *                                                                             │
 *   resolve / reject  <───── pool-results.ts  <───── [results, id, ok, value, sample, ...] (batched)
 *
 * A worker's line holds the calls it runs plus a window of calls sent ahead
 * (RunWindow: about 1 ms of run time, at least one), so it never waits for a
 * round trip. The first `perWorker` calls of a line are running; the executor
 * hears of each start (markStarted), and a timeout counts from there.
 *
 * An abort of a call not started drops it (the worker skips it, or says it
 * had started it: then, as for a running one, the worker is ended; see
 * pool-aborts.ts). A worker that dies fails the calls it ran and gives back
 * the ones it had not started (dead-worker-line.ts).
 * The executor in front owns priority, timeouts, stats and events.
 */
import { ExecutorClosedError, WorkerCrashedError } from '../../errors.js';
import type { Task, TaskFunction } from '../../task.js';
import type { Backend, BackendContext, CancelSignal, TaskCall } from '../backend.js';
import { crashMessage, PoolCall, PoolWorker } from './pool-worker.js';
import { TAG, TaskKeys, type WorkerMessage } from '../../worker/protocol.js';
import { RunWindow } from './run-window.js';
import type { WorkerExit, WorkerHandle, WorkerSpawner } from './worker-handle.js';
import { refuseClosure } from './pool-facts.js';
import type { PoolSettings } from './pool-settings.js';
import { WorkerSet } from './worker-set.js';
import type { PoolHost } from './pool-host.js';
import { ResultRouter } from './pool-results.js';
import { CallAborts } from './pool-aborts.js';
import { emptyLine } from './dead-worker-line.js';

export { DEFAULT_ABORT_GRACE_MS } from './pool-aborts.js';

export abstract class WorkerPool implements Backend {
  abstract readonly kind: 'process' | 'thread';
  readonly concurrency: number;
  readonly reportsStart = true;
  #context: BackendContext;
  #settings: PoolSettings;
  #workers: WorkerSet;
  #flushBound = () => this.#flush();
  #waiting: PoolCall[] = [];
  /** Calls in a worker's line, by id (for results). */
  #inLine = new Map<number, PoolCall>();
  #dirty: PoolWorker[] = [];
  #flushScheduled = false;
  /** executor.pause(): workers hold their calls. */
  #paused = false;
  #nextId = 1;
  #tasks = new TaskKeys();
  #state: 'open' | 'closed' = 'open';
  #window = new RunWindow();
  #results: ResultRouter;
  #aborts: CallAborts;

  constructor(context: BackendContext, spawner: WorkerSpawner, settings: PoolSettings) {
    this.#context = context;
    this.#settings = settings;
    this.concurrency = settings.maxWorkers * settings.perWorker;
    const host: PoolHost = {
      perWorker: settings.perWorker,
      callOf: (id) => this.#inLine.get(id),
      settle: (pending) => this.#settle(pending),
      afterSettle: (worker) => this.#afterSettle(worker),
      markDirty: (worker) => this.#markDirty(worker),
      stop: (worker, reason) => this.#workers.stop(worker, reason),
      drain: () => this.#drain(),
      updateReference: () => this.#updateReference(),
    };
    this.#results = new ResultRouter(host, this.#window);
    this.#aborts = new CallAborts(host, context.options.abortGraceMs);
    const listener = {
      message: (handle: WorkerHandle, message: WorkerMessage) => this.#onMessage(handle, message),
      exit: (handle: WorkerHandle, exit: WorkerExit) => this.#onExit(handle, exit),
    };
    this.#workers = new WorkerSet(spawner, settings, listener, context.events, () => this.#waiting.length + this.#workers.startingLines());
    // minWorkers: after the caller has had a chance to listen for workerSpawn.
    queueMicrotask(() => this.#workers.grow());
  }

  /** Only a task from defineTask can go to another thread or process: a closure cannot. */
  accept(task: Task | TaskFunction): void {
    refuseClosure(this.kind, task);
  }

  /** Calls the executor hands over: every worker's slots plus its window ahead. */
  get capacity(): number {
    return this.#settings.maxWorkers * (this.#settings.perWorker + this.#window.ahead);
  }

  #depth(): number {
    return this.#settings.perWorker + this.#window.ahead;
  }

  execute(call: TaskCall, signal: CancelSignal): Promise<unknown> {
    if (this.#state !== 'open') {
      return Promise.reject(new ExecutorClosedError(`Cannot run task ${call.label}: the ${this.kind} pool is closed`));
    }
    if (signal.aborted) return Promise.reject(signal.reason);
    const broken = this.#workers.backoff.brokenMessage();
    if (broken) return Promise.reject(new WorkerCrashedError(`${broken}; task ${call.label} was not run`));
    return new Promise((resolve, reject) => {
      const pending = new PoolCall(this.#nextId++, call, this.#tasks.keyOf(call.task as Task), signal, resolve, reject, this.#aborts.onAbort);
      signal.addEventListener('abort', pending);
      const worker = this.#pick(this.#waiting.length + 1);
      if (worker) this.#assign(worker, pending);
      else {
        this.#waiting.push(pending);
        this.#drain();
      }
      this.#updateReference();
    });
  }

  workers(): number {
    return this.#workers.live();
  }

  async close(): Promise<void> {
    if (this.#state === 'open') {
      this.#shutDown();
      for (const worker of this.#workers.all.values()) this.#workers.release(worker);
    }
    await this.#workers.allExited();
  }

  async destroy(): Promise<void> {
    if (this.#state === 'open') this.#shutDown();
    for (const worker of this.#workers.all.values()) {
      for (const pending of [...worker.line]) {
        this.#settle(pending);
        pending.reject(new ExecutorClosedError('The executor was destroyed while the task ran'));
      }
      this.#workers.stop(worker, 'the executor was destroyed');
    }
    await this.#workers.allExited();
  }

  #shutDown(): void {
    this.#state = 'closed';
    this.#workers.shutDown();
    this.#rejectWaiting(() => new ExecutorClosedError('The executor was closed before the task started'));
  }

  #rejectWaiting(error: (pending: PoolCall) => Error): void {
    for (const pending of this.#waiting.splice(0)) {
      pending.state = 'settled';
      pending.reject(error(pending));
    }
  }

  /**
   * Where the next call goes: a ready worker with a free slot (the shortest
   * line); else a starting worker's free slot (the call waits in its channel,
   * not started: the first result saves the round trip of `ready`); else, while
   * workers may still come, nowhere yet (parallelism first); else the shortest
   * line with room ahead. `placing`: the calls that need a place, this one included.
   */
  #pick(placing: number): PoolWorker | undefined {
    const perWorker = this.#settings.perWorker;
    const depth = this.#depth();
    let free: PoolWorker | undefined;
    let ahead: PoolWorker | undefined;
    for (const worker of this.#workers.ready) {
      const length = worker.line.length;
      if (length < perWorker) {
        if (length === 0) return worker;
        if (free === undefined || length < free.line.length) free = worker;
      } else if (length < depth && (ahead === undefined || length < ahead.line.length)) ahead = worker;
    }
    if (free) return free;
    for (const worker of this.#workers.startingWorkers) if (worker.line.length < perWorker) return worker;
    if (placing <= this.#workers.coming() * perWorker) return undefined;
    return ahead;
  }

  #assign(worker: PoolWorker, pending: PoolCall): void {
    const idle = worker.line.length === 0;
    pending.worker = worker;
    pending.state = 'assigned';
    worker.line.push(pending);
    worker.outbox.push(pending);
    this.#inLine.set(pending.id, pending);
    if (worker.defined[pending.key] !== true) {
      worker.defined[pending.key] = true;
      worker.defines.push(this.#tasks.definition(pending.key));
    }
    // Recycling: the worker takes no more calls and leaves once these are done.
    if (++worker.assigned >= this.#settings.maxTasksPerWorker) this.#workers.retire(worker);
    // An idle worker gets its call now (one event-loop phase less on the
    // round trip); a busy one has calls to run and gets this with the rest of the turn's.
    if (idle) this.#sendTo(worker);
    else this.#markDirty(worker);
  }

  #markDirty(worker: PoolWorker): void {
    if (!worker.dirty) {
      worker.dirty = true;
      this.#dirty.push(worker);
    }
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      // setImmediate, not a microtask: the executor hands over its next calls
      // in promise callbacks after a batch of results; they all join this message.
      setImmediate(this.#flushBound);
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    const dirty = this.#dirty;
    this.#dirty = [];
    for (const worker of dirty) {
      worker.dirty = false;
      if (worker.state !== 'stopping') this.#sendTo(worker);
    }
  }

  /**
   * executor.pause(): every worker, and any started later, holds the calls it
   * was sent (and those still to come) until resume(); the pool stops
   * inferring starts from results meanwhile.
   */
  pause(): void {
    this.#paused = true;
    for (const worker of this.#workers.all.values()) this.#tellHold(worker);
  }

  resume(): void {
    this.#paused = false;
    // Each worker gets what waits for it (drops of calls aborted while paused above all: before the
    // resume, or it would start one), then the resume, and its first calls count as started.
    for (const worker of this.#workers.all.values()) if (worker.state !== 'stopping') this.#sendTo(worker);
  }

  /** Tells `worker` to hold or go on, when that differs from what it was last told (a new worker: before its first call). */
  #tellHold(worker: PoolWorker): void {
    if (worker.held === this.#paused || worker.state === 'stopping') return;
    worker.held = this.#paused;
    // Calls aborted while held go first: after `resume` the worker would start
    // them, and answer the drop with `started` (and be ended for it).
    if (!this.#paused && worker.drops.length > 0) {
      worker.handle.send([TAG.drop, ...worker.drops]);
      worker.drops = [];
    }
    worker.handle.send([this.#paused ? TAG.pause : TAG.resume]);
  }

  /** Sends what `worker` has not been sent; a call whose input cannot be cloned fails alone. */
  #sendTo(worker: PoolWorker): void {
    // A pause goes before the calls; a resume after the drops.
    if (this.#paused) this.#tellHold(worker);
    for (const { pending, error } of worker.send()) {
      this.#settle(pending);
      pending.reject(this.notPortable(pending.call, error));
    }
    if (!this.#paused) this.#tellHold(worker);
    if (worker.state !== 'starting') worker.promote(this.#settings.perWorker);
  }

  /** Why an input could not be sent (the backends say it in their own words). */
  protected abstract notPortable(call: TaskCall, error: unknown): Error;

  #onMessage(handle: WorkerHandle, message: WorkerMessage): void {
    const worker = this.#workers.all.get(handle);
    if (!worker) return;
    if (message[0] === TAG.results) this.#results.onResults(worker, message);
    else if (message[0] === TAG.ready) this.#onReady(worker);
    else if (message[0] === TAG.dropped) this.#aborts.onDropped(worker, message.slice(1) as number[]);
    else if (message[0] === TAG.paused) worker.confirmRunning(message.slice(1) as number[]);
    else if (message[0] === TAG.deaf) this.#aborts.markDeaf(message[1]);
    else if (message[0] === TAG.started) this.#aborts.onStarted(worker, message[1] as number);
  }

  #onReady(worker: PoolWorker): void {
    if (!this.#workers.markReady(worker)) return;
    // What it was sent while it started has started now.
    worker.promote(this.#settings.perWorker);
    this.#drain();
  }

  /** Unlinks a call from the pool: no more abort, no longer in a line or waiting. */
  #settle(pending: PoolCall): void {
    if (pending.graceTimer !== undefined) clearTimeout(pending.graceTimer);
    pending.state = 'settled';
    // The abort listener stays: the executor gives every call a signal of its
    // own and never aborts it once settled (and `settled` makes a late abort a no-op).
    const worker = pending.worker;
    if (worker) {
      worker.remove(pending);
      this.#inLine.delete(pending.id);
      const at = worker.outbox.indexOf(pending);
      if (at !== -1) worker.outbox.splice(at, 1);
    } else {
      const at = this.#waiting.indexOf(pending);
      if (at !== -1) this.#waiting.splice(at, 1);
    }
  }

  /** After calls of `worker` left its line: retire or note it idle, feed waiting calls. */
  #afterSettle(worker: PoolWorker): void {
    if (worker.line.length === 0) {
      if (worker.state === 'retiring') this.#workers.release(worker);
      else if (worker.state === 'ready') {
        worker.idleSince = performance.now();
        this.#workers.armIdleTimer();
      }
    }
    if (this.#waiting.length > 0) this.#drain();
    this.#updateReference();
  }

  /** Waiting calls to workers with room; start more workers if they cannot take them all (and give them theirs). */
  #drain(): void {
    this.#place();
    // Always: below minWorkers (a worker just died), a replacement starts even with nothing waiting.
    this.#workers.grow();
    this.#place();
  }

  #place(): void {
    while (this.#waiting.length > 0) {
      const worker = this.#pick(this.#waiting.length);
      if (!worker) break;
      this.#assign(worker, this.#waiting.shift()!);
    }
  }

  #onExit(handle: WorkerHandle, exit: WorkerExit): void {
    const forgotten = this.#workers.forget(handle);
    if (!forgotten) return;
    const { worker } = forgotten;
    if (forgotten.failedStart) this.#startFailed(exit.description);
    const heapMb = this.#context.options.resourceLimits?.maxOldGenerationSizeMb;
    const requeue = emptyLine(worker, this.#inLine, (pending) => crashMessage(worker, pending, exit, this.kind, heapMb));
    this.#waiting.unshift(...requeue);
    this.#context.events.emit('workerExit', { backend: this.kind, id: handle.id, code: exit.code, ...(this.kind === 'process' ? { signal: exit.signal } : {}) });
    this.#workers.exited();
    if (this.#state !== 'open') this.#rejectWaiting(() => new ExecutorClosedError('The executor was closed before the task started'));
    this.#drain();
    this.#updateReference();
  }

  #startFailed(exit: string): void {
    const kind = this.kind === 'process' ? 'child process' : 'worker thread';
    const message = this.#workers.backoff.failed(exit, kind, this.#workers.startHint);
    if (message !== undefined) this.#rejectWaiting((pending) => new WorkerCrashedError(`${message}; task ${pending.call.label} was not run`));
  }

  #updateReference(): void {
    this.#workers.reference(this.#inLine.size > 0 || this.#waiting.length > 0);
  }
}
