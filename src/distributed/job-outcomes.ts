/**
 * What Redis says of the submitter's jobs, turned into the core's calls:
 *
 *   'active'    -> call.markStarted(): the core's taskStart, timeout, `running`
 *   'progress'  -> call.progress() for each value, while the call is live
 *   'completed' -> decode the result -> resolve, then delete the job (kept until read)
 *   'failed'    -> read the encoded error off the job -> reject
 *   retrying    -> call.retried() with the stored error and BullMQ's delay
 *   'stalled'   -> a `worker-lost` warning (BullMQ puts the job back)
 *
 * Both paths land here: the event stream (the fast one) and reconciling
 * (reconcile.ts), so each outcome settles its call once (RemoteCalls.end).
 */
import type { EventEmitter } from 'eventemitter3';
import { TaskNotPortableError, WorkerCrashedError } from '../errors.js';
import type { ExecutorEvents } from '../executor.js';
import type { ClientLink } from './client-link.js';
import { decodeError, decodeValue } from './codec.js';
import { isProgressUpdate } from './progress-relay.js';
import type { JobResult } from './protocol.js';
import type { RemoteCall, RemoteCalls } from './remote-call.js';
import { rebuildRemoteError } from './remote-error.js';

export interface OutcomeContext {
  calls: RemoteCalls;
  events: EventEmitter<ExecutorEvents>;
  queueName: string;
  /** The link when it is open, without opening one (a read job is forgotten only through an open link). */
  openLink(): ClientLink | undefined;
  /** The link, opened if need be (reading a stored error). */
  connect(): Promise<ClientLink>;
}

export class JobOutcomes {
  #context: OutcomeContext;
  #calls: RemoteCalls;

  constructor(context: OutcomeContext) {
    this.#context = context;
    this.#calls = context.calls;
  }

  active(jobId: string): void {
    const remote = this.#calls.get(jobId);
    // A retry or a recovered job is active again: it keeps its first start (and the core its timer).
    if (!remote || remote.state === 'active') return;
    remote.state = 'active';
    // After the core has taken the results that came in the same read of the
    // event stream (their promise reactions are queued before this), so a
    // `taskEnd` comes before the next `taskStart`, as on the pools.
    queueMicrotask(() => {
      if (this.#calls.live(remote)) remote.call.markStarted();
    });
  }

  /** `ctx.progress()` values of a job (JSON text of a ProgressUpdate), in order, while its call is live: after its result or abort, none. */
  progress(jobId: string, data: string): void {
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

  completed(jobId: string, returnvalue: string): void {
    const remote = this.#calls.get(jobId);
    if (!remote) {
      // Ours, but its caller moved on (abort, timeout) or a reconcile read it first: it may go now.
      this.#context.openLink()?.forget(jobId);
      return;
    }
    let result: JobResult;
    let value: unknown;
    try {
      result = JSON.parse(returnvalue) as JobResult;
      value = decodeValue(result.value);
    } catch (error) {
      this.#finish(remote, false, new TaskNotPortableError(`Cannot read the result of task ${remote.call.label} (job ${jobId})`, { cause: error }));
      return;
    }
    // Started when the worker says it did, so the run time is the job's: its
    // 'active' may have come in this same read, late, or not at all (a reconnect).
    if (typeof result.runMs === 'number') remote.call.markStarted(performance.now() - result.runMs);
    // Read: the job may go (it was kept in Redis for this moment only).
    if (this.#finish(remote, true, value)) this.#context.openLink()?.forget(jobId);
  }

  /** `encoded`: the stored error when the caller (reconcile) read it already. */
  async failed(jobId: string, reason: string, encoded?: string): Promise<void> {
    const remote = this.#calls.get(jobId);
    if (!remote) return;
    const { label, timeout } = remote.call;
    let error: unknown;
    try {
      encoded ??= await (await this.#context.connect()).readError(jobId);
      error = encoded === undefined ? undefined : rebuildRemoteError(decodeError(encoded), label, timeout);
    } catch {
      error = undefined;
    }
    // No error stored: BullMQ failed the job itself (a worker died more often than retries allow).
    error ??= new WorkerCrashedError(`Task ${label} (job ${jobId}) failed on queue '${this.#context.queueName}': ${reason}`);
    // A job fails on a worker: it started, even if its 'active' came late or not at all
    // (under load the stream can deliver it after this), so taskStart and `running` count it.
    if (this.#calls.live(remote)) remote.call.markStarted();
    this.#finish(remote, false, error);
  }

  /** Redis no longer has the job: settles the call with `error` (nothing to take back). */
  missing(remote: RemoteCall, error: unknown): void {
    this.#finish(remote, false, error);
  }

  stalled(jobId: string): void {
    const remote = this.#calls.get(jobId);
    if (!remote) return;
    const label = remote.call.label;
    this.#context.events.emit('warning', {
      type: 'worker-lost',
      backend: 'distributed',
      task: label,
      message: `The worker running task ${label} (job ${jobId}) stopped answering; the job went back to the queue`,
    });
  }

  /**
   * BullMQ will run a failed job again (its backoff, or at once): taskRetry,
   * with the error the worker stored and the delay BullMQ chose.
   */
  async retrying(jobId: string, until: number | undefined): Promise<void> {
    const remote = this.#calls.get(jobId);
    if (!remote) return;
    const attempt = ++remote.retried;
    let error: unknown;
    let delayMs = 0;
    try {
      const link = await this.#context.connect();
      const stored = await link.readRetry(jobId);
      if (stored.error !== undefined) error = rebuildRemoteError(decodeError(stored.error), remote.call.label, remote.call.timeout);
      // A fixed delay is the one given; BullMQ's exponential one is on the job (until the next run resets it).
      // (read late, it may be 0 again: then what is left of the wait is the best there is).
      if (until !== undefined) delayMs = remote.retryDelay ?? (stored.delayMs || Math.max(0, until - Date.now()));
    } catch {
      // Redis away: the retry still happens; the event says less.
    }
    if (this.#calls.live(remote)) remote.call.retried?.(attempt, error, delayMs);
  }

  /** Settled by what Redis holds: its job is done or gone, so nothing is withdrawn (see the backend's `added`). */
  #finish(remote: RemoteCall, ok: boolean, outcome: unknown): boolean {
    if (!this.#calls.live(remote)) return false;
    remote.finished = true;
    return this.#calls.end(remote, ok, outcome);
  }
}
