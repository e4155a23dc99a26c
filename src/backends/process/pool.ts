/**
 * The process backend: a pool of long-lived children forked from one built
 * entry (`process-child.js`), answering requests by id over IPC. How work moves:
 *
 *   execute(call, signal) -> PendingCall ──(ready child with a free slot)──> child.outbox
 *            │ (none free)                                                       │ setImmediate: one message per child
 *            v                                                                   v
 *        #waiting ──(a child becomes ready or free)──>             [define ...] [run, id, key, batch, input, ...]
 *            │ (more waiting than starting children can take)                    │ IPC, serialization: 'advanced'
 *            v                                                                   v
 *        #grow: fork (backing off while children die before `ready`)    child.ts: runCall per request
 *                                                                                │
 *   resolve / reject  <──────────── #onMessage  <──── [results, id, ok, value, ...] (one message per turn)
 *
 *   A child's 'close' rejects exactly the calls it was running (WorkerCrashedError
 *   with pid and code/signal); waiting calls go on in a replacement. An abort of a
 *   call that has reached a child ends that child (SIGTERM, then SIGKILL).
 *
 * The executor in front of this (LocalExecutor) owns the queue, priorities,
 * timeouts, stats and task events; it never keeps more than `concurrency`
 * calls here, so `#waiting` is short.
 */
import { availableParallelism } from 'node:os';
import { ExecutorClosedError, TaskNotPortableError, WorkerCrashedError } from '../../errors.js';
import { deserializeError } from '../../shared/serialize-error.js';
import { processFlags } from '../../shared/worker-flags.js';
import { isTask, taskLabel, type Task, type TaskFunction } from '../../task.js';
import type { Backend, BackendContext, CancelSignal, TaskCall } from '../backend.js';
import { ChildHandle, type ChildListener, type ChildSpawnOptions } from './child-handle.js';
import { RESULT_STRIDE, TAG, type ChildMessage, type DefineMessage, type RunMessage } from './protocol.js';
import { StartBackoff } from './start-backoff.js';

/** @see ExecutorOptions.idleTimeout */
const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

export function createProcessBackend(context: BackendContext): Backend {
  return new ProcessPool(context);
}

/** One call, from `execute` to its settlement. It is its own abort listener (no closure per call). */
class PendingCall {
  settled = false;
  child?: PoolChild;

  constructor(
    readonly id: number,
    readonly call: TaskCall,
    readonly key: number,
    readonly signal: CancelSignal,
    readonly resolve: (value: unknown) => void,
    readonly reject: (error: unknown) => void,
    readonly onAbort: (pending: PendingCall) => void,
  ) {}

  handleEvent(): void {
    this.onAbort(this);
  }
}

/** The pool's view of one child: what it runs and whether it takes more. */
class PoolChild {
  ready = false;
  /** Takes new calls: ready, not recycling, not being stopped. */
  accepting = true;
  stopping = false;
  /** Why we ended it, for the calls it still ran. */
  endedBy?: string;
  readonly running = new Map<number, PendingCall>();
  /** Assigned but not yet sent (sent in one message at the next flush). */
  outbox: PendingCall[] = [];
  /** Task keys this child has been told about. */
  readonly defined: boolean[] = [];
  defines: DefineMessage[] = [];
  /** Calls ever assigned, for `maxTasksPerWorker`. */
  assigned = 0;
  idleSince = 0;
  dirty = false;

  constructor(readonly handle: ChildHandle) {}
}

class ProcessPool implements Backend {
  readonly kind = 'process' as const;
  readonly concurrency: number;
  #context: BackendContext;
  #maxWorkers: number;
  #minWorkers: number;
  #perChild: number;
  #idleTimeout: number;
  #maxTasks: number;
  #spawnOptions: ChildSpawnOptions;
  #listener: ChildListener = {
    message: (handle, message) => this.#onMessage(handle, message),
    exit: (handle, code, signal) => this.#onExit(handle, code, signal),
  };
  #onAbort = (pending: PendingCall) => this.#abort(pending);
  #flushBound = () => this.#flush();

  /** Every child not yet exited, stopping or not. */
  #children = new Map<ChildHandle, PoolChild>();
  /** Ready children that take new calls: the dispatch candidates. */
  #accepting: PoolChild[] = [];
  #starting = 0;
  #waiting: PendingCall[] = [];
  /** Calls assigned to a child (sent or in its outbox). */
  #inFlight = 0;
  #dirty: PoolChild[] = [];
  #flushScheduled = false;
  /** Whether children hold the event loop: only while calls wait or run. */
  #active = false;
  #nextId = 1;
  #keys = new WeakMap<object, number>();
  #definitions: DefineMessage[] = [];
  #state: 'open' | 'closed' = 'open';
  #backoff = new StartBackoff();
  #retryTimer?: NodeJS.Timeout;
  #idleTimer?: NodeJS.Timeout;
  #exitWaiters: (() => void)[] = [];

  constructor(context: BackendContext) {
    const options = context.options;
    this.#context = context;
    // sizedOptions() fills these in; the fallbacks serve a backend built directly.
    this.#maxWorkers = options.maxWorkers ?? availableParallelism();
    this.#perChild = options.concurrentTasksPerWorker ?? 1;
    this.#minWorkers = Math.min(options.minWorkers ?? 0, this.#maxWorkers);
    this.#idleTimeout = options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.#maxTasks = options.maxTasksPerWorker ?? Number.POSITIVE_INFINITY;
    this.concurrency = this.#maxWorkers * this.#perChild;
    const heapMb = options.resourceLimits?.maxOldGenerationSizeMb;
    this.#spawnOptions = {
      // Default: the parent's own flags, so a loader such as `--import tsx` carries over, without
      // those that would make a child run something else (`node -e`: issue 11); see worker-flags.ts.
      // The heap flag last: V8 takes the last of two.
      execArgv: [...processFlags(options.execArgv ?? process.execArgv), ...(heapMb ? [`--max-old-space-size=${heapMb}`] : [])],
      env: options.env ?? process.env,
    };
    // minWorkers: after the caller has had a chance to listen for workerSpawn.
    queueMicrotask(() => this.#grow());
  }

  accept(task: Task | TaskFunction): void {
    if (!isTask(task)) {
      throw new TaskNotPortableError(
        `Task ${taskLabel(task)} is a plain function, which cannot be sent to a child process: ` +
          'define it with defineTask(module, exportName)',
      );
    }
  }

  execute(call: TaskCall, signal: CancelSignal): Promise<unknown> {
    if (this.#state !== 'open') {
      return Promise.reject(new ExecutorClosedError(`Cannot run task ${call.label}: the process pool is closed`));
    }
    if (signal.aborted) return Promise.reject(signal.reason);
    const broken = this.#backoff.brokenMessage();
    if (broken) return Promise.reject(new WorkerCrashedError(`${broken}; task ${call.label} was not run`));
    return new Promise((resolve, reject) => {
      const pending = new PendingCall(this.#nextId++, call, this.#keyOf(call.task as Task), signal, resolve, reject, this.#onAbort);
      signal.addEventListener('abort', pending);
      const child = this.#pick();
      if (child) this.#assign(child, pending);
      else {
        this.#waiting.push(pending);
        this.#grow();
      }
      this.#updateReference();
    });
  }

  workers(): number {
    let live = 0;
    for (const child of this.#children.values()) if (!child.stopping) live++;
    return live;
  }

  async close(): Promise<void> {
    if (this.#state === 'open') {
      this.#shutDown();
      for (const child of this.#children.values()) this.#release(child);
    }
    await this.#allExited();
  }

  async destroy(): Promise<void> {
    if (this.#state === 'open') this.#shutDown();
    for (const child of this.#children.values()) {
      for (const pending of [...child.running.values()]) {
        this.#detach(pending);
        pending.reject(new ExecutorClosedError('The executor was destroyed while the task ran'));
      }
      this.#stop(child, 'the executor was destroyed');
    }
    await this.#allExited();
  }

  #shutDown(): void {
    this.#state = 'closed';
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#idleTimer);
    for (const pending of this.#waiting.splice(0)) {
      this.#detach(pending);
      pending.reject(new ExecutorClosedError('The executor was closed before the task started'));
    }
  }

  #allExited(): Promise<void> {
    if (this.#children.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#exitWaiters.push(resolve));
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

  /** An idle accepting child, else the least busy one with a free slot. */
  #pick(): PoolChild | undefined {
    let best: PoolChild | undefined;
    for (const child of this.#accepting) {
      const load = child.running.size;
      if (load === 0) return child;
      if (load < this.#perChild && (best === undefined || load < best.running.size)) best = child;
    }
    return best;
  }

  #assign(child: PoolChild, pending: PendingCall): void {
    pending.child = child;
    child.running.set(pending.id, pending);
    this.#inFlight++;
    if (child.defined[pending.key] !== true) {
      child.defined[pending.key] = true;
      child.defines.push(this.#definitions[pending.key]!);
    }
    child.outbox.push(pending);
    // Recycling: the child takes no more calls and leaves once these are done.
    if (++child.assigned >= this.#maxTasks) this.#stopAccepting(child);
    // One call per child: nothing could join it, so it leaves now rather
    // than after the rest of this turn (one event-loop phase less per round trip).
    if (this.#perChild === 1) {
      this.#sendTo(child);
      return;
    }
    if (!child.dirty) {
      child.dirty = true;
      this.#dirty.push(child);
    }
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      // setImmediate, not a microtask: the executor starts its next calls in
      // promise callbacks after a batch of results; they all join this message.
      setImmediate(this.#flushBound);
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    const dirty = this.#dirty;
    this.#dirty = [];
    for (const child of dirty) {
      child.dirty = false;
      this.#sendTo(child);
    }
  }

  /** Sends what `child` has not been sent yet: task definitions, then its calls in one message. */
  #sendTo(child: PoolChild): void {
    const calls = child.outbox;
    child.outbox = [];
    if (child.defines.length > 0) {
      // Strings only: these cannot fail to clone.
      for (const define of child.defines) child.handle.send(define);
      child.defines = [];
    }
    const message: RunMessage = [TAG.run];
    for (const pending of calls) {
      if (!pending.settled) message.push(pending.id, pending.key, pending.call.batch ? 1 : 0, pending.call.input);
    }
    if (message.length === 1) return;
    try {
      // false: the channel is closed; the child's exit rejects its calls.
      child.handle.send(message);
    } catch {
      this.#sendOneByOne(child, calls);
    }
  }

  /**
   * Some input in the message cannot be cloned. `send` serialises before it
   * writes, so nothing went out: resend each call alone and reject the ones
   * that fail with TaskNotPortableError; the others go on.
   */
  #sendOneByOne(child: PoolChild, calls: PendingCall[]): void {
    for (const pending of calls) {
      if (pending.settled) continue;
      try {
        child.handle.send([TAG.run, pending.id, pending.key, pending.call.batch ? 1 : 0, pending.call.input]);
      } catch (error) {
        this.#detach(pending);
        pending.reject(
          new TaskNotPortableError(
            `The input of task ${pending.call.label} cannot be sent to a child process: ${(error as Error)?.message ?? String(error)}`,
            { cause: error },
          ),
        );
      }
    }
    this.#afterSettle(child);
  }

  #onMessage(handle: ChildHandle, message: ChildMessage): void {
    const child = this.#children.get(handle);
    if (!child) return;
    if (message[0] === TAG.results) {
      for (let i = 1; i < message.length; i += RESULT_STRIDE) {
        const pending = child.running.get(message[i] as number);
        // Absent: aborted while the child ran it.
        if (pending === undefined) continue;
        this.#detach(pending);
        if (message[i + 1] === 1) pending.resolve(message[i + 2]);
        else pending.reject(deserializeError(message[i + 2]));
      }
      this.#afterSettle(child);
    } else if (message[0] === TAG.ready) {
      child.ready = true;
      this.#starting--;
      this.#backoff.succeeded();
      if (child.accepting) this.#accepting.push(child);
      this.#drain();
    }
  }

  /** Unlinks a call from the pool: no more abort, no longer in a child or waiting. */
  #detach(pending: PendingCall): void {
    pending.settled = true;
    // The abort listener stays: the executor gives every call a signal of its
    // own and never aborts it once the call has settled (and `settled` makes a
    // late abort a no-op). removeEventListener costs ~3 µs a call, 5% of a tiny task.
    const child = pending.child;
    if (child) {
      child.running.delete(pending.id);
      this.#inFlight--;
    } else {
      const at = this.#waiting.indexOf(pending);
      if (at !== -1) this.#waiting.splice(at, 1);
    }
  }

  /** After calls of `child` settled: recycle or note it idle, feed waiting calls. */
  #afterSettle(child: PoolChild): void {
    if (child.running.size === 0 && !child.stopping) {
      if (!child.accepting) this.#release(child);
      else {
        child.idleSince = performance.now();
        this.#armIdleTimer();
      }
    }
    if (this.#waiting.length > 0) this.#drain();
    this.#updateReference();
  }

  #abort(pending: PendingCall): void {
    if (pending.settled) return;
    const child = pending.child;
    const sent = child !== undefined && !child.outbox.includes(pending);
    this.#detach(pending);
    pending.reject(pending.signal.reason);
    if (child && sent) {
      // The only way to stop a running task: end its process. Calls of other
      // children go on; a replacement is forked when calls wait for one.
      this.#stop(child, `task ${pending.call.label} running in it was aborted`);
      this.#drain();
      this.#updateReference();
    } else if (child) this.#afterSettle(child);
    else this.#updateReference();
  }

  /** Waiting calls to free children; fork more if they cannot take them all. */
  #drain(): void {
    while (this.#waiting.length > 0) {
      const child = this.#pick();
      if (!child) break;
      this.#assign(child, this.#waiting.shift()!);
    }
    this.#grow();
  }

  #grow(): void {
    if (this.#state !== 'open') return;
    for (;;) {
      const live = this.workers();
      const wanted = this.#waiting.length > this.#starting * this.#perChild || live < this.#minWorkers;
      if (!wanted || live >= this.#maxWorkers) return;
      if (this.#backoff.active) {
        // Backing off: one probe child at a time, not before its time.
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
    const handle = new ChildHandle(this.#spawnOptions, this.#listener);
    this.#children.set(handle, new PoolChild(handle));
    this.#starting++;
    if (!this.#active) handle.reference(false);
    if (handle.pid) this.#context.events.emit('workerSpawn', { backend: 'process', id: handle.pid });
  }

  #stopAccepting(child: PoolChild): void {
    child.accepting = false;
    const at = this.#accepting.indexOf(child);
    if (at !== -1) this.#accepting.splice(at, 1);
  }

  /** Graceful: the child exits when its channel closes. */
  #release(child: PoolChild): void {
    this.#stopAccepting(child);
    child.stopping = true;
    child.handle.release();
  }

  /** Now: SIGTERM, then SIGKILL. Calls it still runs reject when it exits. */
  #stop(child: PoolChild, reason: string): void {
    this.#stopAccepting(child);
    child.stopping = true;
    child.endedBy ??= reason;
    child.handle.kill();
  }

  #onExit(handle: ChildHandle, code: number | null, signal: NodeJS.Signals | null): void {
    const child = this.#children.get(handle);
    if (!child) return;
    this.#children.delete(handle);
    this.#stopAccepting(child);
    const exit = describeExit(handle.pid, code, signal) + (handle.startTimeout ? ` (${handle.startTimeout})` : '');
    // V8 aborts a process that runs out of heap: SIGABRT (134 = 128 + 6 when reported as a code).
    const outOfMemory = signal === 'SIGABRT' || code === 134;
    if (!child.ready) {
      this.#starting--;
      if (!child.stopping) this.#startFailed(exit);
    }
    for (const pending of [...child.running.values()]) {
      this.#detach(pending);
      pending.reject(new WorkerCrashedError(this.#crashMessage(child, pending, exit, outOfMemory)));
    }
    child.outbox = [];
    this.#context.events.emit('workerExit', { backend: 'process', id: handle.pid, code, signal });
    if (this.#children.size === 0) {
      for (const resolve of this.#exitWaiters.splice(0)) resolve();
    }
    this.#drain();
    this.#updateReference();
  }

  #crashMessage(child: PoolChild, pending: PendingCall, exit: string, outOfMemory: boolean): string {
    if (child.endedBy) {
      return `${exit} after it was stopped because ${child.endedBy}; task ${pending.call.label} was running in the same process`;
    }
    let message = `${exit} while running task ${pending.call.label}`;
    const heapMb = this.#context.options.resourceLimits?.maxOldGenerationSizeMb;
    if (outOfMemory) message += ` (out of memory? ${heapMb ? `the heap limit is ${heapMb} MB` : 'no heap limit was set'})`;
    return message;
  }

  #startFailed(exit: string): void {
    const message = this.#backoff.failed(exit, this.#spawnOptions.execArgv);
    if (message === undefined) return;
    for (const pending of [...this.#waiting]) {
      this.#detach(pending);
      pending.reject(new WorkerCrashedError(`${message}; task ${pending.call.label} was not run`));
    }
  }

  /** Idle children above `minWorkers` leave after `idleTimeout`; one timer serves them all. */
  #armIdleTimer(delay = this.#idleTimeout): void {
    if (this.#idleTimer || !Number.isFinite(this.#idleTimeout) || this.#state !== 'open') return;
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
    for (const child of [...this.#accepting]) {
      if (child.running.size > 0 || live <= this.#minWorkers) continue;
      const left = child.idleSince + this.#idleTimeout - now;
      // 1 ms: timers may fire a hair early relative to performance.now().
      if (left <= 1) {
        this.#release(child);
        live--;
      } else next = Math.min(next, left);
    }
    if (next !== Number.POSITIVE_INFINITY) this.#armIdleTimer(next);
  }

  /** Children hold the parent's event loop only while calls wait or run (like piscina's unref of idle workers). */
  #updateReference(): void {
    const active = this.#inFlight > 0 || this.#waiting.length > 0;
    if (active === this.#active) return;
    this.#active = active;
    for (const child of this.#children.values()) if (!child.stopping) child.handle.reference(active);
  }
}

function describeExit(pid: number, code: number | null, signal: NodeJS.Signals | null): string {
  const who = pid ? `Child process ${pid}` : 'A child process that could not be spawned';
  if (signal) return `${who} was killed by signal ${signal}`;
  return `${who} exited with code ${code ?? 'unknown'}`;
}
