/**
 * Pacing (issue 21), two questions:
 *
 * 1. Does an executor WITHOUT pacing options lose anything on tiny tasks? The
 *    one per-call change on that path is the queue class under p-queue
 *    (RetryFirstQueue, for retries at the front of their priority), so the two
 *    classes run the same tiny tasks through p-queue in alternating batches,
 *    order flipped each time, with p-queue's own class run twice for the noise
 *    floor (as the measurement-overhead workload does). Our whole async
 *    executor runs beside raw p-queue in the same alternation too: compare its
 *    ratio with section 1's of earlier runs.
 * 2. How exact is the rate limit? 100 tasks at 10 per 100 ms, on ours (a
 *    sliding window) and on p-queue's `intervalCap` (fixed windows; and its
 *    `strict` sliding mode): the busiest 100 ms window of task starts (read in
 *    the task), and how long the 100 took. Two arrival shapes: all at once, and
 *    5 first then 95 after 90 ms, where a fixed window lets a second burst in
 *    right after the first.
 */
import PQueue, { PriorityQueue } from 'p-queue';
import { createExecutor } from 'unified-executor';
import { RetryFirstQueue } from '../../src/core/retry-first-queue.js';
import type { BenchConfig } from '../config.js';
import { feed, progress, timed, withDeadline } from '../harness.js';

const BATCH = 20_000;
const PAIRS_PER_REPEAT = 8;
const LIMIT = 10;
const INTERVAL_MS = 100;
const TASKS = 100;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** ms for `rounds` x (20,000 enqueues then 20,000 dequeues) on one queue class. */
function queueWork(Queue: new () => { enqueue(run: () => Promise<unknown>, options?: object): void; dequeue(): unknown; size: number }, size: number): number {
  const queue = new Queue();
  const run = async () => undefined;
  const began = performance.now();
  for (let i = 0; i < size; i++) queue.enqueue(run, { priority: 0, id: String(i) });
  while (queue.size > 0) queue.dequeue();
  return performance.now() - began;
}

async function tinyWithoutOptions(config: BenchConfig): Promise<string> {
  const size = Math.min(config.tiny, BATCH);
  const rounds = config.repeats * PAIRS_PER_REPEAT * 4;
  progress(`pacing: ${rounds} alternations of ${size} queue entries, and tiny tasks through the executor`);
  // The queue class alone, alternating (order flipped each round), p-queue's twice for the noise floor.
  const theirs: number[] = [];
  const ours: number[] = [];
  const again: number[] = [];
  for (let i = 0; i < 3; i++) queueWork(PriorityQueue, size), queueWork(RetryFirstQueue, size); // JIT warm-up
  for (let round = 0; round < rounds; round++) {
    const order: Array<[typeof theirs, typeof PriorityQueue | typeof RetryFirstQueue]> = [
      [theirs, PriorityQueue],
      [ours, RetryFirstQueue],
      [again, PriorityQueue],
    ];
    if (round % 2 === 1) order.reverse();
    for (const [into, Queue] of order) into.push(queueWork(Queue as never, size));
  }
  // The whole executor, no pacing options, a task that returns a promise (so it waits in the queue), beside p-queue alone.
  const executor = createExecutor({ backend: 'async', concurrency: 500 });
  const queue = new PQueue({ concurrency: 500 });
  const later = async (n: number) => n;
  const rates = { executor: [] as number[], pQueue: [] as number[] };
  try {
    await feed(2000, (i) => Promise.all([executor.run(later, i), queue.add(() => later(i))]));
    for (let round = 0; round < config.repeats * PAIRS_PER_REPEAT; round++) {
      const pair: Array<[number[], (i: number) => Promise<unknown>]> = [
        [rates.executor, (i) => executor.run(later, i)],
        [rates.pQueue, (i) => queue.add(() => later(i))],
      ];
      if (round % 2 === 1) pair.reverse();
      for (const [into, run] of pair) {
        const ms = await withDeadline(timed(() => feed(size, run)), 'pacing tiny');
        into.push(size / (ms / 1000));
      }
    }
  } finally {
    await executor.close();
  }
  const cost = (median(ours) / median(theirs) - 1) * 100;
  const noise = Math.abs(median(again) / median(theirs) - 1) * 100;
  return [
    `| queue class under p-queue | ms per ${size} enqueues + dequeues (median of ${rounds}) | vs p-queue's own |`,
    '|---|---|---|',
    `| p-queue's PriorityQueue | ${median(theirs).toFixed(2)} | 1.000 |`,
    `| our RetryFirstQueue (retries go first) | ${median(ours).toFixed(2)} | ${(median(ours) / median(theirs)).toFixed(3)} |`,
    `| p-queue's PriorityQueue, again (noise floor) | ${median(again).toFixed(2)} | ${(median(again) / median(theirs)).toFixed(3)} |`,
    '',
    `The one per-call change on the path without pacing options costs **${cost.toFixed(1)} %** of the queue's own work ` +
      `(aim: under 3 % of a tiny task; noise floor ${noise.toFixed(1)} %). Whole executor, no pacing options, ${size} tiny async tasks: ` +
      `**${Math.round(median(rates.executor))} tasks/s**, ${(median(rates.executor) / median(rates.pQueue)).toFixed(2)}x p-queue alone in the same alternation ` +
      '(compare with the same ratio in earlier runs).',
  ].join('\n');
}

interface Accuracy {
  busiest: number;
  ms: number;
}

function busiestWindow(starts: number[], windowMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (j < sorted.length && sorted[j]! - sorted[i]! < windowMs) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

/** Submits 100 tasks (all at once, or 5 then 95 after 90 ms) and reads when each started. */
async function paced(submit: (task: () => Promise<void>) => Promise<unknown>, lateBurst: boolean): Promise<Accuracy> {
  const starts: number[] = [];
  const task = async () => {
    starts.push(performance.now());
  };
  const began = performance.now();
  const all: Promise<unknown>[] = [];
  const first = lateBurst ? 5 : TASKS;
  for (let i = 0; i < first; i++) all.push(submit(task));
  if (lateBurst) {
    await new Promise((resolve) => setTimeout(resolve, 90));
    for (let i = first; i < TASKS; i++) all.push(submit(task));
  }
  await Promise.all(all);
  return { busiest: busiestWindow(starts, INTERVAL_MS), ms: performance.now() - began };
}

async function rateAccuracy(config: BenchConfig): Promise<string> {
  const repeats = config.quick ? 1 : 3;
  progress(`pacing: rate-limit accuracy, ${TASKS} tasks at ${LIMIT}/${INTERVAL_MS} ms, ${repeats} repeats`);
  const contenders: Array<{ name: string; make: () => { submit: (t: () => Promise<void>) => Promise<unknown>; close: () => Promise<void> } }> = [
    {
      name: 'ours, rateLimit { limit: 10, intervalMs: 100 }',
      make: () => {
        const executor = createExecutor({ backend: 'async', concurrency: 50, rateLimit: { limit: LIMIT, intervalMs: INTERVAL_MS } });
        return { submit: (t) => executor.run(t, undefined), close: () => executor.close() };
      },
    },
    {
      name: 'p-queue, intervalCap 10, interval 100',
      make: () => {
        const queue = new PQueue({ concurrency: 50, intervalCap: LIMIT, interval: INTERVAL_MS });
        return { submit: (t) => queue.add(t), close: () => queue.onIdle() };
      },
    },
    {
      name: 'p-queue, the same, strict: true',
      make: () => {
        const queue = new PQueue({ concurrency: 50, intervalCap: LIMIT, interval: INTERVAL_MS, strict: true });
        return { submit: (t) => queue.add(t), close: () => queue.onIdle() };
      },
    },
  ];
  const lines = [
    `| contender | arrival | busiest ${INTERVAL_MS} ms window (limit ${LIMIT}) | time for ${TASKS} (ideal ≥ ${((TASKS / LIMIT - 1) * INTERVAL_MS) / 1000} s) |`,
    '|---|---|---|---|',
  ];
  for (const lateBurst of [false, true]) {
    for (const contender of contenders) {
      const runs: Accuracy[] = [];
      for (let r = 0; r < repeats; r++) {
        const { submit, close } = contender.make();
        runs.push(await withDeadline(paced(submit, lateBurst), contender.name));
        await close();
      }
      const worst = Math.max(...runs.map((a) => a.busiest));
      lines.push(
        `| ${contender.name} | ${lateBurst ? '5, then 95 after 90 ms' : 'all at once'} | ${worst} (worst of ${repeats}) | ${(median(runs.map((a) => a.ms)) / 1000).toFixed(2)} s |`,
      );
    }
  }
  return lines.join('\n');
}

/** Section 7's markdown. */
export async function pacingSection(config: BenchConfig): Promise<string> {
  return `#### Tiny tasks without pacing options\n\n${await tinyWithoutOptions(config)}\n\n#### Rate-limit accuracy\n\n${await rateAccuracy(config)}\n`;
}
