/**
 * `createWorker`: takes jobs from a queue and runs each on a local auto
 * executor, so the policy still sends a `cpuBound` task to a child process on
 * this machine. Several workers (on one machine or many) share a queue; BullMQ
 * gives each job to one of them, and puts a job back when its worker dies.
 *
 * Shutdown (close(), or SIGTERM through the CLI): stop taking jobs, let the
 * running ones finish for `shutdownTimeout` ms, then hand the rest back to the
 * queue for another worker, and release the local executor.
 */
import { hostname } from 'node:os';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { EventEmitter } from 'eventemitter3';
import { createExecutor } from '../create-executor.js';
import type { Executor } from '../executor.js';
import { CancelListener } from './cancel-listener.js';
import { redisOptions } from './connection.js';
import { runJob } from './job-runner.js';
import { ModuleRules } from './module-rules.js';
import { Admission } from './admission.js';
import { JobSignal } from './job-signal.js';
import type { Task } from '../task.js';
import { loadDrivers } from './load-drivers.js';
import { ERROR_FIELD, PREFIX, type JobResult } from './protocol.js';
import { resolveWorkerOptions, type WorkerOptions } from './worker-options.js';

/** Stalled jobs are judged by our own budget (`retries`, see job-runner.ts), not by BullMQ's count. */
const NO_STALL_LIMIT = Number.MAX_SAFE_INTEGER;

export interface WorkerEvents {
  /** Redis connection trouble (the worker reconnects by itself). */
  error: [Error];
  /** A job ended; `ok` is false when it failed or was handed back. */
  job: [{ id: string; task: string; ok: boolean }];
}

export interface DistributedWorker extends EventEmitter<WorkerEvents> {
  /** This worker's name in Redis. */
  readonly name: string;
  /** Jobs running now. */
  readonly running: number;
  /** Graceful: stop taking jobs, finish (or after `shutdownTimeout`, hand back) the running ones, release everything. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Cancels of jobs not running here that a worker remembers (see #cancelledEarly); ids are short strings. */
const CANCELS_REMEMBERED = 10_000;

/** A job's label for the `job` event, whatever the job holds (it is checked in job-runner.ts). */
function labelOf(data: unknown): string {
  const label = (data as { label?: unknown } | null)?.label;
  return typeof label === 'string' ? label.slice(0, 200) : '?';
}

export async function createWorker(options: WorkerOptions): Promise<DistributedWorker> {
  const resolved = resolveWorkerOptions(options);
  const drivers = await loadDrivers();
  const executor = createExecutor(resolved.executor);
  const worker = new QueueWorker(resolved.name ?? `${hostname()}:${process.pid}`, executor);
  await worker.start(drivers, resolved);
  return worker;
}

class QueueWorker extends EventEmitter<WorkerEvents> implements DistributedWorker {
  readonly name: string;
  #executor: Executor;
  #bull?: Worker<unknown, JobResult>;
  #cancels?: CancelListener;
  #commands?: Redis;
  /** The jobs running here, each with the signal that stops it (job-signal.ts). */
  #running = new Map<string, JobSignal>();
  /**
   * Cancels heard for jobs not running here. BullMQ moves a job to active
   * (so the submitter can no longer remove it, and publishes a cancel) a
   * moment before it calls our processor: a cancel in that window would be
   * missed, and a job that never ends would hold a slot for ever. Every worker
   * hears every cancel, so this keeps only the most recent ones.
   */
  #cancelledEarly = new Set<string>();
  #handingBack = false;
  #closing?: Promise<void>;
  #shutdownTimeout = 30_000;

  constructor(name: string, executor: Executor) {
    super();
    this.name = name;
    this.#executor = executor;
  }

  get running(): number {
    return this.#running.size;
  }

  async start(drivers: Awaited<ReturnType<typeof loadDrivers>>, options: ReturnType<typeof resolveWorkerOptions>): Promise<void> {
    const context = {
      bullmq: drivers.bullmq,
      executor: this.#executor,
      modules: new ModuleRules(options.root, options.allowModules),
      admit: (task: Task) => admission.take(task),
      handingBack: () => this.#handingBack,
      storeError: (jobId: string, encoded: string) => commands.hset(`${PREFIX}:${options.queue}:${jobId}`, ERROR_FIELD, encoded),
    };
    // Our own connection for the few commands BullMQ does not issue for us (storing an error).
    const commands = new drivers.Redis(redisOptions(options.connection));
    commands.on('error', () => undefined); // reconnects by itself; BullMQ's connection reports trouble
    this.#commands = commands;
    const admission = new Admission(this.#executor, options.concurrency, (limit) => {
      if (!this.#closing) bull.concurrency = limit;
    });
    const cancel = (jobId: string) => this.#running.get(jobId)?.abort(`Job ${jobId} was cancelled by its submitter`);
    const bull = new drivers.bullmq.Worker<unknown, JobResult>(
      options.queue,
      // Two parameters: BullMQ then makes no AbortController per job; ours is cheaper.
      async (job, token) => {
        const signal = new JobSignal();
        this.#running.set(job.id!, signal);
        if (this.#cancelledEarly.delete(job.id!)) cancel(job.id!);
        try {
          const result = await runJob(context, job, token, signal.asSignal());
          // The event object only for someone listening: a tiny job costs little else here.
          if (this.listenerCount('job') > 0) this.emit('job', { id: job.id!, task: labelOf(job.data), ok: true });
          return result;
        } catch (error) {
          if (this.listenerCount('job') > 0) this.emit('job', { id: job.id!, task: labelOf(job.data), ok: false });
          throw error;
        } finally {
          this.#running.delete(job.id!);
        }
      },
      {
        connection: redisOptions(options.connection) as never,
        prefix: PREFIX,
        name: this.name,
        concurrency: options.concurrency,
        // BullMQ's limiter counts in Redis, so the limit holds across every worker of the queue.
        ...(options.rateLimit !== undefined ? { limiter: { max: options.rateLimit.limit, duration: options.rateLimit.intervalMs } } : {}),
        maxStalledCount: NO_STALL_LIMIT,
        ...(options.lockDuration !== undefined ? { lockDuration: options.lockDuration } : {}),
        ...(options.stalledInterval !== undefined ? { stalledInterval: options.stalledInterval } : {}),
        autorun: false,
      },
    );
    bull.on('error', (error) => this.emit('error', error));
    this.#bull = bull;
    this.#cancels = await CancelListener.open(drivers.Redis, options.connection, options.queue, (jobId) => {
      if (this.#running.has(jobId)) cancel(jobId);
      else {
        this.#cancelledEarly.add(jobId);
        if (this.#cancelledEarly.size > CANCELS_REMEMBERED) this.#cancelledEarly.delete(this.#cancelledEarly.values().next().value!);
      }
    });
    await bull.waitUntilReady();
    void bull.run().catch((error: unknown) => this.emit('error', error as Error));
    this.#shutdownTimeout = options.shutdownTimeout;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      const bull = this.#bull!;
      // Not forced: BullMQ stops fetching and waits for the running jobs...
      const closing = bull.close();
      // ...but only so long: then they are aborted and go back to the queue.
      const timer = setTimeout(() => {
        this.#handingBack = true;
        for (const signal of this.#running.values()) signal.abort('The worker is shutting down');
      }, this.#shutdownTimeout);
      try {
        await closing;
      } finally {
        clearTimeout(timer);
        this.#cancels?.close();
        this.#commands?.disconnect();
        await this.#executor.destroy();
      }
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
