// `npm run demo`: the three backends and auto-select on the guide's sample
// workloads. Prints which backend ran what, why, and how fast. One run each:
// figures for decisions come from `npm run bench`, which repeats and interleaves.
import { availableParallelism } from 'node:os';
import { createExecutor, defineTask, type Executor, type Task } from 'unified-executor';
import { startLocalServer } from './local-server.js';
import { main as measuredTraits } from './measured-traits.js';
import { main as mixedPipeline } from './mixed-pipeline.js';
import { main as rateLimitedFetch } from './rate-limited-fetch.js';
import { mapWithBar } from './hash-with-progress.js';
import { fib, identity } from './tasks/index.js';
import { fib as fibInProcess } from './tasks/cpu.js';
import { printTable, rate, timed } from './timing.js';

type Row = Record<string, string | number>;
const io = new URL('./tasks/io.ts', import.meta.url);

async function measure(
  rows: Row[],
  workload: string,
  executor: Executor,
  task: Task<any, any>,
  inputs: unknown[],
  how: 'run' | 'map' = 'run',
): Promise<number> {
  const once = async () => {
    if (how === 'map') {
      for await (const _ of executor.map(task, inputs, { chunkSize: 'auto' })) {
        // drain
      }
    } else {
      await Promise.all(inputs.map((input) => executor.run(task, input)));
    }
  };
  // One untimed round first, so workers are started (and have loaded the
  // task) before the clock runs: start-up cost is measured by `npm run bench`.
  await once();
  const { ms } = await timed(once);
  const decision = executor.explain(task);
  rows.push({
    workload,
    backend: executor.backend === 'auto' ? `auto -> ${decision.backend}` : executor.backend,
    tasks: inputs.length,
    ms: Math.round(ms),
    rate: rate(inputs.length, ms),
  });
  return ms;
}

async function withExecutor<T>(options: Parameters<typeof createExecutor>[0], work: (e: Executor) => Promise<T>): Promise<T> {
  const executor = createExecutor(options);
  try {
    return await work(executor);
  } finally {
    await executor.close();
  }
}

export async function main(): Promise<void> {
  console.log(`unified-executor demo on ${availableParallelism()} cores, Node ${process.version}`);
  console.log('Each workload runs once untimed (workers start, tasks load), then once timed.\n');
  const rows: Row[] = [];

  // 1. CPU-bound: the guide sends independent CPU tasks to processes.
  const cpuInputs = Array.from({ length: 16 }, () => 30);
  const serial = await timed(async () => cpuInputs.map((n) => fibInProcess(n)));
  rows.push({ workload: 'CPU fib(30)', backend: 'serial, no executor', tasks: 16, ms: Math.round(serial.ms), rate: rate(16, serial.ms) });
  for (const backend of ['process', 'thread', 'async', 'auto'] as const) {
    await withExecutor({ backend }, (e) => measure(rows, 'CPU fib(30)', e, fib, cpuInputs));
  }

  // 2. A few I/O tasks: 200 HTTP requests to a local server that answers after 10 ms.
  const server = await startLocalServer(10);
  try {
    const fewIo = defineTask<(url: string) => Promise<string>>(io, 'fetchPage', { ioBound: true, expectedCount: 200 });
    const urls = Array.from({ length: 200 }, (_, i) => `${server.url}/${i}`);
    for (const backend of ['thread', 'async', 'process', 'auto'] as const) {
      await withExecutor({ backend, traits: { ioBound: true, expectedCount: 200 } }, (e) =>
        measure(rows, 'few I/O: 200 HTTP GETs', e, fewIo, urls),
      );
    }
  } finally {
    await server.close();
  }

  // 3. Many I/O tasks: 5,000 waits of 10 ms.
  const manyIo = defineTask<(ms: number) => Promise<number>>(io, 'wait', { ioBound: true, expectedCount: 5000 });
  const waits = Array.from({ length: 5000 }, () => 10);
  for (const backend of ['async', 'thread', 'auto'] as const) {
    await withExecutor({ backend, traits: { ioBound: true, expectedCount: 5000 } }, (e) =>
      measure(rows, 'many I/O: 5,000 x 10 ms waits', e, manyIo, waits),
    );
  }

  // 4. Tiny tasks through map with automatic chunking.
  const tiny = Array.from({ length: 20_000 }, (_, i) => i);
  for (const backend of ['thread', 'process', 'async'] as const) {
    await withExecutor({ backend }, (e) => measure(rows, 'tiny: 20,000 x identity (map)', e, identity, tiny, 'map'));
  }

  printTable(rows);

  console.log('\nMeasured traits: routed as declared (adapt off, the default), then with policy: { adapt: true }:');
  await measuredTraits();

  console.log('\nAuto-select, per task, and why:');
  const auto = createExecutor();
  for (const task of [fib, defineTask(io, 'fetchPage', { ioBound: true, expectedCount: 200 }), defineTask(io, 'wait', { ioBound: true, expectedCount: 5000 }), defineTask(io, 'wait', { ioBound: true, needsSync: true }), identity]) {
    const d = auto.explain(task);
    console.log(`  ${JSON.stringify(task.traits).padEnd(50)} -> ${d.backend.padEnd(7)} [${d.rule}] ${d.reason}`);
  }
  await auto.close();

  console.log('\nA mixed pipeline on one auto executor (fetch -> hash):');
  await mixedPipeline(40);

  console.log('\nTask context: a long map with one progress bar drawn from onProgress (a bar on a terminal, lines otherwise):');
  await mapWithBar();

  console.log('\nPacing: 200 requests to a local HTTP server at 50 per second (rateLimit, retries, onSizeLessThan):');
  await rateLimitedFetch(200);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
