/**
 * Part of the contract suite: API.md "Slots, dispatch ahead, and priority",
 * on every backend. A pool may hand a worker calls ahead of the one it runs;
 * such a call has not started. (On the async backend and the distributed one
 * nothing is sent ahead, and these hold trivially.)
 */
import { describe, expect, it } from 'vitest';
import { createExecutor, type ExecutorOptions, type WorkerExitEvent } from 'unified-executor';
import { backendsUnderTest } from './backends-under-test.js';
import { destroyAfterEach, setUpBackend, started } from './helpers.js';
import * as tasks from './tasks.js';

describe.each(backendsUnderTest)('calls sent ahead on the $name backend', (backend) => {
  const track = destroyAfterEach();
  const make = (slots: number, options: ExecutorOptions = {}) => track(createExecutor({ ...backend.slots(slots), ...options }));
  setUpBackend(backend);

  /** Runs `sleep` in the one slot, and once it has started, the tasks of `then` behind it; their order of completion. */
  async function behindABlocker(executor: ReturnType<typeof make>, then: (order: string[]) => Promise<unknown>[]): Promise<string[]> {
    const order: string[] = [];
    const first = started(executor);
    const blocker = executor.run(tasks.sleep, { ms: 300, value: 'blocker' });
    await first;
    await Promise.all([blocker, ...then(order)]);
    return order;
  }

  it('what is sent ahead is bounded: after thousands of tiny calls, a high-priority call still passes most of a long queue', async () => {
    const executor = make(1);
    // Tiny calls: the pool measures them and deepens its window (about 1 ms of run time per worker).
    await Promise.all(Array.from({ length: 3000 }, (_, i) => executor.run(tasks.double, i)));
    const lows = Array.from({ length: 2000 }, (_, i) => `low-${i}`);
    const order = await behindABlocker(executor, (order) => [
      ...lows.map((low) => executor.run(tasks.echo, low).then((v) => order.push(v as string))),
      executor.run(tasks.echo, 'high', { priority: 10 }).then((v) => order.push(v as string)),
    ]);
    const sentAhead = order.indexOf('high');
    // 2000 lows, and well under 2000 of them were in a worker's hands when `high` came.
    expect(sentAhead).toBeGreaterThanOrEqual(0);
    expect(sentAhead).toBeLessThan(500);
    expect(order).toEqual([...lows.slice(0, sentAhead), 'high', ...lows.slice(sentAhead)]);
  });

  it('a call sent ahead has its timeout counted from its start, not from when it was sent', async () => {
    const executor = make(1);
    const order = await behindABlocker(executor, (order) => [
      // Waits ~300 ms behind the blocker (in the pool or in its worker), then takes a moment.
      executor.run(tasks.sleep, { ms: 20, value: 'ahead' }, { timeout: 200 }).then((v) => order.push(v as string)),
    ]);
    expect(order).toEqual(['ahead']);
  });

  it('aborting a call sent ahead rejects it with the reason and leaves its worker alive', async () => {
    const executor = make(1);
    const exits: WorkerExitEvent[] = [];
    executor.on('workerExit', (event) => exits.push(event));
    const first = started(executor);
    const blocker = executor.run(tasks.sleep, { ms: 300, value: 'blocker' });
    await first;
    const controller = new AbortController();
    const ahead = executor.run(tasks.sleep, { ms: 10, value: 'aborted' }, { signal: controller.signal });
    const after = executor.run(tasks.echo, 'after');
    // Time for the pool to send it ahead (it sends at the end of the turn).
    await new Promise((resolve) => setTimeout(resolve, 50));
    const reason = new Error('not needed after all');
    controller.abort(reason);
    await expect(ahead).rejects.toBe(reason);
    expect(await blocker).toBe('blocker');
    expect(await after).toBe('after');
    expect(exits).toEqual([]);
    expect(executor.stats()).toMatchObject({ cancelled: 1, failed: 0, queued: 0, running: 0 });
  });

  // Bug (found by CI, under load): a call sent to a worker still starting was aborted; the pool
  // took its slot as free and gave the worker the next call, but the worker had started the
  // aborted one and was ended for it, failing the next call with WorkerCrashedError.
  it('an abort right after a call reached a starting worker does not fail the calls after it', async () => {
    const executor = make(1);
    const controller = new AbortController();
    const doomed = executor.run(tasks.hang, null, { signal: controller.signal });
    controller.abort();
    await expect(doomed).rejects.toMatchObject({ name: 'AbortError' });
    expect(await Promise.all([1, 2, 3].map((n) => executor.run(tasks.double, n)))).toEqual([2, 4, 6]);
  });
});
