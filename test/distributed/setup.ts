/** What every distributed test file shares: Redis, the tasks, a queue inspector, the per-file fixture. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createExecutor, defineTask, type Executor, type ExecutorOptions } from 'unified-executor';
import { RedisServer, redisInstalled } from './redis.js';
import { WorkerProcess } from './workers.js';

export const HAVE_REDIS = redisInstalled();
if (!HAVE_REDIS) {
  console.warn('test/distributed: skipped because redis-server is not installed (run .ci/install-redis.sh)');
}

const fixture = (file: string) => new URL(`../fixtures/${file}`, import.meta.url);

export const whereAmI = defineTask<(x: unknown) => { pid: number; ppid: number; input: unknown }>(fixture('distributed-tasks.mjs'), 'whereAmI');
export const slowRecorded = defineTask<<T>(x: { ms: number; log: string; tag: string; value: T }) => Promise<T>>(
  fixture('distributed-tasks.mjs'),
  'slowRecorded',
);
/** The same, on the worker's process pool (cpuBound): logs the child's pid. */
export const slowRecordedCpu = defineTask<<T>(x: { ms: number; log: string; tag: string; value: T }) => Promise<T>>(
  fixture('distributed-tasks.mjs'),
  'slowRecorded',
  { cpuBound: true },
);
export const moduleUrl = defineTask<() => string>(fixture('distributed-tasks.mjs'), 'moduleUrl');
export const spin = defineTask<(ms: number) => number>(fixture('timing.mjs'), 'spin', { cpuBound: true });

/** Jobs BullMQ holds for a queue, by state (what a dashboard would show). */
export async function jobCounts(url: string, queue: string): Promise<Record<string, number>> {
  const { hostname, port } = new URL(url);
  const inspector = new Queue(queue, { connection: { host: hostname, port: Number(port), maxRetriesPerRequest: null } });
  try {
    return await inspector.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed');
  } finally {
    await inspector.close();
  }
}

/** Polls `check` every 25 ms until it returns true or `ms` pass (generous: the machine may be loaded). */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * The Redis, executors and worker processes of one distributed test file: a
 * redis-server for the file (and a temp directory, if asked), and whatever a
 * test starts through it destroyed or SIGKILLed after that test. Call it in a
 * `describe` body: it registers the hooks.
 */
export interface DistributedFixture {
  readonly redis: RedisServer;
  readonly url: string;
  /** The file's temp directory (`tempDir` given), removed at the end. */
  readonly dir: string;
  /** An executor on `queue`, destroyed after the test; `url`: another Redis (a test's own). */
  executor(queue: string, options?: Partial<ExecutorOptions>, url?: string): Executor;
  /** A worker process on `queue` (see workers.ts), SIGKILLed after the test. */
  worker(queue: string, options?: Record<string, unknown>, url?: string): Promise<WorkerProcess>;
  /** SIGKILLs the test's workers now (before the test stops a Redis of its own, say). */
  stopWorkers(): Promise<void>;
}

export function distributedFixture(tempDir?: string): DistributedFixture {
  let redis: RedisServer | undefined;
  let dir: string | undefined;
  let executors: Executor[] = [];
  let workers: WorkerProcess[] = [];
  beforeAll(async () => {
    redis = await RedisServer.start();
    if (tempDir) dir = mkdtempSync(join(tmpdir(), tempDir));
  });
  const stopWorkers = async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
  };
  afterEach(async () => {
    await Promise.all(executors.map((e) => e.destroy()));
    await stopWorkers();
    executors = [];
    workers = [];
  });
  afterAll(async () => {
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const fixture: DistributedFixture = {
    get redis() {
      return redis!;
    },
    get url() {
      return redis!.url;
    },
    get dir() {
      return dir!;
    },
    executor(queue, options = {}, url = fixture.url) {
      const executor = createExecutor({ backend: 'distributed', connection: url, queue, ...options });
      executors.push(executor);
      return executor;
    },
    async worker(queue, options = {}, url = fixture.url) {
      const worker = await WorkerProcess.start(url, queue, options);
      workers.push(worker);
      return worker;
    },
    stopWorkers,
  };
  return fixture;
}
