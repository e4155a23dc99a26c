/**
 * What measuring costs (issue 13: "tiny tasks pay at most 3 %"): tiny `run`
 * on the async backend with measurement on (the default) and off
 * (UNIFIED_EXECUTOR_MEASURE=0 when the executor is created). The async
 * backend is where it costs most: its tiny calls are the cheapest (~5 µs),
 * and it measures on the caller's own thread.
 *
 * The difference sought (about 1 %) is far below the noise of one long round
 * on a shared machine, so the two run many short batches in alternation, the
 * order flipped each time, and a third executor with measurement off runs
 * against the second the same way: the gap between those two identical
 * settings is the noise floor the report shows beside the cost. (Separate
 * rounds moved the figures by ±20 % with the order alone; fresh processes per
 * sample still differed by 6 % between two identical settings.)
 */
import { createExecutor, type Executor } from 'unified-executor';
import type { BenchConfig } from '../config.js';
import { tasks } from '../comparators.js';
import { feed, progress, timed, withDeadline } from '../harness.js';
import { row, type Row } from '../results.js';

/** The rows' case: kept out of section 1's table, shown in their own. */
export const OVERHEAD_CASE = 'measurement';
export const MEASURED = 'ours async, measured';
export const UNMEASURED = 'ours async, unmeasured';
export const UNMEASURED_AGAIN = 'ours async, unmeasured (again: the noise floor)';
/** Tiny tasks per batch: long enough for the clock (~0.1 s), short enough for many alternations. */
const BATCH = 20_000;
/** Alternations per repeat of the suite. */
const PAIRS_PER_REPEAT = 12;

function executor(measured: boolean): Executor {
  if (measured) return createExecutor({ backend: 'async' });
  process.env.UNIFIED_EXECUTOR_MEASURE = '0';
  try {
    return createExecutor({ backend: 'async' });
  } finally {
    delete process.env.UNIFIED_EXECUTOR_MEASURE;
  }
}

export async function measurementOverhead(config: BenchConfig): Promise<Row[]> {
  const size = Math.min(config.tiny, BATCH);
  const pairs = config.repeats * PAIRS_PER_REPEAT;
  const on = { name: MEASURED, executor: executor(true), rates: [] as number[] };
  const off = { name: UNMEASURED, executor: executor(false), rates: [] as number[] };
  const again = { name: UNMEASURED_AGAIN, executor: executor(false), rates: [] as number[] };
  const batch = async (c: typeof on) => {
    const ms = await withDeadline(timed(() => feed(size, (i) => c.executor.run(tasks.echo, i))), c.name);
    c.rates.push(size / (ms / 1000));
  };
  try {
    progress(`measurement overhead: ${pairs} alternations of ${size} tiny tasks, measured and not`);
    for (const c of [on, off, again]) await withDeadline(feed(config.tinyWarmup, (i) => c.executor.run(tasks.echo, i)), c.name);
    for (let p = 0; p < pairs; p++) {
      for (const c of p % 2 === 0 ? [on, off] : [off, on]) await batch(c);
      for (const c of p % 2 === 0 ? [again, off] : [off, again]) await batch(c);
    }
    // `off` ran twice per alternation: keep one of each pair so all three have as many samples.
    const offRates = off.rates.filter((_, i) => i % 2 === 0);
    return [
      [on.name, on.rates],
      [off.name, offRates],
      [again.name, again.rates],
    ].map(([name, samples]) =>
      row({ workload: 'tiny', case: OVERHEAD_CASE, family: 'async', name: name as string, ours: true, metric: 'tasks/s' }, samples as number[]),
    );
  } finally {
    await Promise.all([on, off, again].map((c) => c.executor.close()));
  }
}
