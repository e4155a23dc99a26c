/** What only the async backend does: in-process functions and the event-loop block warning. */
import { afterEach, describe, expect, it } from 'vitest';
import { createExecutor, defineTask, TaskTimeoutError, type Executor, type WarningEvent } from 'unified-executor';

let executor: Executor;
afterEach(() => executor?.destroy());

function busyWait(ms: number) {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // blocking on purpose
  }
}

describe('async backend', () => {
  it('warns, naming the task, when a task blocks the event loop before its first await', async () => {
    executor = createExecutor({ backend: 'async', blockWarningMs: 50 });
    const warnings: WarningEvent[] = [];
    executor.on('warning', (w) => warnings.push(w));
    const forgotAnAwait = function forgotAnAwait() {
      busyWait(120);
      return 'done';
    };
    expect(await executor.run(forgotAnAwait, null)).toBe('done');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ type: 'event-loop-blocked', backend: 'async', task: 'forgotAnAwait' });
    expect(warnings[0]!.delayMs).toBeGreaterThanOrEqual(100);
    expect(warnings[0]!.message).toContain('forgotAnAwait');
  });

  it('warns, naming the running task, when it blocks after an await', async () => {
    executor = createExecutor({ backend: 'async', blockWarningMs: 50 });
    const warnings: WarningEvent[] = [];
    executor.on('warning', (w) => warnings.push(w));
    const blocksLater = async function blocksLater() {
      await new Promise((resolve) => setTimeout(resolve, 30));
      busyWait(150);
      await new Promise((resolve) => setTimeout(resolve, 60));
      return 'done';
    };
    expect(await executor.run(blocksLater, null)).toBe('done');
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings[0]!.task).toContain('blocksLater');
  });

  it('stays quiet for tasks that await properly', async () => {
    executor = createExecutor({ backend: 'async', blockWarningMs: 50 });
    const warnings: WarningEvent[] = [];
    executor.on('warning', (w) => warnings.push(w));
    const polite = async (ms: number) => new Promise((resolve) => setTimeout(resolve, ms, ms));
    // A probe of the test's own: on a loaded machine the whole thread can wait
    // for a CPU (83 ms seen at load 20), and the detector rightly reports that
    // lateness. A warning is a false one if the probe saw no such stall.
    let stall = 0;
    let last = performance.now();
    const probe = setInterval(() => {
      const now = performance.now();
      stall = Math.max(stall, now - last - 5);
      last = now;
    }, 5);
    await Promise.all(Array.from({ length: 50 }, (_, i) => executor.run(polite, i)));
    clearInterval(probe);
    // The detector's timer ticks every 20 ms: its lateness can exceed the probe's by up to that.
    expect(warnings.filter((w) => !(w.type === 'event-loop-blocked' && w.delayMs! <= stall + 25))).toEqual([]);
  });

  it('runs many concurrent tasks up to its concurrency, sharing state safely on one thread', async () => {
    executor = createExecutor({ backend: 'async', concurrency: 100 });
    let inFlight = 0;
    let peak = 0;
    const task = async (i: number) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return i;
    };
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => executor.run(task, i)));
    expect(results[999]).toBe(999);
    expect(peak).toBe(100);
  });

  it('defaults its concurrency to expectedCount when declared, else 500', () => {
    expect(createExecutor({ backend: 'async' }).explain().size).toEqual({ concurrency: 500 });
    expect(createExecutor({ backend: 'async', traits: { expectedCount: 2000 } }).explain().size).toEqual({
      concurrency: 2000,
    });
  });

  // Bug: a task aborted (or timed out) while its module was still importing
  // was rejected at once, but then ran anyway once the import finished.
  it('never starts a task whose timeout fired while its module was importing', async () => {
    executor = createExecutor({ backend: 'async' });
    const count = defineTask<(x: number) => number>(new URL('../fixtures/slow-import.mjs', import.meta.url), 'count');
    const calls = () => (globalThis as { __slowImportCalls?: number }).__slowImportCalls ?? 0;
    const before = calls();
    await expect(executor.run(count, 1, { timeout: 50 })).rejects.toBeInstanceOf(TaskTimeoutError);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(calls()).toBe(before);
    expect(await executor.run(count, 2)).toBe(2);
    expect(calls()).toBe(before + 1);
  });
});
