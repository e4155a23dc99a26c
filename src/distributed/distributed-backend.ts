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
 * No result is lost: the event stream is only the fast path (reconcile.ts).
 * Each call settles once (remote-call.ts), whichever path comes first. What
 * Redis says of a job becomes the call's outcome in job-outcomes.ts; a call
 * becomes job data in job-submission.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Backend, BackendContext, CancelSignal, TaskCall } from '../backends/backend.js';
import { ConnectionLostError, ExecutorClosedError } from '../errors.js';
import type { EventEmitter } from 'eventemitter3';
import type { ExecutorEvents } from '../executor.js';
import type { ExecutorOptions } from '../options.js';
import type { Task, TaskFunction } from '../task.js';
import { ClientLink, type LinkListener } from './client-link.js';
import { describeConnection, redisOptions } from './connection.js';
import { JobOutcomes } from './job-outcomes.js';
import { jobDataOf } from './job-submission.js';
import { Reconciler } from './reconcile.js';
import { RemoteCall, RemoteCalls, type RemoteCallOwner } from './remote-call.js';
import { DEFAULT_QUEUE, MAP_WINDOW, refuseClosureRemote } from './submitter-facts.js';
import { rootPath, toTaskRef, type TaskRef } from './task-ref.js';

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

class DistributedBackend implements Backend, RemoteCallOwner {
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
  /** The link once open: a call then adds its job at once, without a promise turn. */
  #open?: ClientLink;
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
  #calls = new RemoteCalls();
  #outcomes: JobOutcomes;
  #reconciler: Reconciler;
  #workers = 0;
  #workersAskedAt = 0;
  #reconcileTimer?: NodeJS.Timeout;

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
    this.#outcomes = new JobOutcomes({
      calls: this.#calls,
      events,
      queueName: this.#queueName,
      openLink: () => this.#open,
      connect: () => this.#connect(),
    });
    this.#reconciler = new Reconciler(
      this.#calls,
      this.#outcomes,
      () => this.#link?.catch(() => undefined) ?? Promise.resolve(undefined),
      describeConnection(this.#connection),
    );
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
    let data;
    try {
      data = jobDataOf(call, this.#refOf(call.task as Task), retries, retryDelay);
    } catch (error) {
      return Promise.reject(error);
    }
    const jobId = `${this.#clientId}-${this.#nextId++}`;
    const options = { jobId, priority: call.options.priority ?? 0, retries, retryDelay: retryDelay as number | undefined };
    return new Promise((resolve, reject) => {
      const remote = new RemoteCall(jobId, call, signal, retryDelay as number | undefined, resolve, reject, this);
      this.#calls.add(remote);
      if (this.#open && !this.#closing) this.#open.add(label, data, options, remote);
      else {
        this.#connect().then(
          // Aborted while Redis was being reached: nothing to add.
          (link) => this.#calls.live(remote) && link.add(label, data, options, remote),
          (error: unknown) => this.#calls.end(remote, false, error),
        );
      }
    });
  }

  /** The call's job is in Redis, or could not get there (RemoteCallOwner). */
  added(remote: RemoteCall, error?: unknown): void {
    if (error !== undefined) {
      this.#calls.end(remote, false, error);
      return;
    }
    remote.added = true;
    // Settled (aborted, destroyed) while the add was on its way: take the job back out.
    // Not when it settled with its own outcome: a job can finish, and its result
    // be read, before a big addBulk's reply has come back.
    if (!this.#calls.live(remote) && !remote.finished) this.#withdraw(remote, false);
  }

  /** The caller gave up on the call (its signal aborted: abort, timeout, destroy) (RemoteCallOwner). */
  aborted(remote: RemoteCall): void {
    const started = remote.state === 'active';
    if (this.#calls.end(remote, false, remote.signal.reason)) this.#withdraw(remote, started);
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
    for (const remote of this.#calls.all()) {
      this.#calls.end(remote, false, new ExecutorClosedError('The executor was destroyed'));
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

  /** The link to Redis, opened on first use. */
  #connect(): Promise<ClientLink> {
    if (this.#closing) return Promise.reject(new ExecutorClosedError('The executor is closed'));
    if (!this.#link) {
      const outcomes = this.#outcomes;
      const listener: LinkListener = {
        active: (jobId) => outcomes.active(jobId),
        progress: (jobId, data) => outcomes.progress(jobId, data),
        completed: (jobId, returnvalue) => outcomes.completed(jobId, returnvalue),
        failed: (jobId, reason) => void outcomes.failed(jobId, reason),
        stalled: (jobId) => outcomes.stalled(jobId),
        retrying: (jobId, until) => void outcomes.retrying(jobId, until),
        gap: () => void this.#reconciler.run(),
        lost: () => this.#onLost(),
        reconnected: () => this.#onReconnected(),
        error: () => undefined, // connection errors surface through `lost`; a task's through its promise
      };
      const link = ClientLink.open(this.#connection, this.#queueName, `${this.#clientId}-`, this.#reconnectTimeout, listener, this.#opening.signal);
      this.#link = link;
      // A link that cannot open (bullmq missing, Redis silent) fails these calls; the next one tries again.
      link.then(
        (open) => {
          if (this.#link === link && !this.#closing) this.#open = open;
          this.#reconcileTimer ??= setInterval(() => void this.#reconciler.run(), RECONCILE_MS);
          this.#reconcileTimer.unref();
        },
        () => (this.#link = undefined),
      );
    }
    return this.#link;
  }

  #onLost(): void {
    this.#lost = true;
    const where = describeConnection(this.#connection);
    for (const remote of this.#calls.all()) {
      const error = new ConnectionLostError(
        `Redis at ${where} has been unreachable for ${this.#reconnectTimeout} ms: task ${remote.call.label} (job ${remote.jobId}) ` +
          'was given up; it may still run when Redis returns',
      );
      this.#calls.end(remote, false, error);
    }
  }

  /** After any break: events may have been missed, and jobs lost with a Redis that restarted. */
  #onReconnected(): void {
    this.#lost = false;
    void this.#reconciler.run();
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
    this.#open = undefined;
    this.#workers = 0;
    // Let removals and cancel messages of destroyed tasks go out first, if Redis answers soon.
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise((resolve) => (timer = setTimeout(resolve, WITHDRAW_GRACE_MS)));
    await Promise.race([Promise.all(this.#withdrawals), grace]);
    clearTimeout(timer);
    if (link) await (await link.catch(() => undefined))?.close();
  }
}
