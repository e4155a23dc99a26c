/**
 * Distributed backend: throughput with 1 and 2 worker processes against a
 * local redis-server, and the per-job overhead against the local process
 * backend. Medians of 3 repeats (1 in quick mode). Starts and stops its own
 * Redis and workers. `npm run bench` runs it as section 6 when redis-server is
 * installed; alone:
 *
 *   npx tsup && node --import tsx bench/distributed.ts [--quick]
 *
 * Both "machines" are processes on this one host, so they share its cores:
 * CPU throughput cannot scale past the core count here; on real machines it adds up.
 */
import { availableParallelism } from 'node:os';
import { createExecutor, defineTask, type Executor } from 'unified-executor';
import { RedisServer, redisInstalled } from '../test/distributed/redis.js';
import { WorkerProcess } from '../test/distributed/workers.js';

const TASKS = new URL('../test/fixtures/distributed-tasks.mjs', import.meta.url);
const tiny = defineTask<(n: number) => number>(TASKS, 'tiny');
const spin5 = defineTask<(ms: number) => number>(new URL('../test/fixtures/timing.mjs', import.meta.url), 'spin', { cpuBound: true });

interface Sizes {
  repeats: number;
  tinyJobs: number;
  cpuJobs: number;
  latencyJobs: number;
}
const FULL: Sizes = { repeats: 3, tinyJobs: 2000, cpuJobs: 200, latencyJobs: 200 };
/** Quick: proves the path works end to end in a few seconds; rough numbers. */
const QUICK: Sizes = { repeats: 1, tinyJobs: 300, cpuJobs: 40, latencyJobs: 40 };
/** Jobs a worker runs at once: enough that the worker is never what waits. */
const WORKER_CONCURRENCY = 32;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function throughput(executor: Executor, count: number, run: (i: number) => Promise<unknown>): Promise<number> {
  await Promise.all(Array.from({ length: 20 }, (_, i) => run(i))); // warm: connections, module loads, pools
  const started = performance.now();
  await Promise.all(Array.from({ length: count }, (_, i) => run(i)));
  return count / ((performance.now() - started) / 1000);
}

async function latency(jobs: number, run: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 20; i++) await run(i);
  const started = performance.now();
  for (let i = 0; i < jobs; i++) await run(i);
  return (performance.now() - started) / jobs;
}

/** The section as Markdown; an empty string when redis-server is not installed. */
export async function distributedSection(quick: boolean): Promise<string> {
  if (!redisInstalled()) return '';
  const { repeats: REPEATS, tinyJobs: TINY_JOBS, cpuJobs: CPU_JOBS, latencyJobs: LATENCY_JOBS } = quick ? QUICK : FULL;
  const out: string[] = [];
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
      local.push(await latency(LATENCY_JOBS, (i) => pool.run(tiny, i)));
      localTiny.push(await throughput(pool, TINY_JOBS, (i) => pool.run(tiny, i)));
      localCpu.push(await throughput(pool, CPU_JOBS, () => pool.run(spin5, 5)));
      await pool.close();
      const executor = createExecutor({ backend: 'distributed', connection: redis.url, queue: 'bench' });
      remote.push(await latency(LATENCY_JOBS, (i) => executor.run(tiny, i)));
      await executor.close();
    }
    rows.push(`| local process backend | ${median(localTiny).toFixed(0)} | ${median(localCpu).toFixed(0)} |`);

    out.push(
      `Distributed backend: BullMQ ${await bullmqVersion()}, a local redis-server, worker concurrency ${WORKER_CONCURRENCY}, ` +
        `median of ${REPEATS}; the workers share this machine's ${availableParallelism()} cores, so CPU throughput cannot scale here.\n`,
    );
    out.push('| executor | tiny tasks/s | 5 ms CPU tasks/s |');
    out.push('|---|---:|---:|');
    out.push(...rows);
    const l = median(local);
    const d = median(remote);
    out.push(
      `\nOne tiny job at a time: ${(l * 1000).toFixed(0)} µs on the local process backend, ${(d * 1000).toFixed(0)} µs distributed ` +
        `(2 workers up): **${((d - l) * 1000).toFixed(0)} µs of queue overhead per job**.`,
    );
    return out.join('\n') + '\n';
  } finally {
    await Promise.all(workers.map((w) => w.stop('SIGTERM')));
    await redis.stop();
  }
}

async function bullmqVersion(): Promise<string> {
  const { createRequire } = await import('node:module');
  return (createRequire(import.meta.url)('bullmq/package.json') as { version: string }).version;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const section = await distributedSection(process.argv.includes('--quick'));
  console.log(section || 'redis-server is not installed (run .ci/install-redis.sh)');
}
