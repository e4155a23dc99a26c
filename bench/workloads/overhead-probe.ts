/**
 * One measurement-overhead sample, in a fresh process (so the two settings
 * never share a JIT or a heap): `node --import tsx overhead-probe.ts TINY
 * WARMUP BATCHES`, with UNIFIED_EXECUTOR_MEASURE=0 in the environment or not,
 * runs BATCHES batches of TINY tiny tasks through `run` on an async executor
 * after a warm-up, and prints `{ rate }`: the median batch's tasks per CPU-second.
 */
import { createExecutor } from 'unified-executor';
import { tasks } from '../comparators.js';
import { feed } from '../harness.js';

const [tiny, warmup, batches] = process.argv.slice(2).map(Number) as [number, number, number];
const executor = createExecutor({ backend: 'async' });
await feed(warmup, (i) => executor.run(tasks.echo, i));
const rates: number[] = [];
for (let b = 0; b < batches; b++) {
  // Per second of this process's CPU time, not of wall time: other processes on a
  // shared machine take the CPU away from a batch, but do not add to its CPU time.
  const before = process.cpuUsage();
  await feed(tiny, (i) => executor.run(tasks.echo, i));
  const used = process.cpuUsage(before);
  rates.push(tiny / ((used.user + used.system) / 1e6));
}
await executor.close();
rates.sort((a, b) => a - b);
console.log(JSON.stringify({ rate: rates[Math.floor(rates.length / 2)] }));
