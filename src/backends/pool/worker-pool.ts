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
 *   resolve / reject  <───── #onMessage  <───── [results, id, ok, value, sample, ...] (batched)
 *
 * A worker's line holds the calls it runs plus a window of calls sent ahead
 * (RunWindow: about 1 ms of run time, at least one), so it never waits for a
 * round trip. The first `perWorker` calls of a line are running; the executor
 * hears of each start (markStarted), and a timeout counts from there.
 *
 * An abort of a call not started drops it (the worker skips it, or says it
 * had started it: then, as for a running one, the worker is ended). A worker
 * that dies fails the calls it ran and gives back the ones it had not started.
 * The executor in front owns priority, timeouts, stats and events.
 */
import { ExecutorClosedError, TaskTimeoutError, WorkerCrashedError } from '../../errors.js';
import { deserializeError, serializeError } from '../../worker/serialize-error.js';
import type { Task, TaskFunction } from '../../task.js';
import type { Backend, BackendContext, CancelSignal, TaskCall } from '../backend.js';
import { crashMessage, PoolCall, PoolWorker } from './pool-worker.js';
import { PROGRESS, RESULT_STRIDE, TAG, TaskKeys, toSample, type WireSample, type WorkerMessage } from '../../worker/protocol.js';
import { RunWindow } from './run-window.js';
import type { WorkerExit, WorkerHandle, WorkerSpawner } from './worker-handle.js';
import { refuseClosure } from './pool-facts.js';
import type { PoolSettings } from './pool-settings.js';
import { WorkerSet } from './worker-set.js';

/**
 * @see ExecutorOptions.abortGraceMs. 100 ms: about what ending and replacing
 * a worker costs (start-up to first result: a thread ~75 ms, a child process
 * ~110 ms in the benchmark), so waiting for a task that ignores its signal costs at
 * most about one restart, while a task that honours it (an awaited fetch or
 * timer, a loop that checks every few ms) stops well within it and keeps its worker.
 */
export const DEFAULT_ABORT_GRACE_MS = 100;

export abstract class WorkerPool implements Backend {
  abstract readonly kind: 'process' | 'thread';
  readonly concurrency: number;
  readonly reportsStart = true;
  #context: BackendContext;
  #settings: PoolSettings;
  #workers: WorkerSet;
  #onAbort = (call: PoolCall) => this.#abort(call);
  #flushBound = () => this.#flush();
  #waiting: PoolCall[] = [];
  /** Calls in a worker's line, by id (for results). */
  #inLine = new Map<number, PoolCall>();
  #dirty: PoolWorker[] = [];
  #flushScheduled = false;
  /** Results settled this turn that the executor has not taken yet (it takes each one microtask later). */
  #untaken = false;
  #taken = () => {
    this.#untaken = false;
  };
  /** executor.pause(): workers hold their calls. */
  #paused = false;
  #nextId = 1;
  #tasks = new TaskKeys();
  #state: 'open' | 'closed' = 'open';
  #window = new RunWindow();
  #graceMs: number;
  /** Task keys whose function takes no context (a worker said so): an abort ends their worker at once. */
  #deaf: boolean[] = [];

  constructor(context: BackendContext, spawner: WorkerSpawner, settings: PoolSettings) {
    this.#context = context;
    this.#settings = settings;
    this.concurrency = settings.maxWorkers * settings.perWorker;
    this.#graceMs = context.options.abortGraceMs ?? DEFAULT_ABORT_GRACE_MS;
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
      const pending = new PoolCall(this.#nextId++, call, this.#tasks.keyOf(call.task as Task), signal, resolve, reject, this.#onAbort);
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
    if (message[0] === TAG.results) this.#onResults(worker, message);
    else if (message[0] === TAG.ready) this.#onReady(worker);
    else if (message[0] === TAG.dropped) this.#onDropped(worker, message.slice(1) as number[]);
    else if (message[0] === TAG.paused) worker.confirmRunning(message.slice(1) as number[]);
    else if (message[0] === TAG.deaf) this.#deaf[message[1]] = true;
    else if (message[0] === TAG.started) {
      // Calls we dropped had started, or a cancelled call cannot hear its signal
      // (its task takes no context): they run for no one; end the worker.
      if (worker.state === 'stopping') return;
      const cancelled = this.#inLine.get(message[1] as number);
      this.#workers.stop(
        worker,
        cancelled?.state === 'cancelling' ? this.#stopReason(cancelled) : 'a task aborted just as it started was still running in it',
      );
    }
  }

  #onReady(worker: PoolWorker): void {
    if (!this.#workers.markReady(worker)) return;
    // What it was sent while it started has started now.
    worker.promote(this.#settings.perWorker);
    this.#drain();
  }

  #onResults(worker: PoolWorker, message: WorkerMessage): void {
    const now = performance.now();
    let results = 0;
    for (let i = 1; i < message.length; i += RESULT_STRIDE) if (message[i + 1] !== PROGRESS) results++;
    // The worker was busy since its last message: the results share that time.
    if (worker.running > 0 && results > 0) this.#window.observe(results, now - worker.lastHeard);
    worker.lastHeard = now;
    this.#takeResults(worker, message, 1, now, results > 0);
  }

  /**
   * The results and progress values of one message, from index `from`. The
   * executor takes a result one microtask after it settles (its taskEnd): a
   * call not yet seen to start (sent ahead, its start told only by its own
   * result or progress) waits for that when results of this turn are untaken,
   * so its `taskStart` comes after their `taskEnd`s. Else a batch [c1, c3] (or
   * two messages read in one turn) gave start c3 before end c1: three running
   * on two slots to the events and `running` (the contract test 'runs no more
   * than its slots', 1 run in 10 under load).
   */
  #takeResults(worker: PoolWorker, message: WorkerMessage, from: number, now: number, anyResult: boolean): void {
    for (let i = from; i < message.length; i += RESULT_STRIDE) {
      const pending = this.#inLine.get(message[i] as number);
      if (this.#untaken && pending?.state === 'assigned') {
        queueMicrotask(() => this.#takeResults(worker, message, i, now, anyResult));
        return;
      }
      if (message[i + 1] === PROGRESS) {
        if (pending !== undefined) this.#onProgress(worker, pending, message[i + 2], message[i + 3] as number);
        continue;
      }
      if (pending === undefined) continue; // aborted while the worker ran it
      if (pending.state === 'dropping' || pending.state === 'cancelling') {
        // Dropped too late (it ran), or it honoured its signal in time: its caller has had its rejection.
        this.#settle(pending);
        continue;
      }
      // A sampled call says how long it ran: its start, when we heard of it late (a worker's `ready`).
      const sample = message[i + 3] === 0 ? undefined : toSample(message[i + 3] as WireSample);
      pending.call.markStarted(sample && now - sample.runMs);
      this.#settle(pending);
      if (sample) pending.call.measured(sample);
      if (message[i + 1] === 1) pending.resolve(message[i + 2]);
      else pending.reject(deserializeError(message[i + 2]));
      if (!this.#untaken) {
        this.#untaken = true;
        queueMicrotask(this.#taken);
      }
    }
    if (!anyResult) return;
    // After the executor took these results: a `taskEnd` comes before the next `taskStart`.
    queueMicrotask(() => {
      worker.promote(this.#settings.perWorker);
      this.#afterSettle(worker);
    });
  }

  /**
   * A `ctx.progress()` value, to the caller while its call is live. A value
   * shows that the call has started: the results before it in the worker's
   * line came in the same message or earlier.
   */
  #onProgress(worker: PoolWorker, pending: PoolCall, value: unknown, item: number): void {
    if (pending.state === 'assigned') worker.promote(this.#settings.perWorker);
    if (pending.state === 'running') pending.call.progress(value, item);
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

  #abort(pending: PoolCall): void {
    if (pending.state === 'settled' || pending.state === 'dropping' || pending.state === 'cancelling') return;
    const worker = pending.worker;
    const running = pending.state === 'running';
    pending.reject(pending.signal.reason);
    if (worker && !running && pending.sent) {
      // Not started as far as we know: the worker skips it; it holds its place until the worker answers.
      pending.state = 'dropping';
      worker.drops.push(pending.id);
      this.#markDirty(worker);
      return;
    }
    if (worker && running && this.#cancel(worker, pending)) return;
    this.#settle(pending);
    if (worker && running) {
      // The only way to stop a running task: end its worker. Its other
      // calls fail or go back in line; a replacement starts when calls wait.
      this.#workers.stop(worker, this.#stopReason(pending));
      this.#drain();
    }
    if (worker && !running) this.#afterSettle(worker);
    else this.#updateReference();
  }

  /**
   * Cooperative abort (API.md "Task context"): the running call's `ctx.signal`
   * aborts in the worker (by message; on threads also in shared memory, so a
   * synchronous loop sees it), and the call keeps its slot until it settles or
   * `abortGraceMs` passes; then its worker is ended, as without a context.
   * False when there is no grace period, or the reason cannot be sent.
   */
  #cancel(worker: PoolWorker, pending: PoolCall): boolean {
    if (this.#graceMs === 0 || worker.state === 'stopping' || this.#deaf[pending.key] === true) return false;
    worker.handle.markAborted?.(pending.id);
    try {
      if (!worker.handle.send([TAG.cancel, pending.id, serializeError(pending.signal.reason)])) return false;
    } catch {
      return false; // an abort reason that cannot be cloned: end the worker, as before
    }
    pending.state = 'cancelling';
    pending.graceTimer = setTimeout(() => this.#graceOver(pending), this.#graceMs);
    return true;
  }

  /** The aborted task did not settle within abortGraceMs: end its worker. */
  #graceOver(pending: PoolCall): void {
    pending.graceTimer = undefined;
    const worker = pending.worker;
    if (pending.state !== 'cancelling' || !worker) return;
    this.#settle(pending);
    if (worker.state !== 'stopping') this.#workers.stop(worker, `${this.#stopReason(pending)} and did not stop within abortGraceMs (${this.#graceMs} ms)`);
    this.#drain();
    this.#updateReference();
  }

  #stopReason(pending: PoolCall): string {
    return `task ${pending.call.label} on it ${pending.signal.reason instanceof TaskTimeoutError ? 'timed out' : 'was aborted'}`;
  }

  /** The worker skipped these dropped calls: their places are free. */
  #onDropped(worker: PoolWorker, ids: number[]): void {
    for (const id of ids) {
      const pending = this.#inLine.get(id);
      if (pending?.state === 'dropping' || pending?.state === 'cancelling') this.#settle(pending);
    }
    worker.promote(this.#settings.perWorker);
    this.#afterSettle(worker);
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
    const line = worker.line.splice(0);
    const running = line.slice(0, worker.running);
    worker.running = 0;
    worker.outbox = [];
    for (const pending of running) {
      this.#inLine.delete(pending.id);
      if (pending.graceTimer !== undefined) clearTimeout(pending.graceTimer);
      if (pending.state === 'dropping' || pending.state === 'cancelling') continue; // its caller has had its rejection
      pending.state = 'settled';
      pending.reject(new WorkerCrashedError(crashMessage(worker, pending, exit, this.kind, this.#context.options.resourceLimits?.maxOldGenerationSizeMb)));
    }
    // Sent ahead and not seen to start: they go back in line, at the front,
    // once. A call whose second worker also dies under it before we see it
    // start most likely did start (after a tiny call whose result had not
    // come back yet) and ends them: it fails as a call that ran.
    const requeue: PoolCall[] = [];
    for (const pending of line.slice(running.length)) {
      this.#inLine.delete(pending.id);
      if (pending.state === 'dropping') continue;
      if (pending.requeued && worker.readyAt !== 0) {
        pending.call.markStarted();
        pending.state = 'settled';
        pending.reject(new WorkerCrashedError(crashMessage(worker, pending, exit, this.kind, this.#context.options.resourceLimits?.maxOldGenerationSizeMb)));
        continue;
      }
      if (worker.readyAt !== 0) pending.requeued = true;
      pending.worker = undefined;
      pending.sent = false;
      pending.state = 'waiting';
      requeue.push(pending);
    }
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
