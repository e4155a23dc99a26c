/**
 * Distributed backend against raw BullMQ (issue 17): the same redis-server,
 * two worker processes of concurrency 32 on each side, the same jobs, run
 * alternately, medians of 3 repeats (1 in quick mode).
 *
 * - raw: `Queue.addBulk` / `Queue.add` + `Worker` with the processor inline
 *   (bench/peers/bullmq-worker.mjs), completion read from `QueueEvents` as a
 *   BullMQ user would (`job.waitUntilFinished`);
 * - ours: `executor.run` on `backend: 'distributed'` + `createWorker` (the
 *   task resolved under the worker's root and run on its local auto executor).
 *
 * Rows: 5,000 tiny jobs in flight (throughput), one tiny job at a time
 * (latency p50), 400 x 5 ms CPU jobs (throughput; ours also as `cpuBound`,
 * which goes to the worker's process pool). The workers share this machine's
 * cores, so CPU throughput cannot scale here. Starts and stops its own Redis
 * and workers. `npm run bench` runs it as section 6 when redis-server is
 * installed; alone:
 *
 *   npx tsup && node --import tsx bench/distributed.ts [--quick]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import { createExecutor, defineTask, type Executor } from 'unified-executor';
import { RedisServer, redisInstalled } from '../test/distributed/redis.js';
import { WorkerProcess } from '../test/distributed/workers.js';

const TASKS = new URL('../test/fixtures/distributed-tasks.mjs', import.meta.url);
const TIMING = new URL('../test/fixtures/timing.mjs', import.meta.url);
const tiny = defineTask<(n: number) => number>(TASKS, 'tiny');
const spin = defineTask<(ms: number) => number>(TIMING, 'spin');
const spinCpuBound = defineTask<(ms: number) => number>(TIMING, 'spin', { cpuBound: true });
const RAW_WORKER = fileURLToPath(new URL('./peers/bullmq-worker.mjs', import.meta.url));

interface Sizes {
  repeats: number;
  tinyJobs: number;
  cpuJobs: number;
  latencyJobs: number;
}
const FULL: Sizes = { repeats: 3, tinyJobs: 5000, cpuJobs: 400, latencyJobs: 300 };
/** Quick: proves every row runs end to end in seconds; rough numbers. */
const QUICK: Sizes = { repeats: 1, tinyJobs: 500, cpuJobs: 40, latencyJobs: 40 };
export const WORKERS = 2;
export const WORKER_CONCURRENCY = 32;
/** A side that has not finished a row in this long failed it (a lost result would hang). */
const ROW_TIMEOUT_MS = 120_000;

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ROW_TIMEOUT_MS} ms`)), ROW_TIMEOUT_MS);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Jobs per second for `count` jobs started at once. */
async function rate(count: number, all: (count: number) => Promise<unknown>, what: string): Promise<number> {
  await bounded(all(Math.min(50, count)), `${what} (warm-up)`);
  const started = performance.now();
  await bounded(all(count), what);
  return count / ((performance.now() - started) / 1000);
}

/** Median ms per job, one at a time. */
export async function latency(count: number, one: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 20; i++) await one(i);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await one(i);
    times.push(performance.now() - started);
  }
  return median(times);
}

/** Raw BullMQ's side: its queue, its event reader, its worker processes. */
export class RawSide {
  readonly queue: Queue;
  readonly events: QueueEvents;
  readonly children: ChildProcess[] = [];

  constructor(url: string, name: string) {
    const { hostname, port } = new URL(url);
    const connection = { host: hostname, port: Number(port), maxRetriesPerRequest: null };
    this.queue = new Queue(name, { connection });
    // waitUntilFinished adds a listener per job: thousands at once are expected here.
    this.queue.setMaxListeners(0);
    this.events = new QueueEvents(name, { connection });
  }

  async start(url: string, name: string): Promise<void> {
    await this.events.waitUntilReady();
    for (let i = 0; i < WORKERS; i++) {
      const child = spawn(process.execPath, [RAW_WORKER, url, name, String(WORKER_CONCURRENCY)], { stdio: ['ignore', 'pipe', 'inherit'] });
      this.children.push(child);
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
        child.once('exit', (code) => reject(new Error(`raw BullMQ worker exited with code ${code}`)));
      });
    }
  }

  async many(jobName: string, count: number, data: (i: number) => number): Promise<void> {
    const jobs = await this.queue.addBulk(Array.from({ length: count }, (_, i) => ({ name: jobName, data: data(i) })));
    await Promise.all(jobs.map((job) => job.waitUntilFinished(this.events)));
  }

  async one(i: number): Promise<void> {
    const job = await this.queue.add('tiny', i);
    await job.waitUntilFinished(this.events);
  }

  async stop(): Promise<void> {
    await Promise.all(this.children.map((child) => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM')))));
    await this.events.close();
    await this.queue.close();
  }
}

interface Row {
  what: string;
  unit: string;
  raw: number[];
  ours: number[];
  /** true: higher is better (throughput), false: lower is better (latency). */
  higher: boolean;
}

/** The section as Markdown; an empty string when redis-server is not installed. */
export async function distributedSection(quick: boolean): Promise<string> {
  if (!redisInstalled()) return '';
  const sizes = quick ? QUICK : FULL;
  const redis = await RedisServer.start();
  const raw = new RawSide(redis.url, 'bench-raw');
  const workers: WorkerProcess[] = [];
  let executor: Executor | undefined;
  try {
    await raw.start(redis.url, 'bench-raw');
    for (let i = 0; i < WORKERS; i++) workers.push(await WorkerProcess.start(redis.url, 'bench', { concurrency: WORKER_CONCURRENCY, quiet: true }));
    executor = createExecutor({ backend: 'distributed', connection: redis.url, queue: 'bench' });
    const ex = executor;
    const runMany = (task: typeof tiny, input: (i: number) => number) => (count: number) =>
      Promise.all(Array.from({ length: count }, (_, i) => ex.run(task, input(i))));
    const rows: Row[] = [
      { what: `${sizes.tinyJobs.toLocaleString('en')} tiny jobs in flight`, unit: 'jobs/s', raw: [], ours: [], higher: true },
      { what: 'one tiny job at a time, p50', unit: 'ms', raw: [], ours: [], higher: false },
      { what: `${sizes.cpuJobs} x 5 ms CPU jobs`, unit: 'jobs/s', raw: [], ours: [], higher: true },
      { what: `${sizes.cpuJobs} x 5 ms CPU jobs, ours \`cpuBound\` (worker's process pool)`, unit: 'jobs/s', raw: [], ours: [], higher: true },
    ];
    const [tinyRow, latencyRow, cpuRow, cpuBoundRow] = rows as [Row, Row, Row, Row];
    for (let r = 0; r < sizes.repeats; r++) {
      // Alternating, so that a slow moment of the shared machine falls on both sides.
      tinyRow.raw.push(await rate(sizes.tinyJobs, (n) => raw.many('tiny', n, (i) => i), 'raw tiny'));
      tinyRow.ours.push(await rate(sizes.tinyJobs, runMany(tiny, (i) => i), 'ours tiny'));
      latencyRow.raw.push(await latency(sizes.latencyJobs, (i) => raw.one(i)));
      latencyRow.ours.push(await latency(sizes.latencyJobs, (i) => ex.run(tiny, i)));
      const rawCpu = await rate(sizes.cpuJobs, (n) => raw.many('spin', n, () => 5), 'raw cpu');
      cpuRow.raw.push(rawCpu);
      cpuRow.ours.push(await rate(sizes.cpuJobs, runMany(spin, () => 5), 'ours cpu'));
      cpuBoundRow.raw.push(rawCpu);
      cpuBoundRow.ours.push(await rate(sizes.cpuJobs, runMany(spinCpuBound, () => 5), 'ours cpuBound'));
    }
    const out = [
      `Distributed backend against raw BullMQ ${await bullmqVersion()}: one local redis-server, ${WORKERS} worker processes of ` +
        `concurrency ${WORKER_CONCURRENCY} per side, run alternately, median of ${sizes.repeats}; everything shares this machine's ` +
        `${availableParallelism()} cores. Ratio: ours against raw, 1.00 is parity (throughput: higher is better; latency: lower is better).\n`,
      '| workload | raw BullMQ | unified-executor | ratio |',
      '|---|---:|---:|---:|',
      ...rows.map((row) => {
        const r = median(row.raw);
        const o = median(row.ours);
        const digits = row.unit === 'ms' ? 2 : 0;
        return `| ${row.what} | ${r.toFixed(digits)} ${row.unit} | ${o.toFixed(digits)} ${row.unit} | ${(o / r).toFixed(2)}x |`;
      }),
    ];
    return out.join('\n') + '\n';
  } finally {
    await executor?.close();
    await Promise.all(workers.map((w) => w.stop('SIGTERM')));
    await raw.stop();
    await redis.stop();
  }
}

export async function bullmqVersion(): Promise<string> {
  const { createRequire } = await import('node:module');
  return (createRequire(import.meta.url)('bullmq/package.json') as { version: string }).version;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const section = await distributedSection(process.argv.includes('--quick'));
  console.log(section || 'redis-server is not installed (run .ci/install-redis.sh)');
}
