/**
 * The thread backend beside raw piscina and poolifier, on the same tiny task
 * (input -> input), in one run:
 *
 * - ours: `executor.run` called 50,000 times at once (the executor feeds
 *   piscina from its own bounded window),
 * - ours: `executor.map` over the 50,000 inputs with `chunkSize: 'auto'`
 *   (several inputs per message: what the unified layer adds over piscina),
 * - piscina, all 50,000 `run` calls at once (piscina queues them itself),
 * - piscina fed from a bounded window of in-flight calls,
 * - poolifier's FixedThreadPool, all at once.
 *
 * Every pool has 2 threads and is created once, warmed up, then measured 5
 * times, interleaved, so a busy machine hurts every contender alike; the
 * median tasks/s is reported.
 *
 *   npx tsup && node --import tsx bench/thread-vs-piscina.ts
 */
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { FixedThreadPool } from 'poolifier';
import { createExecutor, defineTask } from 'unified-executor';
import { feed } from './harness.js';

const THREADS = 2;
const TASKS = 50_000;
const WARMUP_TASKS = 5_000;
const REPEATS = 5;
/** In-flight calls of the windowed piscina feeder: a few per thread keeps each thread's port busy. */
const WINDOW = 64;

const echoFile = new URL('./thread/echo.mjs', import.meta.url);

interface Contender {
  name: string;
  /** Runs `count` tiny tasks; resolves when all are done. */
  batch(count: number): Promise<void>;
  close(): Promise<void>;
}

function ours(): Contender {
  const executor = createExecutor({ backend: 'thread', maxWorkers: THREADS, minWorkers: THREADS });
  const echo = defineTask<(n: number) => number>(echoFile);
  return {
    name: 'ours: executor.run x50k',
    batch: async (count) => {
      const runs = new Array<Promise<number>>(count);
      for (let i = 0; i < count; i++) runs[i] = executor.run(echo, i);
      await Promise.all(runs);
    },
    close: () => executor.close(),
  };
}

function oursMap(): Contender {
  const executor = createExecutor({ backend: 'thread', maxWorkers: THREADS, minWorkers: THREADS });
  const echo = defineTask<(n: number) => number>(echoFile);
  return {
    name: "ours: map, chunkSize 'auto'",
    batch: async (count) => {
      const inputs = Array.from({ length: count }, (_, i) => i);
      for await (const _result of executor.map(echo, inputs, { chunkSize: 'auto' }));
    },
    close: () => executor.close(),
  };
}

function piscina(windowed: boolean): Contender {
  const pool = new Piscina({ filename: fileURLToPath(echoFile), minThreads: THREADS, maxThreads: THREADS });
  return {
    name: windowed ? `piscina, window ${WINDOW}` : 'piscina, all at once',
    batch: (count) => (feed(count, (i) => pool.run(i), windowed ? WINDOW : undefined)),
    close: () => pool.close(),
  };
}

function poolifier(): Contender {
  const pool = new FixedThreadPool<number, number>(THREADS, fileURLToPath(new URL('./thread/poolifier-echo.mjs', import.meta.url)));
  return {
    name: 'poolifier FixedThreadPool',
    batch: (count) => feed(count, (i) => pool.execute(i)),
    close: () => pool.destroy(),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const contenders = [ours(), oursMap(), piscina(false), piscina(true), poolifier()];
  const rates = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  try {
    for (const contender of contenders) await contender.batch(WARMUP_TASKS);
    for (let round = 0; round < REPEATS; round++) {
      for (const contender of contenders) {
        const began = performance.now();
        await contender.batch(TASKS);
        rates.get(contender.name)!.push(TASKS / ((performance.now() - began) / 1000));
      }
    }
  } finally {
    await Promise.all(contenders.map((c) => c.close()));
  }

  const medians = new Map([...rates].map(([name, values]) => [name, median(values)]));
  const runRate = medians.get(contenders[0]!.name)!;
  const mapRate = medians.get(contenders[1]!.name)!;
  console.log(`${TASKS} tiny tasks on ${THREADS} threads, median of ${REPEATS} interleaved runs:\n`);
  for (const [name, rate] of medians) {
    const all = rates.get(name)!.map((r) => Math.round(r / 1000)).join(', ');
    console.log(
      `${name.padEnd(30)} ${Math.round(rate).toLocaleString('en-US').padStart(9)} tasks/s` +
        `   run÷this ${(runRate / rate).toFixed(2).padStart(6)}   map÷this ${(mapRate / rate).toFixed(2).padStart(6)}   (runs, k/s: ${all})`,
    );
  }
}

await main();
