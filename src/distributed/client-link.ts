/**
 * The submitter's connections to one queue: a BullMQ `Queue` to add and remove
 * jobs, an EventReader on the queue's event stream, plain Redis reads for
 * reconciling, and the ConnectionWatch. Opened lazily on the first `run`,
 * because `createExecutor` is synchronous and BullMQ is loaded on demand.
 *
 *   run -> add (addBulk per turn) -> Redis -> worker -> event stream -> EventReader -> caller
 *                                          \-> job hash (kept until read) -> reconcile -> caller
 */
import type { BulkJobOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ConnectionLostError } from '../errors.js';
import { ConnectionWatch, describeConnection, redisOptions } from './connection.js';
import { EventReader, type StreamListener } from './event-reader.js';
import { loadDrivers } from './load-drivers.js';
import { cancelChannel, ERROR_FIELD, PREFIX, type JobData } from './protocol.js';

export interface LinkListener extends StreamListener {
  /** Redis has been unreachable for `reconnectTimeout` ms. */
  lost(): void;
  /** Redis answers again after a break of any length. */
  reconnected(): void;
  error(error: Error): void;
}

export interface AddOptions {
  jobId: string;
  priority: number;
  retries: number;
  /** ms between runs; undefined: exponential from 100 ms with full jitter. */
  retryDelay: number | undefined;
}

/** Told once whether its job reached Redis (a RemoteCall: no promise per job). */
export interface AddWaiter {
  onAdded(error?: unknown): void;
}

/** What Redis holds of a job the submitter waits on. */
export type JobState =
  | { state: 'missing' }
  | { state: 'pending'; started: boolean }
  | { state: 'completed'; returnvalue: string }
  | { state: 'failed'; reason: string; error?: string };

/**
 * How long close() waits for BullMQ to close a connection before dropping it:
 * closing politely needs Redis to answer, and it may be the thing that is gone.
 */
const CLOSE_GRACE_MS = 1000;
/**
 * Without `retryDelay`: the first retry waits up to this long, then up to
 * twice as long each time (BullMQ's exponential backoff, `jitter: 1`: a
 * uniform draw below the bound, as the local default; BullMQ has no cap).
 */
const RETRY_BACKOFF_MS = 100;
/** Failed jobs stay in Redis this long for inspection (dashboards, `Job.fromId`), s. */
const KEEP_FAILED_S = 24 * 3600;
/**
 * Completed jobs stay until their submitter has read them (it then deletes
 * them, see forget); this only bounds what a submitter that died leaves, s.
 */
const KEEP_UNREAD_S = 24 * 3600;
/** Options every job shares (BullMQ copies, never changes, them). */
const EXPONENTIAL_BACKOFF = { type: 'exponential', delay: RETRY_BACKOFF_MS, jitter: 1 } as const;
// Kept until the submitter has read the result (forget), not deleted on
// completion: a result whose event was trimmed from the stream would be lost.
const KEEP_COMPLETED = { age: KEEP_UNREAD_S } as const;
const KEEP_FAILED = { age: KEEP_FAILED_S } as const;
/** Jobs read per pipeline when reconciling. */
const RECONCILE_CHUNK = 1000;

export class ClientLink {
  #redis: Redis;
  #queue: Queue;
  #reader: EventReader;
  #watch: ConnectionWatch;
  #queueName: string;
  /** Jobs added in this turn of the event loop: one addBulk (one round trip) for all of them. */
  #adds: { name: string; data: JobData; opts: BulkJobOptions }[] = [];
  #addWaiters: AddWaiter[] = [];
  /** Completed jobs read in this turn: deleted together. */
  #forgets: string[] = [];

  private constructor(redis: Redis, queue: Queue, reader: EventReader, watch: ConnectionWatch, queueName: string) {
    this.#redis = redis;
    this.#queue = queue;
    this.#reader = reader;
    this.#watch = watch;
    this.#queueName = queueName;
  }

  /**
   * Resolves once Redis answers; rejects with ConnectionLostError when it does
   * not within `reconnectTimeout`, or with `signal.reason` when the executor
   * closes meanwhile.
   */
  static async open(
    connection: unknown,
    queueName: string,
    jobIdPrefix: string,
    reconnectTimeout: number,
    on: LinkListener,
    signal: AbortSignal,
  ): Promise<ClientLink> {
    const { bullmq, Redis } = await loadDrivers();
    const redis = new Redis(redisOptions(connection));
    redis.on('error', () => undefined); // reported through the watch; an unhandled 'error' would crash the process
    // BullMQ objects are created only once Redis has answered: their close() waits
    // for a connection that was ready once, so with a Redis that never came it
    // would hang and leave ioredis reconnecting for ever (BullMQ 6.7).
    try {
      await firstReady(redis, reconnectTimeout, signal, connection);
    } catch (error) {
      redis.disconnect();
      throw error;
    }
    let wasDown = false;
    redis.on('close', () => (wasDown = true));
    redis.on('ready', () => {
      if (wasDown) on.reconnected();
      wasDown = false;
    });
    const watch = new ConnectionWatch(redis, reconnectTimeout, () => on.lost(), () => undefined);
    const queue = new bullmq.Queue(queueName, { connection: redis, prefix: PREFIX });
    queue.on('error', (error) => on.error(error));
    // Read the event stream from its current end, fixed *before* the first job is
    // added: from '$' a job finishing before the first XREAD would be missed.
    // With Redis away, '0-0' (from the start) is merely wasteful: other
    // submitters' events are skipped, and reconciling covers the rest.
    const key = `${PREFIX}:${queueName}:events`;
    let lastEventId = '0-0';
    try {
      const last = await Promise.race([
        redis.xrevrange(key, '+', '-', 'COUNT', 1),
        new Promise<never>((_, reject) => setTimeout(reject, CLOSE_GRACE_MS).unref()),
      ]);
      if (last[0]) lastEventId = last[0][0];
    } catch {
      // Redis is not there (yet).
    }
    const blocking = new Redis(redisOptions(connection));
    blocking.on('error', () => undefined); // the watch on the main connection reports trouble
    const reader = new EventReader(blocking, key, jobIdPrefix, lastEventId, on);
    return new ClientLink(redis, queue, reader, watch, queueName);
  }

  get lost(): boolean {
    return this.#watch.lost;
  }

  /** `waiter` hears once the job is in Redis. Jobs added in the same turn go in one addBulk. */
  add(name: string, data: JobData, options: AddOptions, waiter: AddWaiter): void {
    this.#adds.push({
      name,
      data,
      opts: {
        jobId: options.jobId,
        // BullMQ: 1 is the highest priority; ours: higher runs sooner, 0 by default.
        // Every job gets one, so that all of them are ordered in the same set.
        priority: Math.min(2_097_152, Math.max(1, 1_048_576 - Math.round(options.priority))),
        attempts: options.retries + 1,
        backoff: options.retryDelay === undefined ? EXPONENTIAL_BACKOFF : { type: 'fixed', delay: options.retryDelay },
        removeOnComplete: KEEP_COMPLETED,
        removeOnFail: KEEP_FAILED,
      },
    });
    if (this.#addWaiters.push(waiter) === 1) setImmediate(() => this.#flushAdds());
  }

  #flushAdds(): void {
    const jobs = this.#adds;
    const waiters = this.#addWaiters;
    this.#adds = [];
    this.#addWaiters = [];
    const added = jobs.length === 1 ? this.#queue.add(jobs[0]!.name, jobs[0]!.data, jobs[0]!.opts) : this.#queue.addBulk(jobs);
    added.then(
      () => {
        for (const waiter of waiters) waiter.onAdded();
      },
      (error: unknown) => {
        for (const waiter of waiters) waiter.onAdded(error ?? new Error('the add failed'));
      },
    );
  }

  /** The submitter has read this completed job: delete it (with jobs read in the same turn). */
  forget(jobId: string): void {
    if (this.#forgets.push(jobId) === 1) setImmediate(() => this.#flushForgets());
  }

  #flushForgets(): void {
    const ids = this.#forgets;
    this.#forgets = [];
    const base = `${PREFIX}:${this.#queueName}:`;
    // What BullMQ's removeOnComplete deletes for a finished job without children:
    // its hash, its logs and its entry in the completed set.
    const keys = ids.flatMap((id) => [base + id, `${base + id}:logs`]);
    void this.#redis
      .pipeline()
      .zrem(`${base}completed`, ...ids)
      .del(...keys)
      .exec()
      .catch(() => undefined); // Redis away: the age bound removes them later
  }

  /** Reads what Redis holds of each job, one pipeline per thousand jobs. */
  async states(jobIds: string[]): Promise<Map<string, JobState>> {
    const base = `${PREFIX}:${this.#queueName}:`;
    const states = new Map<string, JobState>();
    for (let i = 0; i < jobIds.length; i += RECONCILE_CHUNK) {
      const chunk = jobIds.slice(i, i + RECONCILE_CHUNK);
      const pipeline = this.#redis.pipeline();
      for (const id of chunk) pipeline.hmget(base + id, 'timestamp', 'finishedOn', 'returnvalue', 'failedReason', 'processedOn', ERROR_FIELD);
      const replies = (await pipeline.exec()) ?? [];
      chunk.forEach((id, n) => {
        const [error, fields] = replies[n] ?? [new Error('no reply'), null];
        if (error) return;
        const [timestamp, finishedOn = null, returnvalue = null, failedReason, processedOn = null, encodedError] = fields as (string | null)[];
        if (timestamp === undefined) return;
        if (timestamp === null) states.set(id, { state: 'missing' });
        else if (finishedOn === null) states.set(id, { state: 'pending', started: processedOn !== null });
        else if (returnvalue !== null) states.set(id, { state: 'completed', returnvalue });
        else states.set(id, { state: 'failed', reason: failedReason ?? '', ...(encodedError ? { error: encodedError } : {}) });
      });
    }
    return states;
  }

  /** Removes a job that has not started; false if a worker holds it (or it is gone). */
  async remove(jobId: string): Promise<boolean> {
    try {
      return (await this.#queue.remove(jobId)) === 1;
    } catch {
      return false;
    }
  }

  /** Asks whichever worker runs the job to stop it (best effort: pub/sub, no acknowledgement). */
  async cancel(jobId: string): Promise<void> {
    await this.#redis.publish(cancelChannel(PREFIX, this.#queueName), jobId);
  }

  /** The encoded error a worker stored on a failed job, if any. */
  async readError(jobId: string): Promise<string | undefined> {
    return (await this.#redis.hget(`${PREFIX}:${this.#queueName}:${jobId}`, ERROR_FIELD)) ?? undefined;
  }

  /** What a worker stored of a failed run that BullMQ retries: its encoded error, and the backoff it waits. */
  async readRetry(jobId: string): Promise<{ error?: string; delayMs?: number }> {
    const [error, delay] = await this.#redis.hmget(`${PREFIX}:${this.#queueName}:${jobId}`, ERROR_FIELD, 'delay');
    return { ...(error ? { error } : {}), ...(delay ? { delayMs: Number(delay) } : {}) };
  }

  /** BullMQ's queue pause: no worker anywhere takes a job of this queue until resume(). */
  async pause(): Promise<void> {
    await this.#queue.pause();
  }

  async resume(): Promise<void> {
    await this.#queue.resume();
  }

  workers(): Promise<number> {
    return this.#queue.getWorkersCount();
  }

  /** Polite when Redis answers, forced when it does not; never waits more than a second per connection. */
  async close(): Promise<void> {
    this.#watch.stop();
    this.#reader.close();
    if (this.#forgets.length > 0) this.#flushForgets();
    await withGrace(this.#queue.close(), () => undefined);
    this.#redis.disconnect();
  }
}

async function withGrace(closing: Promise<unknown>, force: () => unknown): Promise<void> {
  closing.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), CLOSE_GRACE_MS)));
  const outcome = await Promise.race([closing.then(() => 'closed' as const, () => 'closed' as const), late]);
  clearTimeout(timer);
  // Forcing is not awaited either: after a Redis restart BullMQ's disconnect() can wait for ever.
  if (outcome === 'late') void Promise.resolve().then(force).catch(() => undefined);
}

function firstReady(redis: Redis, timeout: number, signal: AbortSignal, connection: unknown): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const settle = (error?: unknown) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      signal.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onReady = () => settle();
    const onAbort = () => settle(signal.reason);
    const timer = setTimeout(
      () => settle(new ConnectionLostError(`Redis at ${describeConnection(connection)} did not answer within ${timeout} ms`)),
      timeout,
    );
    redis.once('ready', onReady);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
