/**
 * `backend: 'distributed'`: a Backend over a BullMQ queue, driven by the
 * executor core (LocalExecutor) like every other backend. The core owns
 * queueing, timeouts, abort, `maxQueue`, stats, events and the lifecycle;
 * this file only moves calls through Redis. Data flows one way:
 *
 *   core dispatch -> execute(call): encode input, TaskRef -> Queue.add(job)  (waiting in Redis: sent ahead)
 *     Redis -> a worker (src/distributed/worker.ts) runs it on its own auto executor
 *     event stream 'active'    -> call.markStarted(): the core's taskStart, timeout, `running`
 *     event stream 'completed' -> decode result -> resolve, then delete the job (kept until read)
 *     event stream 'failed'    -> read the encoded error off the job -> reject
 *     reconcile (a timer, a gap in the stream, a reconnect) -> read every awaited job's state -> the same
 *     call aborted (caller, timeout, destroy) -> reject with the reason at once; the job is
 *       removed from Redis if it still waits there, else its worker is asked to stop it
 *
 * Every job goes to Redis at once (capacity unlimited), so BullMQ's priority
 * orders it among every submitter's jobs. `concurrency` is the slots this
 * submitter counts on the workers giving it: the core counts jobs beyond them
 * as waiting for `maxQueue` (none without it: every job not yet started waits).
 *
 * No result is lost: the event stream is trimmed (BullMQ keeps ~10,000
 * entries), so it is only the fast path. A completed job stays in Redis until
 * this submitter has read it, and reconciling reads the state of every job
 * still awaited. Each call settles once (#end), whichever path comes first.
 */
import { randomUUID } from 'node:crypto';
import type { Backend, BackendContext, CancelSignal, TaskCall } from '../backends/backend.js';
import { ConnectionLostError, ExecutorClosedError, TaskNotPortableError, WorkerCrashedError } from '../errors.js';
import type { EventEmitter } from 'eventemitter3';
import type { ExecutorEvents } from '../executor.js';
import type { ExecutorOptions } from '../options.js';
import type { Task, TaskFunction } from '../task.js';
import { ClientLink, type JobState, type LinkListener } from './client-link.js';
import { decodeError, decodeValue, encodeValue } from './codec.js';
import { describeConnection, redisOptions } from './connection.js';
import type { JobData, JobResult } from './protocol.js';
import { MAX_INPUT_CHARS } from './job-data.js';
import { rebuildRemoteError } from './remote-error.js';
import { DEFAULT_QUEUE, MAP_WINDOW, refuseClosureRemote } from './submitter-facts.js';
import { rootPath, toTaskRef, type TaskRef } from './task-ref.js';
import { isProgressUpdate } from './progress-relay.js';

/** One call between `execute` and its settlement; `handleEvent` is its signal's abort. */
interface RemoteCall {
  jobId: string;
  call: TaskCall;
  signal: CancelSignal;
  /** 'active': BullMQ said a worker took it (the core has started it). */
  state: 'waiting' | 'active';
  /** Queue.add has resolved: the job exists in Redis. */
  added: boolean;
  /** Runs that failed and that BullMQ runs again (taskRetry events sent). */
  retried: number;
  /** The fixed backoff given to BullMQ, ms; undefined: its exponential one (the delay is read off the job). */
  retryDelay: number | undefined;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  handleEvent(): void;
}

/** `reconnectTimeout` default, ms: long enough for a Redis restart or failover, short enough to notice. */
const RECONNECT_TIMEOUT = 30_000;
/** How long close/destroy wait for the last removals and cancel messages to reach Redis, ms. */
const WITHDRAW_GRACE_MS = 500;
/** `workers()` asks Redis at most this often, ms (stats() itself is synchronous). */
const WORKER_COUNT_REFRESH_MS = 1000;
/**
 * Every awaited job's state is read from Redis this often, ms: the backstop
 * for an event the stream lost in a way the reader could not see.
 */
const RECONCILE_MS = 5000;

export function createDistributedBackend(context: BackendContext): Backend {
  return new DistributedBackend(context);
}

class DistributedBackend implements Backend {
  readonly kind = 'distributed' as const;
  /** The slots this submitter counts on (the workers' own are out of sight); 0 without `concurrency`. */
  readonly concurrency: number;
  readonly capacity = Number.POSITIVE_INFINITY;
  readonly reportsStart = true;
  /** BullMQ runs the retries (attempts and backoff): a worker that dies mid-job is recovered there too. */
  readonly retriesItself = true;
  readonly mapWindow: number;
  #retries: number;
  #retryDelay: ExecutorOptions['retryDelay'];
  /** This executor paused the queue (pause() is BullMQ's, for every worker): resumed again at destroy(). */
  #paused = false;
  #events: EventEmitter<ExecutorEvents>;
  #connection: unknown;
  #queueName: string;
  /** Where task modules are named relative to: the declared `root`, else the current directory. */
  #root: string;
  #rootDeclared: boolean;
  /** Each task's ref, worked out once (a path computation per call showed in profiles). */
  #refs = new WeakMap<Task, TaskRef>();
  #reconnectTimeout: number;
  /** Job ids are unique across submitters: this backend's id plus a counter. */
  #clientId = randomUUID();
  #nextId = 1;
  #link?: Promise<ClientLink>;
  /** Aborts a link still waiting for Redis to answer, when the executor closes. */
  #opening = new AbortController();
  /** Redis has been unreachable for longer than `reconnectTimeout`: calls fail fast until it answers. */
  #lost = false;
  /** close() or destroy() began: the connections are going or gone. */
  #closing?: Promise<void>;
  /** Removals and cancel messages still on their way; close waits for them (briefly). */
  #withdrawals = new Set<Promise<void>>();
  /** The last pause or resume on its way to Redis. */
  #pausing: Promise<unknown> = Promise.resolve();
  #calls = new Map<string, RemoteCall>();
  #workers = 0;
  #workersAskedAt = 0;
  #reconcileTimer?: NodeJS.Timeout;
  /** A reconcile is running; `#reconcileAgain`: another was asked for meanwhile. */
  #reconciling = false;
  #reconcileAgain = false;

  constructor({ options, events }: BackendContext) {
    redisOptions(options.connection); // a bad connection is a TypeError now, not at the first run
    this.#events = events;
    this.#connection = options.connection;
    // Types were checked by validateOptions; the values are checked here.
    this.#queueName = options.queue ?? DEFAULT_QUEUE;
    this.#rootDeclared = options.root !== undefined;
    this.#root = options.root === undefined ? process.cwd() : rootPath(options.root);
    this.#reconnectTimeout = options.reconnectTimeout ?? RECONNECT_TIMEOUT;
    this.concurrency = options.concurrency ?? 0;
    this.mapWindow = options.concurrency ?? MAP_WINDOW;
    this.#retries = options.retries ?? 0;
    this.#retryDelay = options.retryDelay;
  }

  accept(task: Task | TaskFunction): void {
    refuseClosureRemote(task);
  }

  execute(call: TaskCall, signal: CancelSignal): Promise<unknown> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const { label } = call;
    if (this.#lost) {
      return Promise.reject(
        new ConnectionLostError(
          `Cannot queue task ${label}: Redis at ${describeConnection(this.#connection)} has been unreachable for over ${this.#reconnectTimeout} ms`,
        ),
      );
    }
    const retries = call.options.retries ?? this.#retries;
    const retryDelay = call.options.retryDelay ?? this.#retryDelay;
    let data: JobData;
    try {
      if (typeof retryDelay === 'function' || call.options.retryOn !== undefined) {
        throw new TypeError(
          `Task ${label}: ${call.options.retryOn !== undefined ? '`retryOn`' : '`retryDelay` as a function'} cannot travel to the workers of a distributed executor ` +
            '(BullMQ runs the retries there): give retryDelay in ms, and decide in the task which errors to throw',
        );
      }
      const input = encodeValue(call.input, `input of task ${label}`);
      if (input.length > MAX_INPUT_CHARS) {
        throw new TaskNotPortableError(
          `Cannot queue task ${label}: its input is ${(input.length / 2 ** 20).toFixed(1)} MB encoded, over the ` +
            `${MAX_INPUT_CHARS / 2 ** 20} MB a job may carry (workers refuse bigger jobs): pass a reference (a path, a key) instead`,
        );
      }
      data = {
        task: this.#refOf(call.task as Task),
        label,
        traits: (call.task as Task).traits,
        input,
        batch: call.batch,
        // The worker stops the task past it too: the core's timer only gives up on it here.
        timeout: call.timeout,
        retries,
      };
    } catch (error) {
      return Promise.reject(error);
    }
    const jobId = `${this.#clientId}-${this.#nextId++}`;
    const priority = call.options.priority ?? 0;
    return new Promise((resolve, reject) => {
      const remote: RemoteCall = {
        jobId,
        call,
        signal,
        state: 'waiting',
        added: false,
        retried: 0,
        retryDelay: retryDelay as number | undefined,
        resolve,
        reject,
        handleEvent: () => {
          const started = remote.state === 'active';
          if (this.#end(remote, false, signal.reason)) this.#withdraw(remote, started);
        },
      };
      this.#calls.set(jobId, remote);
      signal.addEventListener('abort', remote);
      this.#connect()
        .then((link) => (this.#calls.has(jobId) ? link.add(label, data, { jobId, priority, retries, retryDelay }).then(() => true) : false))
        .then(
          (added) => {
            remote.added = added;
            // Settled (aborted, destroyed) while the add was on its way: take the job back out.
            if (added && !this.#calls.has(jobId)) this.#withdraw(remote, false);
          },
          (error: unknown) => this.#end(remote, false, error),
        );
    });
  }

  #refOf(task: Task): TaskRef {
    let ref = this.#refs.get(task);
    if (!ref) {
      ref = toTaskRef(task, this.#root, this.#rootDeclared);
      this.#refs.set(task, ref);
    }
    return ref;
  }

  /** Workers connected to the queue, as Redis last said (asked at most once a second). */
  workers(): number {
    const now = performance.now();
    if (this.#link && !this.#closing && now - this.#workersAskedAt >= WORKER_COUNT_REFRESH_MS) {
      this.#workersAskedAt = now;
      void this.#link.then((link) => link.workers()).then((n) => (this.#closing ? undefined : (this.#workers = n)), () => undefined);
    }
    return this.#workers;
  }

  /** The core has waited for every call: only the connections are left. */
  close(): Promise<void> {
    this.#closing ??= this.#closeLink();
    return this.#closing;
  }

  /** The core has aborted every call (each one's withdrawal is on its way): close the connections now. */
  destroy(): Promise<void> {
    for (const remote of [...this.#calls.values()]) {
      this.#end(remote, false, new ExecutorClosedError('The executor was destroyed'));
    }
    // A queue this executor paused would stay paused in Redis for every worker: resume it on the way out.
    if (this.#paused) this.resume();
    return this.close();
  }

  /** executor.pause(): BullMQ's pause of the whole queue, so no worker takes a job until resume(). */
  pause(): void {
    this.#paused = true;
    this.#queuePause(true);
  }

  resume(): void {
    this.#paused = false;
    this.#queuePause(false);
  }

  /** In call order (a pause then a resume must reach Redis in that order); close() waits for it briefly. */
  #queuePause(paused: boolean): void {
    if (this.#closing) return;
    // The link now: destroy() resumes and closes in one go, and a link asked for later would be refused.
    const linking = this.#connect();
    const last = this.#pausing;
    const change = (async () => {
      await last;
      const link = await linking;
      await (paused ? link.pause() : link.resume());
    })().catch((error: unknown) => {
      this.#events.emit('warning', {
        type: 'pause-failed',
        backend: this.kind,
        message: `Could not ${paused ? 'pause' : 'resume'} queue '${this.#queueName}': ${(error as Error)?.message ?? String(error)}`,
      });
    });
    this.#pausing = change;
    this.#withdrawals.add(change);
    void change.finally(() => this.#withdrawals.delete(change));
  }

  /**
   * BullMQ will run a failed job again (its backoff, or at once): taskRetry,
   * with the error the worker stored and the delay BullMQ chose.
   */
  async #onRetrying(jobId: string, until: number | undefined): Promise<void> {
    const remote = this.#calls.get(jobId);
    if (!remote) return;
    const attempt = ++remote.retried;
    let error: unknown;
    let delayMs = 0;
    try {
      const link = await this.#connect();
      const stored = await link.readRetry(jobId);
      if (stored.error !== undefined) error = rebuildRemoteError(decodeError(stored.error), remote.call.label, remote.call.timeout);
      // A fixed delay is the one given; BullMQ's exponential one is on the job (until the next run resets it).
      // (read late, it may be 0 again: then what is left of the wait is the best there is).
      if (until !== undefined) delayMs = remote.retryDelay ?? (stored.delayMs || Math.max(0, until - Date.now()));
    } catch {
      // Redis away: the retry still happens; the event says less.
    }
    if (this.#calls.get(jobId) === remote) remote.call.retried?.(attempt, error, delayMs);
  }

  /** The link to Redis, opened on first use. */
  #connect(): Promise<ClientLink> {
    if (this.#closing) return Promise.reject(new ExecutorClosedError('The executor is closed'));
    if (!this.#link) {
      const listener: LinkListener = {
        active: (jobId) => this.#onActive(jobId),
        progress: (jobId, data) => this.#onProgress(jobId, data),
        completed: (jobId, returnvalue) => this.#onCompleted(jobId, returnvalue),
        failed: (jobId, reason) => void this.#onFailed(jobId, reason),
        stalled: (jobId) => this.#onStalled(jobId),
        retrying: (jobId, until) => void this.#onRetrying(jobId, until),
        gap: () => void this.#reconcile(),
        lost: () => this.#onLost(),
        reconnected: () => this.#onReconnected(),
        error: () => undefined, // connection errors surface through `lost`; a task's through its promise
      };
      this.#link = ClientLink.open(this.#connection, this.#queueName, `${this.#clientId}-`, this.#reconnectTimeout, listener, this.#opening.signal);
      // A link that cannot open (bullmq missing, Redis silent) fails these calls; the next one tries again.
      this.#link.then(
        () => {
          this.#reconcileTimer ??= setInterval(() => void this.#reconcile(), RECONCILE_MS);
          this.#reconcileTimer.unref();
        },
        () => (this.#link = undefined),
      );
    }
    return this.#link;
  }

  #onActive(jobId: string): void {
    const remote = this.#calls.get(jobId);
    // A retry or a recovered job is active again: it keeps its first start (and the core its timer).
    if (!remote || remote.state === 'active') return;
    remote.state = 'active';
    // After the core has taken the results that came in the same read of the
    // event stream (their promise reactions are queued before this), so a
    // `taskEnd` comes before the next `taskStart`, as on the pools.
    queueMicrotask(() => {
      if (this.#calls.get(jobId) === remote) remote.call.markStarted();
    });
  }

  /** `ctx.progress()` values of a job (JSON text of a ProgressUpdate), in order, while its call is live: after its result or abort, none. */
  #onProgress(jobId: string, data: string): void {
    const remote = this.#calls.get(jobId);
    if (!remote) return;
    let update: unknown;
    try {
      update = JSON.parse(data);
    } catch {
      return;
    }
    if (!isProgressUpdate(update)) return;
    for (const [item, encoded] of update.ue) {
      let value: unknown;
      try {
        value = decodeValue(encoded);
      } catch {
        continue; // written by a worker whose V8 this one cannot read: its result will say so
      }
      remote.call.progress(value, item);
    }
  }

  #onCompleted(jobId: string, returnvalue: string): void {
    const remote = this.#calls.get(jobId);
    if (!remote) {
      // Ours, but its caller moved on (abort, timeout): nobody will read it, it may go now.
      void this.#link?.then((link) => link.forget(jobId));
      return;
    }
    let result: JobResult;
    let value: unknown;
    try {
      result = JSON.parse(returnvalue) as JobResult;
      value = decodeValue(result.value);
    } catch (error) {
      this.#end(remote, false, new TaskNotPortableError(`Cannot read the result of task ${remote.call.label} (job ${jobId})`, { cause: error }));
      return;
    }
    // Started when the worker says it did, so the run time is the job's: its
    // 'active' may have come in this same read, late, or not at all (a reconnect).
    if (typeof result.runMs === 'number') remote.call.markStarted(performance.now() - result.runMs);
    // Read: the job may go (it was kept in Redis for this moment only).
    if (this.#end(remote, true, value)) void this.#link?.then((link) => link.forget(jobId));
  }

  /** `encoded`: the stored error when the caller (reconcile) read it already. */
  async #onFailed(jobId: string, reason: string, encoded?: string): Promise<void> {
    const remote = this.#calls.get(jobId);
    if (!remote) return;
    const { label, timeout } = remote.call;
    let error: unknown;
    try {
      encoded ??= await (await this.#connect()).readError(jobId);
      error = encoded === undefined ? undefined : rebuildRemoteError(decodeError(encoded), label, timeout);
    } catch {
      error = undefined;
    }
    // No error stored: BullMQ failed the job itself (a worker died more often than retries allow).
    error ??= new WorkerCrashedError(`Task ${label} (job ${jobId}) failed on queue '${this.#queueName}': ${reason}`);
    // A job fails on a worker: it started, even if its 'active' came late or not at all
    // (under load the stream can deliver it after this), so taskStart and `running` count it.
    if (this.#calls.get(jobId) === remote) remote.call.markStarted();
    this.#end(remote, false, error);
  }

  #onStalled(jobId: string): void {
    const remote = this.#calls.get(jobId);
    if (!remote) return;
    const label = remote.call.label;
    this.#events.emit('warning', {
      type: 'worker-lost',
      backend: this.kind,
      task: label,
      message: `The worker running task ${label} (job ${jobId}) stopped answering; the job went back to the queue`,
    });
  }

  #onLost(): void {
    this.#lost = true;
    const where = describeConnection(this.#connection);
    for (const remote of [...this.#calls.values()]) {
      const error = new ConnectionLostError(
        `Redis at ${where} has been unreachable for ${this.#reconnectTimeout} ms: task ${remote.call.label} (job ${remote.jobId}) ` +
          'was given up; it may still run when Redis returns',
      );
      this.#end(remote, false, error);
    }
  }

  /** After any break: events may have been missed, and jobs lost with a Redis that restarted. */
  #onReconnected(): void {
    this.#lost = false;
    void this.#reconcile();
  }

  /**
   * Reads from Redis the state of every job still awaited and settles the
   * finished ones (and fails the ones Redis no longer has). One at a time: a
   * request during a run makes one more run after it.
   */
  async #reconcile(): Promise<void> {
    if (this.#reconciling) {
      this.#reconcileAgain = true;
      return;
    }
    this.#reconciling = true;
    try {
      do {
        this.#reconcileAgain = false;
        const link = await this.#link?.catch(() => undefined);
        const awaited = [...this.#calls.values()].filter((remote) => remote.added);
        if (!link || awaited.length === 0) return;
        let states: Map<string, JobState>;
        try {
          states = await link.states(awaited.map((remote) => remote.jobId));
        } catch {
          return; // Redis away: the reconnect reconciles again
        }
        for (const remote of awaited) {
          if (this.#calls.get(remote.jobId) !== remote) continue;
          const job = states.get(remote.jobId);
          if (job?.state === 'completed') this.#onCompleted(remote.jobId, job.returnvalue);
          else if (job?.state === 'failed') void this.#onFailed(remote.jobId, job.reason, job.error);
          else if (job?.state === 'pending' && job.started) this.#onActive(remote.jobId);
          else if (job?.state === 'missing') {
            // Not "restarted without persistence": with AOF, the last second of writes can
            // be lost too, and a job can be deleted by hand. Only its state is known lost.
            const error = new ConnectionLostError(
              `Redis at ${describeConnection(this.#connection)} no longer has job ${remote.jobId} (task ${remote.call.label}): ` +
                'its state was lost (a Redis restart that did not keep it, or a removal by someone else), ' +
                'so whether it ran is unknown',
            );
            this.#end(remote, false, error);
          }
        }
      } while (this.#reconcileAgain);
    } finally {
      this.#reconciling = false;
    }
  }

  /** Settles a call once; false if it was already settled. */
  #end(remote: RemoteCall, ok: boolean, outcome: unknown): boolean {
    if (this.#calls.get(remote.jobId) !== remote) return false;
    this.#calls.delete(remote.jobId);
    remote.signal.removeEventListener('abort', remote);
    if (ok) remote.resolve(outcome);
    else remote.reject(outcome);
    return true;
  }

  /**
   * Best effort, in the background: a waiting job is removed from the queue; a
   * running one (or one a worker took meanwhile) gets a cancel message, and
   * the worker aborts it on its local executor.
   */
  #withdraw(remote: RemoteCall, started: boolean): void {
    if (!remote.added || !this.#link) return;
    const withdrawal = this.#link
      .then(async (link) => {
        if (started || !(await link.remove(remote.jobId))) await link.cancel(remote.jobId);
      })
      .catch(() => undefined);
    this.#withdrawals.add(withdrawal);
    void withdrawal.finally(() => this.#withdrawals.delete(withdrawal));
  }

  async #closeLink(): Promise<void> {
    this.#opening.abort(new ExecutorClosedError('The executor closed before Redis answered'));
    clearInterval(this.#reconcileTimer);
    const link = this.#link;
    this.#link = undefined;
    this.#workers = 0;
    // Let removals and cancel messages of destroyed tasks go out first, if Redis answers soon.
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise((resolve) => (timer = setTimeout(resolve, WITHDRAW_GRACE_MS)));
    await Promise.race([Promise.all(this.#withdrawals), grace]);
    clearTimeout(timer);
    if (link) await (await link.catch(() => undefined))?.close();
  }
}
