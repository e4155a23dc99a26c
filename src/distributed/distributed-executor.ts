/**
 * `backend: 'distributed'`: the Executor interface over a BullMQ queue. Data
 * flows one way:
 *
 *   run(task, input) -> checks -> encode input, TaskRef -> Queue.add(job)      (state 'waiting')
 *     Redis -> a worker (src/distributed/worker.ts) runs it on its own auto executor
 *     QueueEvents 'active'    -> taskStart, timeout timer                    (state 'active')
 *     QueueEvents 'completed' -> decode result -> resolve, taskEnd
 *     QueueEvents 'failed'    -> read the encoded error off the job -> reject, taskError
 *
 * The caller's promise settles at most once, on the first of: the job's end,
 * its timeout, its abort, destroy(), or Redis staying unreachable past
 * `reconnectTimeout`. Whatever happens to the job afterwards is ignored.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import {
  ConnectionLostError,
  ExecutorClosedError,
  QueueFullError,
  TaskNotPortableError,
  TaskTimeoutError,
  WorkerCrashedError,
} from '../errors.js';
import type { Executor, ExecutorEvents, ExecutorStats, MapOptions, RunOptions, TaskBackend } from '../executor.js';
import type { ExecutorOptions } from '../options.js';
import type { Decision } from '../policy.js';
import { mapTasks, type ChunkRunner } from '../shared/map.js';
import { checkTimerOptions, notATaskProblem, runOptionsProblem } from '../shared/run-options.js';
import { follow, unfollow, type AbortFollower } from '../shared/shared-signal.js';
import { TaskTally } from '../shared/stats.js';
import { isTask, taskLabel, type Task, type TaskFunction } from '../task.js';
import { ClientLink, type LinkListener } from './client-link.js';
import { decodeError, decodeValue, encodeValue } from './codec.js';
import { describeConnection, redisOptions } from './connection.js';
import type { JobData, JobResult } from './protocol.js';
import { rebuildRemoteError } from './remote-error.js';
import { rootPath, toTaskRef } from './task-ref.js';

/** One `run` (or one map chunk) between submission and settlement; its handleEvent is the caller's abort. */
interface RemoteCall extends AbortFollower {
  id: number;
  jobId: string;
  label: string;
  state: 'waiting' | 'active';
  /** Queue.add has resolved: the job exists in Redis. */
  added: boolean;
  timeout?: number;
  queuedAt: number;
  startedAt?: number;
  timer?: NodeJS.Timeout;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  signal?: AbortSignal; // the caller's, followed (one listener per distinct signal) until the call settles
}

type Ending = { kind: 'completed'; value: unknown; runMs?: number } | { kind: 'failed' | 'cancelled'; error: unknown };

/** Default window of `map`: how many jobs one map keeps queued or running. */
const MAP_CONCURRENCY = 32;
/** `reconnectTimeout` default, ms: long enough for a Redis restart or failover, short enough to notice. */
const RECONNECT_TIMEOUT = 30_000;
/** How long close/destroy wait for the last removals and cancel messages to reach Redis, ms. */
const WITHDRAW_GRACE_MS = 500;
/** `stats().workers` asks Redis at most this often, ms (stats() itself is synchronous). */
const WORKER_COUNT_REFRESH_MS = 1000;

export class DistributedExecutor extends EventEmitter<ExecutorEvents> implements Executor {
  readonly backend = 'distributed' as const;
  #options: ExecutorOptions;
  #queueName: string;
  #root?: string;
  #reconnectTimeout: number;
  /** Job ids are unique across submitters: this executor's id plus a counter. */
  #clientId = randomUUID();
  #link?: Promise<ClientLink>;
  /** Aborts a link still waiting for Redis to answer, when the executor closes. */
  #opening = new AbortController();
  /** Redis has been unreachable for longer than `reconnectTimeout`: runs fail fast until it answers. */
  #lost = false;
  /** Removals and cancel messages still on their way; close waits for them (briefly). */
  #withdrawals = new Set<Promise<void>>();
  #calls = new Map<string, RemoteCall>();
  #state: 'open' | 'closing' | 'closed' = 'open';
  #closing?: Promise<void>;
  #destroying?: Promise<void>;
  #nextId = 1;
  #idleScheduled = false;
  #tally = new TaskTally();
  #workers = 0;
  #workersAskedAt = 0;

  constructor(options: ExecutorOptions) {
    super();
    redisOptions(options.connection); // a bad connection is a TypeError now, not at the first run
    checkTimerOptions(options);
    this.#options = options;
    // Types were checked by validateOptions; the values are checked here.
    this.#queueName = options.queue ?? 'unified-executor';
    this.#root = options.root === undefined ? undefined : rootPath(options.root);
    this.#reconnectTimeout = options.reconnectTimeout ?? RECONNECT_TIMEOUT;
  }

  explain(): Decision<TaskBackend> {
    return {
      backend: 'distributed',
      rule: 'explicit',
      reason:
        `the executor was created with backend: 'distributed': every task is a job on queue '${this.#queueName}' ` +
        `at ${describeConnection(this.#options.connection)}, run by a worker on its own auto executor`,
    };
  }

  run<I, O>(task: Task<I, O> | TaskFunction<I, O>, input: NoInfer<I>, options: RunOptions = {}): Promise<O> {
    return this.#submit(task, input, false, options) as Promise<O>;
  }

  map<I, O>(
    task: Task<I, O> | TaskFunction<I, O>,
    inputs: Iterable<NoInfer<I>> | AsyncIterable<NoInfer<I>>,
    options: MapOptions = {},
  ): AsyncIterableIterator<O> {
    const runner: ChunkRunner<I, O> = {
      label: taskLabel(task),
      concurrency: this.#options.concurrency ?? MAP_CONCURRENCY,
      // A chunk is one job: one Redis round trip for many small inputs.
      check: () => this.#refuse(task),
      runOne: (input, signal) => this.#submit(task, input, false, { signal }) as Promise<O>,
      runChunk: (chunk, signal) => this.#submit(task, chunk, true, { signal }) as Promise<O[]>,
    };
    return mapTasks(runner, inputs as Iterable<I> | AsyncIterable<I>, options);
  }

  stats(): ExecutorStats {
    let queued = 0;
    let running = 0;
    for (const call of this.#calls.values()) {
      if (call.state === 'active') running++;
      else queued++;
    }
    this.#refreshWorkerCount();
    return this.#tally.snapshot(this.backend, this.#workers, queued, running);
  }

  onIdle(): Promise<void> {
    if (this.#calls.size === 0 && !this.#idleScheduled) return Promise.resolve();
    return new Promise((resolve) => this.once('idle', resolve));
  }

  close(): Promise<void> {
    if (this.#destroying) return this.#destroying;
    if (!this.#closing) {
      this.#state = 'closing';
      this.#closing = this.onIdle().then(async () => {
        this.#state = 'closed';
        await this.#closeLink();
      });
    }
    return this.#closing;
  }

  destroy(): Promise<void> {
    if (!this.#destroying) {
      this.#state = 'closed';
      for (const call of [...this.#calls.values()]) {
        const started = call.state === 'active';
        this.#end(call, {
          kind: 'cancelled',
          error: new ExecutorClosedError(
            started ? 'The executor was destroyed while the task ran' : 'The executor was destroyed before the task started',
          ),
        });
        this.#withdraw(call, started);
      }
      this.#destroying = this.onIdle().then(() => this.#closeLink());
    }
    return this.#destroying;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #refuse(task: Task | TaskFunction): Error | undefined {
    const notATask = notATaskProblem(task);
    if (notATask) return notATask;
    if (this.#state !== 'open') {
      return new ExecutorClosedError(`Cannot run task ${taskLabel(task)}: the executor is ${this.#destroying ? 'destroyed' : 'closed'}`);
    }
    if (!isTask(task)) {
      return new TaskNotPortableError(
        `Task ${taskLabel(task)} is a plain function, which cannot travel to another machine: define it with defineTask(module, exportName, traits)`,
      );
    }
    return undefined;
  }

  #submit(task: Task | TaskFunction, input: unknown, batch: boolean, options: RunOptions): Promise<unknown> {
    const refused = this.#refuse(task);
    if (refused) return Promise.reject(refused);
    const label = taskLabel(task);
    // Checked before anything is counted or registered: a refused call leaves nothing for close() to wait on.
    const bad = runOptionsProblem(options, label);
    if (bad) return Promise.reject(bad);
    // Infinity: no timer at all (setTimeout would clamp it to 1 ms), and no limit sent to the worker.
    const limit = options.timeout ?? this.#options.taskTimeout;
    const timeout = limit === Number.POSITIVE_INFINITY ? undefined : limit;
    const retries = options.retries ?? 0;
    let data: JobData;
    try {
      const maxQueue = this.#options.maxQueue ?? Number.POSITIVE_INFINITY;
      // Counting walks every call: only worth it when there is a limit.
      const { queued, running } = maxQueue === Number.POSITIVE_INFINITY ? { queued: 0, running: 0 } : this.stats();
      // Workers' slots are unknown here: `concurrency` is how many this submitter counts on; jobs within it start, not wait.
      const waiting = queued - Math.max(0, (this.#options.concurrency ?? 0) - running);
      if (waiting >= maxQueue) {
        throw new QueueFullError(`Cannot queue task ${label}: ${waiting} tasks are waiting (maxQueue ${maxQueue}) and ${running} running`);
      }
      if (this.#lost) {
        throw new ConnectionLostError(
          `Cannot queue task ${label}: Redis at ${describeConnection(this.#options.connection)} has been unreachable for over ${this.#reconnectTimeout} ms`,
        );
      }
      data = {
        task: toTaskRef(task as Task, this.#root),
        label,
        traits: (task as Task).traits,
        input: encodeValue(input, `input of task ${label}`),
        batch,
        timeout,
        retries,
      };
    } catch (error) {
      return Promise.reject(error);
    }

    const id = this.#nextId++;
    const jobId = `${this.#clientId}-${id}`;
    this.#tally.submitted++;
    return new Promise((resolve, reject) => {
      const call: RemoteCall = {
        id,
        jobId,
        label,
        state: 'waiting',
        added: false,
        timeout,
        queuedAt: performance.now(),
        resolve,
        reject,
        signal: options.signal,
        handleEvent: () => {
          const started = call.state === 'active';
          if (this.#end(call, { kind: 'cancelled', error: call.signal!.reason })) this.#withdraw(call, started);
        },
      };
      this.#calls.set(jobId, call);
      if (call.signal) follow(call.signal, call); // handleEvent at once if it has aborted
      if (!this.#calls.has(jobId)) return;
      this.#connect()
        .then((link) => (this.#calls.has(jobId) ? link.add(label, data, { jobId, priority: options.priority ?? 0, retries }) : undefined))
        .then(
          () => {
            call.added = true;
            // Settled (aborted, destroyed) while the add was on its way: take the job back out.
            if (!this.#calls.has(jobId)) this.#withdraw(call, false);
          },
          (error: unknown) => this.#end(call, { kind: 'failed', error }),
        );
    });
  }

  /** The link to Redis, opened on first use. */
  #connect(): Promise<ClientLink> {
    if (!this.#link) {
      const listener: LinkListener = {
        active: (jobId) => this.#onActive(jobId),
        completed: (jobId, result) => this.#onCompleted(jobId, result),
        failed: (jobId, reason) => void this.#onFailed(jobId, reason),
        stalled: (jobId) => this.#onStalled(jobId),
        lost: () => this.#onLost(),
        reconnected: () => void this.#onReconnected(),
        error: () => undefined, // connection errors surface through `lost`; a task's through its promise
      };
      this.#link = ClientLink.open(this.#options.connection, this.#queueName, this.#reconnectTimeout, listener, this.#opening.signal);
      // A link that cannot open (bullmq missing, Redis silent) fails these runs; the next run tries again.
      this.#link.catch(() => (this.#link = undefined));
    }
    return this.#link;
  }

  #onActive(jobId: string): void {
    const call = this.#calls.get(jobId);
    // A retry or a recovered job is active again: it keeps its first start (and timer).
    if (!call || call.state === 'active') return;
    this.#start(call);
  }

  #start(call: RemoteCall): void {
    call.state = 'active';
    call.startedAt = performance.now();
    this.emit('taskStart', { id: call.id, task: call.label, backend: this.backend });
    if (call.timeout !== undefined) {
      const timeout = call.timeout;
      call.timer = setTimeout(() => {
        if (this.#end(call, { kind: 'failed', error: new TaskTimeoutError(call.label, timeout) })) this.#withdraw(call, true);
      }, timeout);
    }
  }

  #onCompleted(jobId: string, result: JobResult): void {
    const call = this.#calls.get(jobId);
    if (!call) return;
    let ending: Ending;
    try {
      ending = { kind: 'completed', value: decodeValue(result.value), runMs: result.runMs };
    } catch (error) {
      ending = { kind: 'failed', error: new TaskNotPortableError(`Cannot read the result of task ${call.label} (job ${jobId})`, { cause: error }) };
    }
    this.#end(call, ending);
  }

  async #onFailed(jobId: string, reason: string): Promise<void> {
    const call = this.#calls.get(jobId);
    if (!call) return;
    let error: unknown;
    try {
      const encoded = await (await this.#connect()).readError(jobId);
      error = encoded === undefined ? undefined : rebuildRemoteError(decodeError(encoded), call.label, call.timeout);
    } catch {
      error = undefined;
    }
    // No error stored: BullMQ failed the job itself (a worker died more often than retries allow).
    error ??= new WorkerCrashedError(`Task ${call.label} (job ${jobId}) failed on queue '${this.#queueName}': ${reason}`);
    this.#end(call, { kind: 'failed', error });
  }

  #onStalled(jobId: string): void {
    const call = this.#calls.get(jobId);
    if (!call) return;
    this.emit('warning', {
      type: 'worker-lost',
      backend: this.backend,
      task: call.label,
      message: `The worker running task ${call.label} (job ${jobId}) stopped answering; the job went back to the queue`,
    });
  }

  #onLost(): void {
    this.#lost = true;
    const where = describeConnection(this.#options.connection);
    for (const call of [...this.#calls.values()]) {
      this.#end(call, {
        kind: 'failed',
        error: new ConnectionLostError(
          `Redis at ${where} has been unreachable for ${this.#reconnectTimeout} ms: task ${call.label} (job ${call.jobId}) ` +
            'was given up; it may still run when Redis returns',
        ),
      });
    }
  }

  /** After any break: jobs Redis no longer knows (it restarted empty) would never end, so they fail now. */
  async #onReconnected(): Promise<void> {
    this.#lost = false;
    if (!this.#link) return;
    const link = await this.#link;
    for (const call of [...this.#calls.values()]) {
      if (!call.added) continue;
      const state = await link.state(call.jobId).catch(() => 'error');
      if (state === 'unknown' && this.#calls.get(call.jobId) === call) {
        this.#end(call, {
          kind: 'failed',
          error: new ConnectionLostError(
            `Redis at ${describeConnection(this.#options.connection)} came back without job ${call.jobId} (task ${call.label}): ` +
              'it restarted without persistence, so the job is lost',
          ),
        });
      }
    }
  }

  /** Settles a call once; false if it was already settled. */
  #end(call: RemoteCall, ending: Ending): boolean {
    if (this.#calls.get(call.jobId) !== call) return false;
    this.#calls.delete(call.jobId);
    clearTimeout(call.timer);
    if (call.signal) unfollow(call.signal, call);
    const now = performance.now();
    if (ending.kind === 'completed') {
      // The 'active' event can be missed across a reconnect: a result still means the task started.
      if (call.startedAt === undefined) this.#start(call);
      clearTimeout(call.timer);
      // Run time as the worker measured it; wait time is the rest (queue, Redis, the events' trip back).
      const runMs = ending.runMs ?? now - call.startedAt!;
      const waitMs = Math.max(0, now - call.queuedAt - runMs);
      this.#tally.timed(waitMs, runMs);
      this.#tally.completed++;
      this.emit('taskEnd', { id: call.id, task: call.label, backend: this.backend, waitMs, runMs });
      call.resolve(ending.value);
    } else {
      if (call.startedAt !== undefined) this.#tally.timed(call.startedAt - call.queuedAt, now - call.startedAt);
      if (ending.kind === 'cancelled') this.#tally.cancelled++;
      else this.#tally.failed++;
      this.emit('taskError', { id: call.id, task: call.label, backend: this.backend, error: ending.error });
      call.reject(ending.error);
    }
    this.#scheduleIdle();
    return true;
  }

  /**
   * Best effort, in the background: a waiting job is removed from the queue; a
   * running one (or one a worker took meanwhile) gets a cancel message, and
   * the worker aborts it on its local executor.
   */
  #withdraw(call: RemoteCall, started: boolean): void {
    if (!call.added || !this.#link) return;
    const withdrawal = this.#link
      .then(async (link) => {
        if (started || !(await link.remove(call.jobId))) await link.cancel(call.jobId);
      })
      .catch(() => undefined);
    this.#withdrawals.add(withdrawal);
    void withdrawal.finally(() => this.#withdrawals.delete(withdrawal));
  }

  #refreshWorkerCount(): void {
    const now = performance.now();
    if (!this.#link || now - this.#workersAskedAt < WORKER_COUNT_REFRESH_MS || this.#state === 'closed') return;
    this.#workersAskedAt = now;
    void this.#link.then((link) => link.workers()).then((n) => (this.#workers = n), () => undefined);
  }

  async #closeLink(): Promise<void> {
    this.#opening.abort(new ExecutorClosedError('The executor closed before Redis answered'));
    const link = this.#link;
    this.#link = undefined;
    this.#workers = 0;
    // Let removals and cancel messages of destroyed tasks go out first, if Redis answers soon.
    await Promise.race([Promise.all(this.#withdrawals), new Promise((resolve) => setTimeout(resolve, WITHDRAW_GRACE_MS))]);
    if (link) await (await link.catch(() => undefined))?.close();
  }

  /** `idle` on the next turn, so callers' handlers on the last results have run (as the local executors do). */
  #scheduleIdle(): void {
    if (this.#idleScheduled || this.#calls.size > 0) return;
    this.#idleScheduled = true;
    setImmediate(() => {
      this.#idleScheduled = false;
      if (this.#calls.size === 0) this.emit('idle');
    });
  }
}
