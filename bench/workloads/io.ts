/**
 * Workload 3: the guide's I/O classes on our three backends. Each backend is
 * created the way the policy would size it for the traits the user declares
 * (`ioBound`, `expectedCount` = tasks submitted), and every backend gets the
 * class's tasks through `map` with `concurrency` = the class's in-flight count.
 */
import { availableParallelism } from 'node:os';
import { createExecutor, type Executor, type TaskTraits } from 'unified-executor';
import type { BenchConfig, IoClass } from '../config.js';
import { tasks, type Family } from '../comparators.js';
import { interleaved, progress, timed, withDeadline } from '../harness.js';
import { row, type Row } from '../results.js';

export const BACKENDS: Family[] = ['async', 'thread', 'process'];

/** What a user would declare for this class. */
export function ioTraits(io: IoClass): TaskTraits {
  return { ioBound: true, expectedCount: io.tasks };
}

function executorFor(backend: Family, io: IoClass, workers: number): Executor {
  // The policy sizes the process backend for CPU (one call per child): 2 in
  // flight would turn 10,000 x 10 ms into 50 s. It gets the class's in-flight
  // count spread over its children instead, the most it could do here.
  const processSizing = backend === 'process' ? { maxWorkers: workers, concurrentTasksPerWorker: Math.ceil(io.inFlight / workers) } : {};
  // The thread pool starts all the threads the policy sizes it with (sizing.ts
  // ioThreadCount: min(32, cores + 4)) at once, so none starts mid-measurement.
  const threadSizing = backend === 'thread' ? { minWorkers: Math.min(32, availableParallelism() + 4) } : {};
  return createExecutor({ backend, traits: ioTraits(io), execArgv: [], ...processSizing, ...threadSizing });
}

async function pass(executor: Executor, io: IoClass, count: number): Promise<void> {
  const inputs = new Array<number>(count).fill(io.waitMs);
  for await (const _ of executor.map(tasks[io.task], inputs, { concurrency: io.inFlight }));
}

export async function ioWorkloads(config: BenchConfig): Promise<Row[]> {
  const rows: Row[] = [];
  for (const io of config.io) {
    const executors = BACKENDS.map((backend) => ({ backend, executor: executorFor(backend, io, config.workers) }));
    try {
      progress(`${io.id}: ${io.tasks} x ${io.task}(${io.waitMs} ms) at ${io.inFlight} in flight x ${config.repeats}`);
      // Warm-up: threads and children started (the thread pool grows to its I/O size), modules loaded.
      for (const entry of executors) {
        const warmUp = () => withDeadline(pass(entry.executor, io, Math.min(io.tasks, io.inFlight)), entry);
        // Node 20 sometimes kills a fresh thread whose first calls import the task module
        // concurrently (ERR_INTERNAL_ASSERTION "imported again after being required"):
        // the pool replaces it; one more warm-up pass then finds every thread loaded.
        await warmUp().catch((error: Error) => {
          progress(`warning: ${entry.backend} warm-up failed (${error.message.split('\n')[0]}); retrying once`);
          return warmUp();
        });
      }
      const times = await interleaved(executors, config.repeats, ({ executor }) => timed(() => pass(executor, io, io.tasks)));
      for (const [{ backend }, samples] of times) {
        rows.push(row({ workload: 'io', case: io.id, family: backend, name: `ours ${backend}`, ours: true, metric: 'ms' }, samples));
      }
    } finally {
      await Promise.all(executors.map(({ executor }) => executor.close()));
    }
  }
  return rows;
}
