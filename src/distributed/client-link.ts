/**
 * The submitter's connections to one queue: a BullMQ `Queue` to add and remove
 * jobs, a `QueueEvents` reader that reports every job's progress, and the
 * ConnectionWatch. Opened lazily on the first `run`, because `createExecutor`
 * is synchronous and BullMQ is loaded on demand.
 *
 *   run -> add(job) -> Redis -> worker -> Redis event stream -> QueueEvents -> on.completed/failed -> caller
 */
import type { ConnectionOptions, Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { ConnectionLostError } from '../errors.js';
import { ConnectionWatch, describeConnection, redisOptions } from './connection.js';
import { loadDrivers } from './load-drivers.js';
import { cancelChannel, PREFIX, type JobData, type JobResult } from './protocol.js';

export interface LinkListener {
  active(jobId: string): void;
  completed(jobId: string, result: JobResult): void;
  failed(jobId: string, reason: string): void;
  /** A job's worker died; BullMQ put it back in the queue. */
  stalled(jobId: string): void;
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
}

/**
 * How long close() waits for BullMQ to close a connection before dropping it:
 * closing politely needs Redis to answer, and it may be the thing that is gone.
 */
const CLOSE_GRACE_MS = 1000;
/** The first retry after a thrown error waits this long, then doubles (BullMQ exponential backoff). */
const RETRY_BACKOFF_MS = 100;
/** Failed jobs stay in Redis this long for inspection (dashboards, `Job.fromId`), ms. */
const KEEP_FAILED_S = 24 * 3600;

export class ClientLink {
  #redis: Redis;
  #queue: Queue;
  #events: QueueEvents;
  #watch: ConnectionWatch;
  #queueName: string;

  private constructor(redis: Redis, queue: Queue, events: QueueEvents, watch: ConnectionWatch, queueName: string) {
    this.#redis = redis;
    this.#queue = queue;
    this.#events = events;
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
    // added: with BullMQ's default '$' a job finishing before the first XREAD is lost.
    // Not for ever, though: with Redis away, '0-0' (read the stream from its start) is
    // merely wasteful, since events of other submitters' jobs are ignored anyway.
    let lastEventId = '0-0';
    try {
      const last = await Promise.race([
        redis.xrevrange(`${PREFIX}:${queueName}:events`, '+', '-', 'COUNT', 1),
        new Promise<never>((_, reject) => setTimeout(reject, CLOSE_GRACE_MS).unref()),
      ]);
      if (last[0]) lastEventId = last[0][0];
    } catch {
      // Redis is not there (yet).
    }
    const events = new bullmq.QueueEvents(queueName, {
      // ioredis' and BullMQ's option types differ only in detail; these come from redisOptions().
      connection: redisOptions(connection) as ConnectionOptions,
      prefix: PREFIX,
      lastEventId,
      // Short blocking reads so close() does not wait out a 10 s XREAD.
      blockingTimeout: 1000,
    });
    events.on('error', (error) => on.error(error));
    events.on('active', ({ jobId }) => on.active(jobId));
    events.on('completed', ({ jobId, returnvalue }) => {
      const result = (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as JobResult;
      on.completed(jobId, result);
    });
    events.on('failed', ({ jobId, failedReason }) => on.failed(jobId, failedReason));
    events.on('stalled', ({ jobId }) => on.stalled(jobId));
    return new ClientLink(redis, queue, events, watch, queueName);
  }

  get lost(): boolean {
    return this.#watch.lost;
  }

  async add(name: string, data: JobData, options: AddOptions): Promise<void> {
    await this.#queue.add(name, data, {
      jobId: options.jobId,
      // BullMQ: 1 is the highest priority; ours: higher runs sooner, 0 by default.
      // Every job gets one, so that all of them are ordered in the same set.
      priority: Math.min(2_097_152, Math.max(1, 1_048_576 - Math.round(options.priority))),
      attempts: options.retries + 1,
      backoff: { type: 'exponential', delay: RETRY_BACKOFF_MS },
      // The result travels in the 'completed' event: the job itself is not needed after.
      removeOnComplete: true,
      removeOnFail: { age: KEEP_FAILED_S, count: 10_000 },
    });
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
    const job = (await this.#queue.getJob(jobId)) as Job<JobData> | undefined;
    return job?.data?.error;
  }

  /** 'unknown' when Redis no longer has the job (e.g. it restarted without persistence). */
  async state(jobId: string): Promise<string> {
    return this.#queue.getJobState(jobId);
  }

  workers(): Promise<number> {
    return this.#queue.getWorkersCount();
  }

  /** Polite when Redis answers, forced when it does not; never waits more than a second per connection. */
  async close(): Promise<void> {
    this.#watch.stop();
    await Promise.all([
      withGrace(this.#events.close(), () => this.#events.disconnect()),
      withGrace(this.#queue.close(), () => undefined),
    ]);
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
