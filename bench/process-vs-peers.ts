/**
 * The process backend beside its peers, on the same tasks, in one run:
 *
 * - a minimal hand-written fork pool with `serialization: 'advanced'` (the floor:
 *   no queue, no timeouts, no abort; every request sent at once, round robin),
 * - tinypool `runtime: 'child_process'`, workerpool `workerType: 'process'`,
 * - ours, with the default one task per child and with 32 in flight per child.
 *
 * Measures: tasks/s for 20,000 tiny tasks (input -> input), all submitted at
 * once; and parallel efficiency for 200 CPU tasks of ~5 ms on 2 workers
 * (serial time / (2 x parallel time)). Contenders are interleaved, each
 * measurement repeated 5 times after a warm-up; the median is reported.
 *
 *   npx tsup && node --import tsx bench/process-vs-peers.ts
 */
import { fileURLToPath } from 'node:url';
import Tinypool from 'tinypool';
import workerpool from 'workerpool';
import { createExecutor, defineTask, type Executor } from 'unified-executor';
import { ForkPool } from './peers/fork-pool.js';
// @ts-expect-error: a plain .mjs fixture without types
import echoLocal, { spin as spinLocal } from './process/tasks.mjs';

const WORKERS = 2;
const TINY = 20_000;
const CPU_TASKS = 200;
const CPU_MS = 5;
const REPEATS = 5;

const tasksUrl = new URL('./process/tasks.mjs', import.meta.url);
type TaskName = 'echo' | 'spin';

interface Contender {
  name: string;
  run(task: TaskName, input: number): Promise<unknown>;
  close(): Promise<void>;
}


const oursTasks = { echo: defineTask<(n: number) => number>(tasksUrl), spin: defineTask<(n: number) => number>(tasksUrl, 'spin') };

// execArgv: [] like the peers: the bench itself runs under `--import tsx`, which
// our children would otherwise inherit (slower start, same per-task cost).
function ours(name: string, concurrentTasksPerWorker: number): Contender & { executor: Executor } {
  const executor: Executor = createExecutor({ backend: 'process', maxWorkers: WORKERS, concurrentTasksPerWorker, execArgv: [] });
  return { name, executor, run: (task, input) => executor.run(oursTasks[task], input), close: () => executor.close() };
}

/** For comparison: the same tiny tasks through `map` with automatic chunks (many inputs per message). */
async function mapRate(executor: Executor, count: number): Promise<number> {
  const started = performance.now();
  let done = 0;
  for await (const _ of executor.map(oursTasks.echo, Array.from({ length: count }, (_, i) => i), { chunkSize: 'auto' })) done++;
  return done / ((performance.now() - started) / 1000);
}

function contenders(): Contender[] {
  const floor = new ForkPool(WORKERS);
  const tiny = new Tinypool({
    runtime: 'child_process',
    filename: tasksUrl.href,
    minThreads: WORKERS,
    maxThreads: WORKERS,
    execArgv: [],
  });
  const wp = workerpool.pool(fileURLToPath(new URL('./process/workerpool-worker.mjs', import.meta.url)), {
    workerType: 'process',
    minWorkers: WORKERS,
    maxWorkers: WORKERS,
    forkOpts: { execArgv: [] },
  });
  return [
    { name: 'fork pool (floor)', run: (task, input) => floor.run(task, input), close: () => floor.close() },
    { name: 'tinypool child_process', run: (task, input) => tiny.run(input, { name: task === 'echo' ? 'default' : task }), close: () => tiny.destroy() },
    { name: 'workerpool process', run: (task, input) => wp.exec(task, [input]) as Promise<unknown>, close: async () => void (await wp.terminate()) },
    ours('ours (1 per child)', 1),
    ours('ours (32 per child)', 32),
  ];
}

async function tinyRate(contender: Contender, count: number): Promise<number> {
  const started = performance.now();
  const all: Promise<unknown>[] = new Array(count);
  for (let i = 0; i < count; i++) all[i] = contender.run('echo', i);
  await Promise.all(all);
  return count / ((performance.now() - started) / 1000);
}

async function cpuTime(contender: Contender): Promise<number> {
  const started = performance.now();
  await Promise.all(Array.from({ length: CPU_TASKS }, () => contender.run('spin', CPU_MS)));
  return performance.now() - started;
}

function serialTime(): number {
  const started = performance.now();
  for (let i = 0; i < CPU_TASKS; i++) spinLocal(CPU_MS);
  return performance.now() - started;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  void echoLocal;
  const pools = contenders();
  const ourDefault = pools.find((p) => p.name === 'ours (1 per child)') as ReturnType<typeof ours>;
  const mapRates: number[] = [];
  const rates = new Map<string, number[]>(pools.map((p) => [p.name, []]));
  const efficiency = new Map<string, number[]>(pools.map((p) => [p.name, []]));
  try {
    // Warm-up: children started, task modules imported, JIT warm on both sides.
    for (const pool of pools) {
      await tinyRate(pool, 2_000);
      await cpuTime(pool);
    }
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      for (const pool of pools) rates.get(pool.name)!.push(await tinyRate(pool, TINY));
      mapRates.push(await mapRate(ourDefault.executor, TINY));
      for (const pool of pools) {
        // Serial time measured next to each parallel run, so both see the same machine load.
        const serial = serialTime();
        efficiency.get(pool.name)!.push(serial / (WORKERS * (await cpuTime(pool))));
      }
      process.stderr.write(`repeat ${repeat + 1}/${REPEATS} done\n`);
    }
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }

  const workerpoolRate = median(rates.get('workerpool process')!);
  console.log(`\n${TINY} tiny tasks (median of ${REPEATS}) and ${CPU_TASKS} x ${CPU_MS} ms CPU tasks on ${WORKERS} workers\n`);
  console.log('pool                      tasks/s    x workerpool   efficiency');
  for (const pool of pools) {
    const rate = median(rates.get(pool.name)!);
    const eff = median(efficiency.get(pool.name)!);
    console.log(
      `${pool.name.padEnd(24)} ${Math.round(rate).toString().padStart(8)}    ${(rate / workerpoolRate).toFixed(2).padStart(8)}     ${eff.toFixed(3)}`,
    );
  }
  const viaMap = median(mapRates);
  console.log(`${"ours, map chunkSize:'auto'".padEnd(24)} ${Math.round(viaMap).toString().padStart(8)}    ${(viaMap / workerpoolRate).toFixed(2).padStart(8)}`);
}

await main();
