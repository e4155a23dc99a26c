/**
 * Every contender of the benchmark behind one shape: ours (the three backends)
 * and each backend's raw engine and peers. Every pool has `workers` workers,
 * created at once (min = max), and loads its tasks without `--import tsx`
 * (`execArgv: []`), like the peers, so start-up compares the pools, not the loader.
 */
import { fileURLToPath } from 'node:url';
import pLimit from 'p-limit';
import PQueue from 'p-queue';
import { Piscina } from 'piscina';
import { FixedThreadPool } from 'poolifier';
import Tinypool from 'tinypool';
import workerpool from 'workerpool';
import { createExecutor, defineTask, type Executor, type ExecutorOptions, type Task } from 'unified-executor';
import { ForkPool } from './peers/fork-pool.js';
// @ts-expect-error: a plain .mjs task module without types
import * as local from './tasks/work.mjs';

export type Family = 'thread' | 'process' | 'async';
/**
 * echo: input -> input (the pool's cost, not the task's); spin: ~input ms of CPU;
 * echoAsync: echo as an async function (async peers only); size: a large input's
 * byteLength (ours and piscina only: workload 8).
 */
export type TaskName = 'echo' | 'spin' | 'echoAsync' | 'size';

export interface Contender {
  name: string;
  family: Family;
  ours: boolean;
  run(task: TaskName, input: number): Promise<unknown>;
  /** Calls kept in flight by the feeder; all at once when undefined. */
  window?: number;
  /** Ours only: the executor, for `map`. */
  executor?: Executor;
  close(): Promise<void>;
}

export interface ContenderSpec {
  name: string;
  family: Family;
  ours: boolean;
  create(workers: number): Contender;
}

const workUrl = new URL('./tasks/work.mjs', import.meta.url);
const workFile = fileURLToPath(workUrl);
/** workerpool's worker script registers its functions itself (the process bench's, echo and spin). */
const workerpoolFile = fileURLToPath(new URL('./process/workerpool-worker.mjs', import.meta.url));

export const tasks = {
  echo: defineTask<(n: number) => number>(workUrl),
  spin: defineTask<(ms: number) => number>(workUrl, 'spin'),
  echoAsync: defineTask<(n: number) => Promise<number>>(workUrl, 'echoAsync'),
  size: defineTask<(bytes: Uint8Array) => number>(workUrl, 'size'),
  sleep: defineTask<(ms: number) => number>(workUrl, 'sleep'),
  block: defineTask<(ms: number) => number>(workUrl, 'block'),
};
const localTasks: Record<TaskName, (n: number) => unknown> = { echo: local.default, spin: local.spin, echoAsync: local.echoAsync, size: local.size };
/** piscina's and tinypool's name for the default export. */
const exportName = (task: TaskName) => (task === 'echo' ? 'default' : task);

/** In flight on the async queues: our async backend's default (the guide's "many" line). */
export const ASYNC_CONCURRENCY = 500;
/** The windowed piscina feeder: a few calls per thread keep each thread's port busy. */
const PISCINA_WINDOW = 64;

function ours(name: string, family: Family, options: ExecutorOptions): ContenderSpec {
  return {
    name,
    family,
    ours: true,
    create: (workers) => {
      const pool = family === 'async' ? {} : { maxWorkers: workers, minWorkers: workers, execArgv: [] };
      const executor = createExecutor({ backend: family, ...pool, ...options });
      return { name, family, ours: true, executor, run: (task, input) => executor.run(tasks[task] as Task<number, unknown>, input), close: () => executor.close() };
    },
  };
}

function peer(name: string, family: Family, make: (workers: number) => Omit<Contender, 'name' | 'family' | 'ours'>): ContenderSpec {
  return { name, family, ours: false, create: (workers) => ({ name, family, ours: false, ...make(workers) }) };
}

function piscina(windowed: boolean): ContenderSpec {
  return peer(windowed ? `piscina, window ${PISCINA_WINDOW}` : 'piscina, all at once', 'thread', (workers) => {
    const pool = new Piscina({ filename: workFile, minThreads: workers, maxThreads: workers, execArgv: [] });
    return {
      run: (task, input) => pool.run(input, { name: exportName(task) }),
      window: windowed ? PISCINA_WINDOW : undefined,
      close: () => pool.close(),
    };
  });
}

function tinypool(runtime: 'worker_threads' | 'child_process'): ContenderSpec {
  return peer(runtime === 'child_process' ? 'tinypool child_process' : 'tinypool', runtime === 'child_process' ? 'process' : 'thread', (workers) => {
    const pool = new Tinypool({ runtime, filename: workUrl.href, minThreads: workers, maxThreads: workers, execArgv: [] });
    return { run: (task, input) => pool.run(input, { name: exportName(task) }), close: () => pool.destroy() };
  });
}

function workerpoolOf(workerType: 'thread' | 'process'): ContenderSpec {
  return peer(workerType === 'process' ? 'workerpool process' : 'workerpool', workerType, (workers) => {
    const pool = workerpool.pool(workerpoolFile, {
      workerType,
      minWorkers: workers,
      maxWorkers: workers,
      ...(workerType === 'process' ? { forkOpts: { execArgv: [] } } : { workerThreadOpts: { execArgv: [] } }),
    });
    return { run: (task, input) => pool.exec(task, [input]) as Promise<unknown>, close: async () => void (await pool.terminate()) };
  });
}

function poolifier(): ContenderSpec {
  return peer('poolifier FixedThreadPool', 'thread', (workers) => {
    const file = fileURLToPath(new URL('./tasks/poolifier-thread.mjs', import.meta.url));
    const pool = new FixedThreadPool<number, unknown>(workers, file, { workerOptions: { execArgv: [] } });
    return { run: (task, input) => pool.execute(input, task), close: () => pool.destroy() };
  });
}

function asyncPeer(name: string, make: () => (fn: () => unknown) => Promise<unknown>): ContenderSpec {
  return peer(name, 'async', () => {
    const submit = make();
    return { run: (task, input) => submit(() => localTasks[task](input)), close: async () => undefined };
  });
}

export const contenderSpecs: ContenderSpec[] = [
  ours('ours thread', 'thread', {}),
  piscina(false),
  piscina(true),
  tinypool('worker_threads'),
  workerpoolOf('thread'),
  poolifier(),
  ours('ours process', 'process', {}),
  // Not the default: several calls per child travel in one message (fine for tiny or async tasks).
  ours('ours process, 32 per child', 'process', { concurrentTasksPerWorker: 32 }),
  peer('fork pool (floor)', 'process', (workers) => {
    const pool = new ForkPool(workers);
    return { run: (task, input) => pool.run(task, input), close: () => pool.close() };
  }),
  tinypool('child_process'),
  workerpoolOf('process'),
  // poolifier's FixedClusterPool is left out: on Node 20 here its workers report
  // ready but no task is ever answered (an echo still pending after 5 s).
  ours('ours async', 'async', {}),
  asyncPeer(`p-queue (${ASYNC_CONCURRENCY})`, () => {
    const queue = new PQueue({ concurrency: ASYNC_CONCURRENCY });
    return (fn) => queue.add(fn);
  }),
  asyncPeer(`p-limit (${ASYNC_CONCURRENCY})`, () => pLimit(ASYNC_CONCURRENCY)),
  asyncPeer('Promise.all, bare', () => async (fn) => fn()),
];
