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
 * - An abort of a call that has not started drops it from its line (the
 *   worker skips it); of a running one, ends the worker (the only way to stop
 *   a synchronous loop). A worker that dies fails the calls it was running
 *   (WorkerCrashedError) and gives back the ones it had not started.
 * - The executor in front (LocalExecutor) owns priority, timeouts, stats and
 *   events; it hands this pool at most `capacity` calls, so `#waiting` is short.
 */
import type { TransferListItem } from 'node:worker_threads';
import { ExecutorClosedError, TaskTimeoutError, WorkerCrashedError } from '../../errors.js';
import { deserializeError } from '../../shared/serialize-error.js';
import type { CallSample } from '../../shared/call-sample.js';
import type { Task } from '../../task.js';
import type { Backend, BackendContext, CancelSignal, TaskCall } from '../backend.js';
import { PoolCall, PoolWorker } from './pool-worker.js';
import { RESULT_STRIDE, TAG, type DefineMessage, type RunMessage, type WorkerMessage } from './protocol.js';
import { RunWindow } from './run-window.js';
import { StartBackoff } from './start-backoff.js';
import type { WorkerExit, WorkerHandle, WorkerListener, WorkerSpawner } from './worker-handle.js';

export interface PoolSettings {
  maxWorkers: number;
  minWorkers: number;
  perWorker: number;
  idleTimeout: number;
  maxTasksPerWorker: number;
}

export abstract class WorkerPool implements Backend {
  abstract readonly kind: 'process' | 'thread';
  readonly concurrency: number;
  readonly reportsStart = true;
  #context: BackendContext;
  #spawner: WorkerSpawner;
  #settings: PoolSettings;
  #listener: WorkerListener = {
    message: (handle, message) => this.#onMessage(handle, message),
    exit: (handle, exit) => this.#onExit(handle, exit),
  };
  #onAbort = (call: PoolCall) => this.#abort(call);
  #flushBound = () => this.#flush();

  /** Every worker not yet exited. */
  #workers = new Map<WorkerHandle, PoolWorker>();
  /** Ready workers that take calls: the dispatch candidates. */
  #ready: PoolWorker[] = [];
  #starting = 0;
  #waiting: PoolCall[] = [];
  /** Calls in a worker's line, by id (for results). */
  #inLine = new Map<number, PoolCall>();
  #dirty: PoolWorker[] = [];
  #flushScheduled = false;
  /** Whether workers hold the event loop: only while calls wait or run. */
  #active = false;
  #nextId = 1;
  #keys = new WeakMap<object, number>();
  #definitions: DefineMessage[] = [];
  #state: 'open' | 'closed' = 'open';
  #window = new RunWindow();
  #backoff = new StartBackoff();
  #retryTimer?: NodeJS.Timeout;
  #idleTimer?: NodeJS.Timeout;
  #exitWaiters: (() => void)[] = [];

  constructor(context: BackendContext, spawner: WorkerSpawner, settings: PoolSettings) {
    this.#context = context;
    this.#spawner = spawner;
    this.#settings = settings;
    this.concurrency = settings.maxWorkers * settings.perWorker;
    // minWorkers: after the caller has had a chance to listen for workerSpawn.
    queueMicrotask(() => this.#grow());
  }

  abstract accept(task: Task | ((input: unknown) => unknown)): void;

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
    const broken = this.#backoff.brokenMessage();
    if (broken) return Promise.reject(new WorkerCrashedError(`${broken}; task ${call.label} was not run`));
    return new Promise((resolve, reject) => {
      const pending = new PoolCall(this.#nextId++, call, this.#keyOf(call.task as Task), signal, resolve, reject, this.#onAbort);
      signal.addEventListener('abort', pending);
      const worker = this.#pick(this.#waiting.length + 1);
      if (worker) this.#assign(worker, pending);
      else {
        this.#waiting.push(pending);
        this.#grow();
      }
      this.#updateReference();
    });
  }

  workers(): number {
    let live = 0;
    for (const worker of this.#workers.values()) if (worker.state !== 'stopping') live++;
    return live;
  }

  async close(): Promise<void> {
    if (this.#state === 'open') {
      this.#shutDown();
      for (const worker of this.#workers.values()) this.#release(worker);
    }
    await this.#allExited();
  }

  async destroy(): Promise<void> {
    if (this.#state === 'open') this.#shutDown();
    for (const worker of this.#workers.values()) {
      for (const pending of [...worker.line]) {
        this.#settle(pending);
        pending.reject(new ExecutorClosedError('The executor was destroyed while the task ran'));
      }
      this.#stop(worker, 'the executor was destroyed');
    }
    await this.#allExited();
  }

  #shutDown(): void {
    this.#state = 'closed';
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#idleTimer);
    for (const pending of this.#waiting.splice(0)) {
      pending.state = 'settled';
      pending.reject(new ExecutorClosedError('The executor was closed before the task started'));
    }
  }

  async #allExited(): Promise<void> {
    if (this.#workers.size > 0) await new Promise<void>((resolve) => this.#exitWaiters.push(resolve));
    await this.#spawner.shutdown?.();
  }

  /** Task objects are frozen and long-lived: a WeakMap finds their key without building a string. */
  #keyOf(task: Task): number {
    let key = this.#keys.get(task);
    if (key === undefined) {
      key = this.#definitions.length;
      this.#definitions.push([TAG.define, key, task.module, task.name, task.label]);
      this.#keys.set(task, key);
    }
    return key;
  }

  /**
   * Where the next call goes: a ready worker with a free slot (the shortest
   * line); else, while workers are starting or may still be started, nowhere
   * yet (the call waits for one: parallelism first); else the shortest line
   * with room ahead.
   */
  #pick(placing: number): PoolWorker | undefined {
    const perWorker = this.#settings.perWorker;
    const depth = this.#depth();
    let free: PoolWorker | undefined;
    let ahead: PoolWorker | undefined;
    for (const worker of this.#ready) {
      const length = worker.line.length;
      if (length < perWorker) {
        if (length === 0) return worker;
        if (free === undefined || length < free.line.length) free = worker;
      } else if (length < depth && (ahead === undefined || length < ahead.line.length)) ahead = worker;
    }
    if (free) return free;
    const coming = this.#starting + (this.#state === 'open' ? Math.max(0, this.#settings.maxWorkers - this.workers()) : 0);
    // `placing`: the calls that need a place, this one included.
    if (placing <= coming * perWorker) return undefined;
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
      worker.defines.push(this.#definitions[pending.key]!);
    }
    // Recycling: the worker takes no more calls and leaves once these are done.
    if (++worker.assigned >= this.#settings.maxTasksPerWorker) this.#retire(worker);
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

  /** Sends what `worker` has not been sent: drops, definitions, then its calls in one message. */
  #sendTo(worker: PoolWorker): void {
    const handle = worker.handle;
    if (worker.drops.length > 0) {
      handle.send([TAG.drop, ...worker.drops]);
      worker.drops = [];
    }
    if (worker.outbox.length === 0) return;
    // Strings only: these cannot fail to clone.
    for (const define of worker.defines) handle.send(define);
    worker.defines = [];
    const calls = worker.outbox;
    worker.outbox = [];
    const message: RunMessage = [TAG.run];
    let transfer: TransferListItem[] | undefined;
    for (const pending of calls) {
      message.push(pending.id, pending.key, pending.call.batch ? 1 : 0, pending.call.input);
      if (pending.call.transfer) (transfer ??= []).push(...pending.call.transfer);
    }
    try {
      // false: the channel is closed; the worker's exit settles its calls.
      handle.send(message, transfer);
      for (const pending of calls) pending.sent = true;
    } catch {
      this.#sendOneByOne(worker, calls);
    }
    if (worker.state !== 'starting') worker.promote(this.#settings.perWorker);
  }

  /**
   * Some input cannot be cloned. Nothing was sent: send each call alone and
   * reject the ones that fail with TaskNotPortableError; the others go on.
   */
  #sendOneByOne(worker: PoolWorker, calls: PoolCall[]): void {
    for (const pending of calls) {
      try {
        worker.handle.send([TAG.run, pending.id, pending.key, pending.call.batch ? 1 : 0, pending.call.input], pending.call.transfer);
        pending.sent = true;
      } catch (error) {
        this.#settle(pending);
        pending.reject(this.notPortable(pending.call, error));
      }
    }
  }

  /** Why an input could not be sent (the backends say it in their own words). */
  protected abstract notPortable(call: TaskCall, error: unknown): Error;

  #onMessage(handle: WorkerHandle, message: WorkerMessage): void {
    const worker = this.#workers.get(handle);
    if (!worker) return;
    if (message[0] === TAG.results) this.#onResults(worker, message);
    else if (message[0] === TAG.ready) this.#onReady(worker);
    else if (message[0] === TAG.started) {
      // Calls we dropped had started: they run for no one; end the worker.
      if (worker.state !== 'stopping') this.#stop(worker, 'a task aborted just as it started was still running in it');
    }
  }

  #onReady(worker: PoolWorker): void {
    if (worker.state !== 'starting') return;
    worker.state = 'ready';
    worker.readyAt = worker.lastHeard = performance.now();
    this.#starting--;
    this.#backoff.succeeded();
    if (worker.handle.id !== 0 && this.kind === 'thread') this.#context.events.emit('workerSpawn', { backend: this.kind, id: worker.handle.id });
    this.#ready.push(worker);
    this.#drain();
  }

  #onResults(worker: PoolWorker, message: WorkerMessage): void {
    const now = performance.now();
    // The worker was busy since its last message: the results share that time.
    if (worker.running > 0) this.#window.observe((message.length - 1) / RESULT_STRIDE, now - worker.lastHeard);
    worker.lastHeard = now;
    for (let i = 1; i < message.length; i += RESULT_STRIDE) {
      const pending = this.#inLine.get(message[i] as number);
      // Absent: aborted (or dropped) while the worker had it.
      if (pending === undefined) continue;
      // A result before we counted it started (it ran at once on a fresh worker): it started.
      if (pending.state !== 'running') pending.call.markStarted();
      this.#settle(pending);
      const sample = message[i + 3];
      if (sample !== 0) pending.call.measured(toSample(sample as number[]));
      if (message[i + 1] === 1) pending.resolve(message[i + 2]);
      else pending.reject(deserializeError(message[i + 2]));
    }
    // After the executor has taken these results (their promise reactions are
    // queued before this), so a `taskEnd` comes before the next `taskStart`.
    queueMicrotask(() => {
      worker.promote(this.#settings.perWorker);
      this.#afterSettle(worker);
    });
  }

  /** Unlinks a call from the pool: no more abort, no longer in a line or waiting. */
  #settle(pending: PoolCall): void {
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
      if (worker.state === 'retiring') this.#release(worker);
      else if (worker.state === 'ready') {
        worker.idleSince = performance.now();
        this.#armIdleTimer();
      }
    }
    if (this.#waiting.length > 0) this.#drain();
    this.#updateReference();
  }

  #abort(pending: PoolCall): void {
    if (pending.state === 'settled') return;
    const worker = pending.worker;
    const running = pending.state === 'running';
    this.#settle(pending);
    pending.reject(pending.signal.reason);
    if (!worker) {
      this.#updateReference();
      return;
    }
    if (running) {
      // The only way to stop a running task: end its worker. Its other
      // calls fail or go back in line; a replacement starts when calls wait.
      this.#stop(worker, `task ${pending.call.label} on it ${pending.signal.reason instanceof TaskTimeoutError ? 'timed out' : 'was aborted'}`);
      this.#drain();
      this.#updateReference();
      return;
    }
    // Not started: the worker skips it, and goes on.
    if (pending.sent) {
      worker.drops.push(pending.id);
      this.#markDirty(worker);
    }
    this.#afterSettle(worker);
  }

  /** Waiting calls to workers with room; spawn more if they cannot take them all. */
  #drain(): void {
    while (this.#waiting.length > 0) {
      const worker = this.#pick(this.#waiting.length);
      if (!worker) break;
      this.#assign(worker, this.#waiting.shift()!);
    }
    this.#grow();
  }

  #grow(): void {
    if (this.#state !== 'open') return;
    const { maxWorkers, minWorkers } = this.#settings;
    for (;;) {
      const live = this.workers();
      const wanted = this.#waiting.length > this.#starting * this.#settings.perWorker || live < minWorkers;
      if (!wanted || live >= maxWorkers) return;
      if (this.#backoff.active) {
        // Backing off: one probe worker at a time, not before its time.
        if (this.#starting > 0) return;
        const wait = this.#backoff.wait();
        if (wait > 0) {
          this.#retryTimer ??= setTimeout(() => {
            this.#retryTimer = undefined;
            this.#grow();
          }, wait);
          return;
        }
      }
      this.#spawn();
    }
  }

  #spawn(): void {
    const handle = this.#spawner.spawn(this.#listener);
    this.#workers.set(handle, new PoolWorker(handle));
    this.#starting++;
    if (!this.#active) handle.reference(false);
    if (handle.id !== 0 && this.kind === 'process') this.#context.events.emit('workerSpawn', { backend: this.kind, id: handle.id });
  }

  /** Takes no new calls; leaves once its line is empty. */
  #retire(worker: PoolWorker): void {
    if (worker.state === 'ready' || worker.state === 'starting') worker.state = 'retiring';
    const at = this.#ready.indexOf(worker);
    if (at !== -1) this.#ready.splice(at, 1);
  }

  /** Graceful: the worker exits once released. */
  #release(worker: PoolWorker): void {
    this.#retire(worker);
    worker.state = 'stopping';
    worker.handle.release();
  }

  /** Now. Calls it still runs fail when it exits; the ones it had not started go back in line. */
  #stop(worker: PoolWorker, reason: string): void {
    this.#retire(worker);
    worker.state = 'stopping';
    worker.endedBy ??= reason;
    worker.handle.kill();
  }

  #onExit(handle: WorkerHandle, exit: WorkerExit): void {
    const worker = this.#workers.get(handle);
    if (!worker) return;
    const wasStarting = worker.readyAt === 0;
    const wasStopping = worker.state === 'stopping';
    this.#workers.delete(handle);
    this.#retire(worker);
    worker.state = 'stopping';
    if (wasStarting) {
      this.#starting--;
      if (!wasStopping) this.#startFailed(exit.description);
    }
    const line = worker.line.splice(0);
    const running = line.slice(0, worker.running);
    worker.running = 0;
    worker.outbox = [];
    for (const pending of running) {
      this.#inLine.delete(pending.id);
      pending.state = 'settled';
      pending.reject(new WorkerCrashedError(this.#crashMessage(worker, pending, exit)));
    }
    // Sent ahead and not seen to start: they go back in line, at the front,
    // once. A call whose second worker also dies under it before we see it
    // start most likely did start (after a tiny call whose result had not
    // come back yet) and ends them: it fails as a call that ran.
    const requeue: PoolCall[] = [];
    for (const pending of line.slice(running.length)) {
      this.#inLine.delete(pending.id);
      if (pending.requeued) {
        pending.call.markStarted();
        pending.state = 'settled';
        pending.reject(new WorkerCrashedError(this.#crashMessage(worker, pending, exit)));
        continue;
      }
      pending.requeued = true;
      pending.worker = undefined;
      pending.sent = false;
      pending.state = 'waiting';
      requeue.push(pending);
    }
    this.#waiting.unshift(...requeue);
    this.#context.events.emit('workerExit', { backend: this.kind, id: handle.id, code: exit.code, ...(this.kind === 'process' ? { signal: exit.signal } : {}) });
    if (this.#workers.size === 0) {
      for (const resolve of this.#exitWaiters.splice(0)) resolve();
    }
    if (this.#state !== 'open') {
      for (const pending of this.#waiting.splice(0)) {
        pending.state = 'settled';
        pending.reject(new ExecutorClosedError('The executor was closed before the task started'));
      }
    }
    this.#drain();
    this.#updateReference();
  }

  #crashMessage(worker: PoolWorker, pending: PoolCall, exit: WorkerExit): string {
    if (worker.endedBy) {
      return `${exit.description} after it was stopped because ${worker.endedBy}; task ${pending.call.label} was running in the same ${this.kind}`;
    }
    let message = `${exit.description} while running task ${pending.call.label}`;
    const heapMb = this.#context.options.resourceLimits?.maxOldGenerationSizeMb;
    if (exit.outOfMemory) message += ` (out of memory: ${heapMb ? `the heap limit is ${heapMb} MB` : 'no heap limit was set'})`;
    return message;
  }

  #startFailed(exit: string): void {
    const message = this.#backoff.failed(exit, this.kind === 'process' ? 'child process' : 'worker thread', this.#spawner.startHint);
    if (message === undefined) return;
    for (const pending of this.#waiting.splice(0)) {
      pending.state = 'settled';
      pending.reject(new WorkerCrashedError(`${message}; task ${pending.call.label} was not run`));
    }
  }

  /** Idle workers above `minWorkers` leave after `idleTimeout`; one timer serves them all. */
  #armIdleTimer(delay = this.#settings.idleTimeout): void {
    if (this.#idleTimer || !Number.isFinite(this.#settings.idleTimeout) || this.#state !== 'open') return;
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = undefined;
      this.#sweepIdle();
    }, delay);
    this.#idleTimer.unref();
  }

  #sweepIdle(): void {
    const now = performance.now();
    let live = this.workers();
    let next = Number.POSITIVE_INFINITY;
    for (const worker of [...this.#ready]) {
      if (worker.line.length > 0 || live <= this.#settings.minWorkers) continue;
      const left = worker.idleSince + this.#settings.idleTimeout - now;
      // 1 ms: timers may fire a hair early relative to performance.now().
      if (left <= 1) {
        this.#release(worker);
        live--;
      } else next = Math.min(next, left);
    }
    if (next !== Number.POSITIVE_INFINITY) this.#armIdleTimer(next);
  }

  /** Workers hold the caller's event loop only while calls wait or run (like piscina's unref of idle workers). */
  #updateReference(): void {
    const active = this.#inLine.size > 0 || this.#waiting.length > 0;
    if (active === this.#active) return;
    this.#active = active;
    for (const worker of this.#workers.values()) if (worker.state !== 'stopping') worker.handle.reference(active);
  }
}

function toSample(values: number[]): CallSample {
  return { runMs: values[0]!, syncMs: values[1]!, cpuMs: values[2] ?? undefined };
}
