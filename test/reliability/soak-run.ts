/**
 * One soak run: `total` tiny tasks through `map` on one backend, input pulled
 * lazily from a generator that counts how far ahead of the consumer it was
 * asked to run. Heap and RSS are sampled after a forced GC at even steps, and
 * the process's handles and listeners are compared with a baseline taken
 * before the executor existed. Shared by `npm run soak` (200,000 per backend)
 * and soak.test.ts (a reduced size in `npm test`).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createExecutor, type ExecutorOptions } from 'unified-executor';
import { tasks } from './helpers.js';

export type SoakBackend = 'async' | 'thread' | 'process';

export interface SoakReport {
  backend: SoakBackend;
  total: number;
  seconds: number;
  /** Most items the generator was asked for beyond what the consumer had received. */
  maxAhead: number;
  window: number;
  /** MiB after a forced GC, at each sample (after warm-up). */
  heapMb: number[];
  rssMb: number[];
  /** Last minus first sample after warm-up (median of three at each end), MiB. */
  heapGrowthMb: number;
  rssGrowthMb: number;
  /** Resource types (getActiveResourcesInfo) or process listeners above the baseline after close. */
  leakedResources: Record<string, number>;
  leakedListeners: Record<string, number>;
  wrongResults: number;
}

/** How many tasks `map` keeps in flight: small, so the queue never hides a leak in a big buffer. */
const WINDOW = 32;
const SAMPLES = 20;
/** Samples before this fraction of the run are warm-up (JIT, pools filling, workers starting). */
const WARM_UP = 0.25;

/** A callable GC without --expose-gc on the command line (vitest's workers do not have it). */
function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const median3 = (xs: number[]) => [...xs].sort((a, b) => a - b)[1] ?? xs[0] ?? 0;

function countBy(items: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[item] = (out[item] ?? 0) + 1;
  return out;
}

function listenerCounts(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of process.eventNames()) out[String(name)] = process.listenerCount(name);
  return out;
}

function above(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, n] of Object.entries(after)) if (n > (before[key] ?? 0)) out[key] = n - (before[key] ?? 0);
  return out;
}

export async function soak(backend: SoakBackend, total: number): Promise<SoakReport> {
  const gc = gcFunction();
  gc();
  const resourcesBefore = countBy(process.getActiveResourcesInfo());
  const listenersBefore = listenerCounts();
  const options: ExecutorOptions =
    backend === 'async' ? { backend, concurrency: WINDOW } : { backend, maxWorkers: 2, execArgv: [] };
  const executor = createExecutor(options);

  const step = Math.max(1, Math.floor(total / SAMPLES));
  const heap: number[] = [];
  const rss: number[] = [];
  let pulled = 0;
  let received = 0;
  let maxAhead = 0;
  function* inputs(): Generator<number> {
    for (let i = 0; i < total; i++) {
      if (i % step === 0 && i >= total * WARM_UP) {
        gc();
        const usage = process.memoryUsage();
        heap.push(usage.heapUsed);
        rss.push(usage.rss);
      }
      pulled++;
      maxAhead = Math.max(maxAhead, pulled - received);
      yield i;
    }
  }

  const began = performance.now();
  let wrongResults = 0;
  for await (const value of executor.map(tasks.tiny, inputs(), { concurrency: WINDOW })) {
    if (value !== received + 1) wrongResults++;
    received++;
  }
  const seconds = (performance.now() - began) / 1000;
  await executor.close();
  // A child's process handle is closed when its exit is reported, but leaves
  // the active list only in libuv's close phase, which comes after the
  // immediates of that turn: give it a few turns (a real leak never goes).
  let leakedResources: Record<string, number> = {};
  for (let turn = 0; turn < 20; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
    leakedResources = above(countBy(process.getActiveResourcesInfo()), resourcesBefore);
    if (Object.keys(leakedResources).length === 0) break;
  }
  gc();

  return {
    backend,
    total: received,
    seconds: Math.round(seconds * 10) / 10,
    maxAhead,
    window: WINDOW,
    heapMb: heap.map(mb),
    rssMb: rss.map(mb),
    heapGrowthMb: mb(median3(heap.slice(-3)) - median3(heap.slice(0, 3))),
    rssGrowthMb: mb(median3(rss.slice(-3)) - median3(rss.slice(0, 3))),
    leakedResources,
    leakedListeners: above(listenerCounts(), listenersBefore),
    wrongResults,
  };
}

/** One line per backend for the console and RELIABILITY.md. */
export function describeReport(r: SoakReport): string {
  const range = (xs: number[]) => `${Math.min(...xs)}–${Math.max(...xs)}`;
  return (
    `${r.backend}: ${r.total} tasks in ${r.seconds} s (${Math.round(r.total / r.seconds)}/s); ` +
    `max pulled ahead ${r.maxAhead} (window ${r.window}); heap after GC ${range(r.heapMb)} MiB, growth ${r.heapGrowthMb} MiB; ` +
    `RSS ${range(r.rssMb)} MiB, growth ${r.rssGrowthMb} MiB; ` +
    `leaked handles ${JSON.stringify(r.leakedResources)}, listeners ${JSON.stringify(r.leakedListeners)}`
  );
}
