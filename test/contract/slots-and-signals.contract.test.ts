/**
 * Part of the contract suite (shared/API.md "Slots, dispatch ahead, and
 * priority", "Distributed parity"), run on every backend:
 * - a slot is free the moment a task's promise settles, so a caller that
 *   awaited a result and submits a burst meets exactly `slots + maxQueue`;
 * - one AbortSignal shared by many runs adds one listener, not one per run
 *   (no MaxListenersExceededWarning), and still aborts every task.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createExecutor, QueueFullError, type ExecutorOptions } from 'unified-executor';
import { backendsUnderTest } from './backends-under-test.js';
import { destroyAfterEach, outcome, setUpBackend } from './helpers.js';
import * as tasks from './tasks.js';

describe.each(backendsUnderTest)('slots and shared signals on the $name backend', (backend) => {
  const track = destroyAfterEach();
  const make = (slots: number, options: ExecutorOptions = {}) => track(createExecutor({ ...backend.slots(slots), ...options }));
  setUpBackend(backend);

  let warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  beforeEach(() => {
    warnings = [];
    process.on('warning', onWarning);
  });
  afterEach(() => {
    process.off('warning', onWarning);
  });

  // Bug: the slot of a settled task was released a few microtasks after the
  // caller's `await` resumed, so the burst below met one slot fewer
  // (`QueueFullError: ... 2 tasks are waiting (maxQueue 2) and 0 running`).
  it.each([1, 2])('after `await run()`, a burst of slots (%i) + maxQueue tasks is accepted and the next refused', async (slots) => {
    const maxQueue = 2;
    const executor = make(slots, { maxQueue });
    expect(await executor.run(tasks.double, 1)).toBe(2);
    const burst = Array.from({ length: slots + maxQueue }, (_, i) => executor.run(tasks.sleep, { ms: 50, value: i }));
    const refused = await outcome(executor.run(tasks.echo, 'one too many'));
    expect(refused.ok).toBe(false);
    expect((refused as { error: unknown }).error).toBeInstanceOf(QueueFullError);
    expect(await Promise.all(burst)).toEqual(Array.from({ length: slots + maxQueue }, (_, i) => i));
  });

  it('a slot freed by a result is taken at once by the next submission, without QueueFullError', async () => {
    const executor = make(1, { maxQueue: 0 });
    for (let i = 0; i < 20; i++) expect(await executor.run(tasks.double, i)).toBe(2 * i);
  });

  it('200 runs sharing one signal add no listener warning, and all abort with its reason', async () => {
    const executor = make(2);
    const controller = new AbortController();
    const runs = Array.from({ length: 200 }, () => outcome(executor.run(tasks.hang, null, { signal: controller.signal })));
    // Let the first ones start (and the rest queue) before the abort.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const reason = new Error('batch cancelled');
    controller.abort(reason);
    const results = await Promise.all(runs);
    expect(results.every((r) => !r.ok && r.error === reason)).toBe(true);
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
    // The executor goes on.
    expect(await executor.run(tasks.double, 21)).toBe(42);
  });

  it('runs that finish remove their listener: a long-lived signal shared by 200 sequential runs stays quiet', async () => {
    const executor = make(2);
    const controller = new AbortController();
    await Promise.all(Array.from({ length: 200 }, (_, i) => executor.run(tasks.double, i, { signal: controller.signal })));
    for (let i = 0; i < 20; i++) await executor.run(tasks.double, i, { signal: controller.signal });
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
    // Still live: a later run on the same signal aborts with it.
    const pending = outcome(executor.run(tasks.hang, null, { signal: controller.signal }));
    controller.abort();
    const result = await pending;
    expect(result.ok).toBe(false);
    expect((result as { error: Error }).error.name).toBe('AbortError');
  });
});
