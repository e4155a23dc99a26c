/** backend: 'auto' — each task routed by its traits, backends created lazily. */
import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { createExecutor, defineTask, TaskNotPortableError, type Executor } from 'unified-executor';

const values = new URL('./fixtures/values.mjs', import.meta.url);
type Where = { pid: number; threadId: number; isMainThread: boolean };
const whereCpu = defineTask<() => Promise<Where>>(values, 'whereAmI', { cpuBound: true });
const whereFewIo = defineTask<() => Promise<Where>>(values, 'whereAmI', { ioBound: true, expectedCount: 20 });
const whereManyIo = defineTask<() => Promise<Where>>(values, 'whereAmI', { ioBound: true, expectedCount: 1000 });
const barrier = new URL('./fixtures/barrier.mjs', import.meta.url);
const gatherFewIo = defineTask<(x: { cell: SharedArrayBuffer; count: number; ms: number }) => Promise<number>>(barrier, 'gather', {
  ioBound: true,
  expectedCount: 400,
});

let executor: Executor;
afterEach(() => executor?.destroy());

describe('auto-select', () => {
  it('runs a mixed pipeline where the policy says: CPU in a child, few I/O in a thread, many I/O on the main thread', async () => {
    executor = createExecutor();
    const spawned: string[] = [];
    executor.on('workerSpawn', (e) => spawned.push(e.backend));
    const [cpu, fewIo, manyIo] = await Promise.all([
      executor.run(whereCpu, undefined),
      executor.run(whereFewIo, undefined),
      executor.run(whereManyIo, undefined),
    ]);
    expect(cpu.pid).not.toBe(process.pid);
    expect(fewIo).toMatchObject({ pid: process.pid, isMainThread: false });
    expect(manyIo).toMatchObject({ pid: process.pid, isMainThread: true });
    expect(new Set(spawned)).toEqual(new Set(['process', 'thread']));
    const stats = executor.stats();
    expect(stats).toMatchObject({ backend: 'auto', completed: 3, submitted: 3 });
    expect(Object.keys(stats.backends!).sort()).toEqual(['async', 'process', 'thread']);
    expect(stats.backends!.process).toMatchObject({ completed: 1 });
    await executor.close();
    expect(executor.stats().workers).toBe(0);
  });

  it('explains each choice with the rule, the reason and the size, without running anything', () => {
    executor = createExecutor();
    const cpus = availableParallelism();
    expect(executor.explain(whereCpu)).toMatchObject({
      backend: 'process',
      rule: 'cpu-bound',
      size: { maxWorkers: cpus, concurrentTasksPerWorker: 1 },
    });
    const fewIo = executor.explain(whereFewIo);
    expect(fewIo).toMatchObject({ backend: 'thread', rule: 'io-few', size: { maxWorkers: Math.min(32, cpus + 4) } });
    expect(fewIo.reason).toContain('expectedCount 20 <= 500');
    expect(executor.explain(whereManyIo)).toMatchObject({ backend: 'async', rule: 'io-many', size: { concurrency: 1000 } });
    expect(executor.explain()).toMatchObject({ backend: 'async', rule: 'no-traits' });
    expect(executor.stats().backends).toEqual({});
  });

  it("merges the task's traits over the executor's, and explicit options win over sizing", () => {
    executor = createExecutor({ traits: { ioBound: true, expectedCount: 10 }, maxWorkers: 3 });
    const plain = defineTask(values, 'double');
    expect(executor.explain(plain)).toMatchObject({ backend: 'thread', rule: 'io-few', size: { maxWorkers: 3 } });
    expect(executor.explain(whereCpu)).toMatchObject({ backend: 'process', size: { maxWorkers: 3 } });
  });

  it('sizes a thread pool chosen for I/O so 400 waiting tasks do not queue behind the cores', async () => {
    executor = createExecutor();
    let running = 0;
    let peak = 0;
    executor.on('taskStart', () => (peak = Math.max(peak, ++running)));
    executor.on('taskEnd', () => running--);
    // Each call waits for all 400 to be running at once (a barrier in shared
    // memory), so the peak is the pool's size, not how its workers' start
    // times happened to overlap a short sleep: under load the 6 threads get
    // ready tens of ms apart, and 10 ms sleeps measured 134 (two workers of 67).
    const cell = new SharedArrayBuffer(4);
    const met = await Promise.all(Array.from({ length: 400 }, () => executor.run(gatherFewIo, { cell, count: 400, ms: 20_000 })));
    expect(executor.stats().backends!.thread).toBeDefined();
    // A CPU-sized pool would run 2 at a time here (and the barrier would give up
    // after its 20 s); an I/O-sized one runs them all at once.
    expect(Math.min(...met)).toBe(400);
    expect(peak).toBe(400);
  });

  it('refuses a plain function that the policy sends to a pool, naming the rule', async () => {
    executor = createExecutor({ traits: { cpuBound: true } });
    const error = await executor.run((n: number) => n, 1).catch((e) => e);
    expect(error).toBeInstanceOf(TaskNotPortableError);
    expect(error.message).toContain("rule 'cpu-bound'");
    expect(error.message).toContain('defineTask');
  });

  it('honours policy overrides when routing', async () => {
    executor = createExecutor({ policy: { backends: { 'cpu-bound': 'async' } } });
    const where = await executor.run(whereCpu, undefined);
    expect(where).toMatchObject({ pid: process.pid, isMainThread: true });
    expect(executor.explain(whereCpu).rule).toBe('cpu-bound');
  });
});
