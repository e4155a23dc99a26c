/**
 * Issue 19's async figure on its own, for profiling and A/B checks: 100,000
 * tiny tasks at 500 in flight whose task returns a promise (`async (x) => x`),
 * ours (async backend) against raw p-queue, submitted all at once as section 1
 * of `npm run bench` does. Each sample is a fresh process (no shared JIT or GC
 * state between the two), the two alternate, and the medians are compared.
 *
 *   node --import tsx bench/workloads/async-promise-ab.ts [pairs] [count] [echoAsync|echo]
 *   node --import tsx bench/workloads/async-promise-ab.ts --one ours|p-queue [count] [task]   (one sample, prints tasks/s)
 *
 * `echo` (a plain value) is section 1's first async table, for a check that it did not fall.
 *
 * Add `--cpu-prof` to the child's flags with AB_PROF=1 (profiles go to ./prof).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import PQueue from 'p-queue';
import { createExecutor, defineTask } from 'unified-executor';
import { feed } from '../harness.js';
// @ts-expect-error: a plain .mjs task module without types
import * as work from '../tasks/work.mjs';

const CONCURRENCY = 500;
const WARMUP = 5_000;
/** Measured batches per process; the sample is their median. */
const BATCHES = 3;
type Side = 'ours' | 'p-queue';
type TaskName = 'echoAsync' | 'echo';

async function one(side: Side, count: number, name: TaskName): Promise<number> {
  let submit: (i: number) => Promise<unknown>;
  let close: () => Promise<void>;
  if (side === 'ours') {
    const task = defineTask<(n: number) => unknown>(new URL('../tasks/work.mjs', import.meta.url), name === 'echo' ? 'default' : name);
    const executor = createExecutor({ backend: 'async' });
    submit = (i) => executor.run(task, i);
    close = () => executor.close();
  } else {
    const queue = new PQueue({ concurrency: CONCURRENCY });
    const fn = (name === 'echo' ? work.default : work.echoAsync) as (n: number) => unknown;
    submit = (i) => queue.add(() => fn(i));
    close = async () => undefined;
  }
  await feed(WARMUP, submit);
  const rates: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const began = performance.now();
    await feed(count, submit);
    rates.push(count / ((performance.now() - began) / 1000));
  }
  await close();
  return median(rates);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const args = process.argv.slice(2);
if (args[0] === '--one') {
  const rate = await one(args[1] as Side, Number(args[2] ?? 100_000), (args[3] ?? 'echoAsync') as TaskName);
  process.stdout.write(`${Math.round(rate)}\n`);
} else {
  const pairs = Number(args[0] ?? 5);
  const count = Number(args[1] ?? 100_000);
  const name = args[2] ?? 'echoAsync';
  const self = fileURLToPath(import.meta.url);
  const flags = ['--import', 'tsx', ...(process.env.AB_PROF ? ['--cpu-prof', '--cpu-prof-dir=prof'] : [])];
  const rates: Record<Side, number[]> = { ours: [], 'p-queue': [] };
  for (let p = 0; p < pairs; p++) {
    // Alternate which side goes first, so a drift in the machine's load falls on both.
    const order: Side[] = p % 2 ? ['p-queue', 'ours'] : ['ours', 'p-queue'];
    for (const side of order) {
      rates[side].push(Number(execFileSync(process.execPath, [...flags, self, '--one', side, String(count), name], { encoding: 'utf8' }).trim()));
    }
  }
  const [ours, pq] = [median(rates.ours), median(rates['p-queue'])];
  console.log(`ours    ${rates.ours.map((r) => Math.round(r)).join(' ')}  median ${Math.round(ours)}/s`);
  console.log(`p-queue ${rates['p-queue'].map((r) => Math.round(r)).join(' ')}  median ${Math.round(pq)}/s`);
  console.log(`ratio ${(ours / pq).toFixed(3)} (${name}, pairs ${pairs}, ${count} tasks at ${CONCURRENCY}, load ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')})`);
}
