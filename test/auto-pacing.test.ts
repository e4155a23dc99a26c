/** backend: 'auto' with pacing: one rate-limit budget, one pause, one room count for every backend it creates. */
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createExecutor, defineTask, type Executor, type TaskEvent } from 'unified-executor';

const values = new URL('./fixtures/values.mjs', import.meta.url);
// Routed by the policy: a thread pool (io-few) and the async queue (a plain function, no traits).
const doubleInThread = defineTask<(n: number) => number>(values, 'double', { ioBound: true, expectedCount: 4 });
const doubleHere = (n: number) => n * 2;

let executor: Executor;
afterEach(() => executor?.destroy());

function busiestWindow(starts: number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < starts.length; i++) {
    while (j < starts.length && starts[j]! - starts[i]! < windowMs) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

describe('auto with pacing', () => {
  it('rateLimit is one budget for all the backends it creates', async () => {
    executor = createExecutor({ rateLimit: { limit: 5, intervalMs: 200 } });
    // Both backends exist and the thread is up before the clock runs.
    await Promise.all([executor.run(doubleInThread, 1), executor.run(doubleHere, 1)]);
    await delay(250);
    const starts: { at: number; backend: string }[] = [];
    executor.on('taskStart', (event: TaskEvent) => starts.push({ at: performance.now(), backend: event.backend }));
    const began = performance.now();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? executor.run(doubleInThread, i) : executor.run(doubleHere, i))),
    );
    const elapsed = performance.now() - began;
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    expect(new Set(starts.map((s) => s.backend))).toEqual(new Set(['thread', 'async']));
    expect(busiestWindow(starts.map((s) => s.at), 200)).toBeLessThanOrEqual(5);
    // 20 starts at 5 per 200 ms: the last window opens at 600 ms (two budgets would finish by ~200 ms).
    expect(elapsed).toBeGreaterThanOrEqual(600);
    expect(executor.stats().queued).toBe(0);
  });

  it('pause() holds every backend, a backend created while paused included; onEmpty() counts them all', async () => {
    executor = createExecutor();
    await executor.run(doubleHere, 1);
    executor.pause();
    expect(executor.paused).toBe(true);
    let starts = 0;
    executor.on('taskStart', () => starts++);
    const here = executor.run(doubleHere, 2);
    const inThread = executor.run(doubleInThread, 3); // creates the thread backend, paused
    let empty = false;
    const emptied = executor.onEmpty().then(() => (empty = true));
    await delay(150);
    expect(starts).toBe(0);
    expect(empty).toBe(false);
    expect(executor.stats().queued).toBe(2);
    executor.resume();
    expect(await Promise.all([here, inThread])).toEqual([4, 6]);
    await emptied;
  });
});
