/**
 * Distributed backend: throughput with 1 and 2 worker processes against a
 * local redis-server, and the per-job overhead against the local process
 * backend. Medians of 3 repeats. Starts and stops its own Redis and workers.
 *
 *   npx tsup && node --import tsx bench/distributed.ts
 *
 * Both "machines" are processes on this one host, so they share its cores:
 * CPU throughput cannot scale past the core count here; on real machines it adds up.
 */
import { availableParallelism } from 'node:os';
import { createExecutor, defineTask, type Executor } from 'unified-executor';
import { RedisServer } from '../test/distributed/redis.js';
import { WorkerProcess } from '../test/distributed/workers.js';

const TASKS = new URL('../test/fixtures/distributed-tasks.mjs', import.meta.url);
const tiny = defineTask<(n: number) => number>(TASKS, 'tiny');
const spin5 = defineTask<(ms: number) => number>(new URL('../test/fixtures/timing.mjs', import.meta.url), 'spin', { cpuBound: true });

const REPEATS = 3;
const TINY_JOBS = 2000;
const CPU_JOBS = 200;
const LATENCY_JOBS = 200;
/** Jobs a worker runs at once: enough that the worker is never what waits. */
const WORKER_CONCURRENCY = 32;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function throughput(executor: Executor, count: number, run: (i: number) => Promise<unknown>): Promise<number> {
  await Promise.all(Array.from({ length: 20 }, (_, i) => run(i))); // warm: connections, module loads, pools
  const started = performance.now();
  await Promise.all(Array.from({ length: count }, (_, i) => run(i)));
  return count / ((performance.now() - started) / 1000);
}

async function latency(run: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 20; i++) await run(i);
  const started = performance.now();
  for (let i = 0; i < LATENCY_JOBS; i++) await run(i);
  return (performance.now() - started) / LATENCY_JOBS;
}

async function main(): Promise<void> {
  const redis = await RedisServer.start();
  const workers: WorkerProcess[] = [];
  const rows: string[] = [];
  try {
    for (const count of [1, 2]) {
      while (workers.length < count) {
        workers.push(await WorkerProcess.start(redis.url, 'bench', { concurrency: WORKER_CONCURRENCY }));
      }
      const tinyRates: number[] = [];
      const cpuRates: number[] = [];
      for (let r = 0; r < REPEATS; r++) {
        const executor = createExecutor({ backend: 'distributed', connection: redis.url, queue: 'bench' });
        tinyRates.push(await throughput(executor, TINY_JOBS, (i) => executor.run(tiny, i)));
        cpuRates.push(await throughput(executor, CPU_JOBS, () => executor.run(spin5, 5)));
        await executor.close();
      }
      rows.push(`| distributed, ${count} worker${count > 1 ? 's' : ''} | ${median(tinyRates).toFixed(0)} | ${median(cpuRates).toFixed(0)} |`);
    }

    const local: number[] = [];
    const localTiny: number[] = [];
    const localCpu: number[] = [];
    const remote: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const pool = createExecutor({ backend: 'process' });
      local.push(await latency((i) => pool.run(tiny, i)));
      localTiny.push(await throughput(pool, TINY_JOBS, (i) => pool.run(tiny, i)));
      localCpu.push(await throughput(pool, CPU_JOBS, () => pool.run(spin5, 5)));
      await pool.close();
      const executor = createExecutor({ backend: 'distributed', connection: redis.url, queue: 'bench' });
      remote.push(await latency((i) => executor.run(tiny, i)));
      await executor.close();
    }
    rows.push(`| local process backend | ${median(localTiny).toFixed(0)} | ${median(localCpu).toFixed(0)} |`);

    console.log(`Distributed backend (BullMQ ${await bullmqVersion()}, local redis-server, ${availableParallelism()} cores shared by everything)\n`);
    console.log('| executor | tiny tasks/s | 5 ms CPU tasks/s |');
    console.log('|---|---:|---:|');
    for (const row of rows) console.log(row);
    const l = median(local);
    const d = median(remote);
    console.log(`\nOne job at a time (round trip of a tiny task, median of ${REPEATS} x ${LATENCY_JOBS}):`);
    console.log(`  local process backend: ${(l * 1000).toFixed(0)} µs/job`);
    console.log(`  distributed (2 workers up): ${(d * 1000).toFixed(0)} µs/job, i.e. ${((d - l) * 1000).toFixed(0)} µs/job of queue overhead`);
  } finally {
    await Promise.all(workers.map((w) => w.stop('SIGTERM')));
    await redis.stop();
  }
}

async function bullmqVersion(): Promise<string> {
  const { createRequire } = await import('node:module');
  return (createRequire(import.meta.url)('bullmq/package.json') as { version: string }).version;
}

await main();
