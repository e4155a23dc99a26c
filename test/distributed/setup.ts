/** What every distributed test file shares: Redis, the tasks, a queue inspector. */
import { Queue } from 'bullmq';
import { defineTask } from 'unified-executor';
import { redisInstalled } from './redis.js';

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
