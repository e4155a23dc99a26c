/**
 * Progress (issue 20, "a task that reports 10,000 times costs no more than
 * 10,000 tiny calls"): one task reports VALUES values through ctx.progress(),
 * each to the caller's onProgress, on every local backend. The cost per value
 * is the run's time less that of the same task reporting nothing, over VALUES;
 * the report sets it beside the same backend's µs per tiny `run` (section 1).
 */
import { createExecutor, defineTask, type TaskContext } from 'unified-executor';
import type { BenchConfig } from '../config.js';
import { interleaved, progress, timed, withDeadline } from '../harness.js';
import { row, type Row } from '../results.js';

/** The rows' case: kept out of section 1's table, shown in their own. */
export const PROGRESS_CASE = 'progress';
export const VALUES = 10_000;

const report = defineTask<(count: number, ctx: TaskContext<number>) => number>(new URL('../tasks/work.mjs', import.meta.url), 'report');

export async function progressCost(config: BenchConfig): Promise<Row[]> {
  const backends = ['async', 'thread', 'process'] as const;
  const executors = backends.map((backend) => ({ backend, executor: createExecutor({ backend, maxWorkers: 1 }) }));
  const rows: Row[] = [];
  try {
    let received = 0;
    const onProgress = () => void received++;
    const once = async (executor: (typeof executors)[number]['executor'], count: number) => {
      received = 0;
      const ms = await timed(() => executor.run(report, count, { onProgress }));
      if (received !== count) throw new Error(`progress bench: ${received} of ${count} values arrived`);
      return ms;
    };
    progress(`progress: ${VALUES} values from one task, on each backend, x ${config.repeats}`);
    for (const { executor, backend } of executors) await withDeadline(once(executor, VALUES).then(() => once(executor, 0)), backend);
    const results = await interleaved(executors, config.repeats, async ({ executor }) => {
      // The same task reporting nothing: what is left is the values' cost.
      const base = Math.min(await once(executor, 0), await once(executor, 0));
      const ms = await once(executor, VALUES);
      return VALUES / (Math.max(ms - base, 1e-3) / 1000);
    });
    for (const [{ backend }, rates] of results) {
      rows.push(row({ workload: 'tiny', case: PROGRESS_CASE, family: backend, name: `ours ${backend}, progress`, ours: true, metric: 'tasks/s' }, rates));
    }
  } finally {
    await Promise.all(executors.map(({ executor }) => executor.close()));
  }
  return rows;
}
