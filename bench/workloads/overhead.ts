/**
 * What measuring costs (issue 13: "tiny tasks pay at most 3 %"): tiny `run`
 * on the async backend with measurement on (the default) and off
 * (UNIFIED_EXECUTOR_MEASURE=0 when the executor is created), interleaved.
 * The async backend is where it costs most: its tiny calls are the cheapest
 * (~8 µs), and it measures on the caller's own thread.
 */
import { createExecutor, type Executor } from 'unified-executor';
import type { BenchConfig } from '../config.js';
import { tasks } from '../comparators.js';
import { feed, interleaved, progress, timed, withDeadline } from '../harness.js';
import { row, type Row } from '../results.js';

/** The rows' case: kept out of section 1's table, shown in their own. */
export const OVERHEAD_CASE = 'measurement';
export const MEASURED = 'ours async, measured';
export const UNMEASURED = 'ours async, unmeasured';

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
  const contenders = [
    { name: MEASURED, executor: executor(true) },
    { name: UNMEASURED, executor: executor(false) },
  ];
  const batch = (e: Executor, count: number) => feed(count, (i) => e.run(tasks.echo, i));
  try {
    progress(`measurement overhead: ${config.tiny} tiny tasks on async, measured and not, x ${config.repeats * 2}`);
    for (const c of contenders) await withDeadline(batch(c.executor, config.tinyWarmup), c);
    // Twice the usual repeats: the difference sought (a few %) is near the noise of one repeat.
    const rates = await interleaved(contenders, config.repeats * 2, async (c) => config.tiny / ((await timed(() => batch(c.executor, config.tiny))) / 1000));
    return [...rates].map(([c, samples]) =>
      row({ workload: 'tiny', case: OVERHEAD_CASE, family: 'async', name: c.name, ours: true, metric: 'tasks/s' }, samples),
    );
  } finally {
    await Promise.all(contenders.map((c) => c.executor.close()));
  }
}
