/**
 * The async backend's direct path starts a call at once, without p-queue,
 * when nothing waits and a slot is free (what p-queue itself would do inside
 * add()). These tests pin what must not change with it: the concurrency
 * bound, the order of waiting calls, the counts and events, destroy().
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createExecutor, ExecutorClosedError, type Executor } from 'unified-executor';
import { outcome } from '../contract/helpers.js';

let executor: Executor;
afterEach(() => executor?.destroy());

interface Deferred {
  promise: Promise<string>;
  resolve: (value: string) => void;
}

function deferred(): Deferred {
  let resolve!: (value: string) => void;
  const promise = new Promise<string>((r) => (resolve = r));
  return { promise, resolve };
}

/** A microtask and a macrotask: p-queue frees its slots a few microtasks after a call settles. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('async backend: a call that finds a free slot starts at once', () => {
  it('settles a call that returns a plain value before run() returns, so its slot is free for the next call', async () => {
    executor = createExecutor({ backend: 'async', concurrency: 1 });
    let ran = 0;
    const starts: number[] = [];
    executor.on('taskStart', ({ id }) => starts.push(id));
    let ends = 0;
    executor.on('taskEnd', () => ends++);
    const count = (i: number) => {
      ran++;
      return i;
    };
    const results: Promise<number>[] = [];
    for (let i = 0; i < 1_000; i++) {
      results.push(executor.run(count, i));
      // Ran inside run(), although only one slot exists and 999 calls came before it.
      expect(ran).toBe(i + 1);
    }
    expect(await Promise.all(results)).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
    expect(starts).toHaveLength(1_000);
    expect(ends).toBe(1_000);
    expect(executor.stats()).toMatchObject({ queued: 0, running: 0, submitted: 1_000, completed: 1_000, failed: 0 });
  });

  it('rejects a call that throws, and counts it failed', async () => {
    executor = createExecutor({ backend: 'async', concurrency: 1 });
    const errors: unknown[] = [];
    executor.on('taskError', ({ error }) => errors.push(error));
    const boom = () => {
      throw new RangeError('boom');
    };
    const result = await outcome(executor.run(boom, null));
    expect(result).toMatchObject({ ok: false, error: { name: 'RangeError', message: 'boom' } });
    expect(errors).toHaveLength(1);
    expect(executor.stats()).toMatchObject({ running: 0, failed: 1, completed: 0 });
  });

  it('keeps a call that returns a promise in its slot until it settles: never more than `concurrency` run', async () => {
    executor = createExecutor({ backend: 'async', concurrency: 2 });
    const gates = Array.from({ length: 5 }, () => deferred());
    let inFlight = 0;
    let peak = 0;
    const started: number[] = [];
    const wait = async (i: number) => {
      started.push(i);
      peak = Math.max(peak, ++inFlight);
      const value = await gates[i]!.promise;
      inFlight--;
      return value;
    };
    const results = gates.map((_, i) => executor.run(wait, i));
    expect(started).toEqual([0, 1]);
    expect(executor.stats()).toMatchObject({ running: 2, queued: 3 });
    for (let i = 0; i < gates.length; i++) {
      gates[i]!.resolve(`done ${i}`);
      expect(await results[i]).toBe(`done ${i}`);
      await settle();
      expect(started).toEqual([0, 1, 2, 3, 4].slice(0, Math.min(5, i + 3)));
    }
    expect(peak).toBe(2);
    expect(executor.stats()).toMatchObject({ running: 0, queued: 0, completed: 5 });
  });

  it('shares the slots with calls that carry a signal (the Job path)', async () => {
    executor = createExecutor({ backend: 'async', concurrency: 2 });
    const gates = [deferred(), deferred(), deferred()];
    const started: string[] = [];
    const wait = async (name: string) => {
      started.push(name);
      return gates[['direct', 'job', 'third'].indexOf(name)]!.promise;
    };
    const direct = executor.run(wait, 'direct');
    const job = executor.run(wait, 'job', { signal: new AbortController().signal });
    const third = executor.run(wait, 'third');
    expect(started).toEqual(['direct', 'job']);
    expect(executor.stats()).toMatchObject({ running: 2, queued: 1 });
    gates[0]!.resolve('a');
    expect(await direct).toBe('a');
    await settle();
    expect(started).toEqual(['direct', 'job', 'third']);
    gates[1]!.resolve('b');
    gates[2]!.resolve('c');
    expect(await Promise.all([job, third])).toEqual(['b', 'c']);
  });

  it('queues a call behind waiting ones, by priority, even if a slot frees meanwhile', async () => {
    executor = createExecutor({ backend: 'async', concurrency: 1 });
    const gate = deferred();
    const order: string[] = [];
    const first = executor.run(() => gate.promise, null);
    const low = executor.run((name: string) => order.push(name), 'low');
    const high = executor.run((name: string) => order.push(name), 'high', { priority: 5 });
    expect(order).toEqual([]);
    gate.resolve('first');
    await Promise.all([first, low, high]);
    expect(order).toEqual(['high', 'low']);
  });

  it('calls waiting in the direct line keep their place: a job or a call submitted later starts after them', async () => {
    executor = createExecutor({ backend: 'async', concurrency: 1 });
    const gate = deferred();
    const order: string[] = [];
    const push = (name: string) => order.push(name);
    const first = executor.run(() => gate.promise, null);
    const early = [executor.run(push, 'a'), executor.run(push, 'b')];
    expect(executor.stats()).toMatchObject({ running: 1, queued: 2 });
    const job = executor.run(push, 'job', { signal: new AbortController().signal });
    const late = executor.run(push, 'c');
    expect(executor.stats()).toMatchObject({ running: 1, queued: 4 });
    gate.resolve('first');
    await Promise.all([first, ...early, job, late]);
    expect(order).toEqual(['a', 'b', 'job', 'c']);
  });

  it('starts the direct line in a slot a job frees', async () => {
    executor = createExecutor({ backend: 'async', concurrency: 2 });
    const gates = [deferred(), deferred()];
    const started: string[] = [];
    const wait = async (name: string) => {
      started.push(name);
      return name === 'x' || name === 'y' ? name : gates[Number(name)]!.promise;
    };
    const signal = new AbortController().signal;
    const jobs = [executor.run(wait, '0', { signal }), executor.run(wait, '1', { signal })];
    const line = [executor.run(wait, 'x'), executor.run(wait, 'y')];
    expect(executor.stats()).toMatchObject({ running: 2, queued: 2 });
    gates[0]!.resolve('0');
    expect(await Promise.all(line)).toEqual(['x', 'y']);
    expect(started).toEqual(['0', '1', 'x', 'y']);
    gates[1]!.resolve('1');
    expect(await Promise.all(jobs)).toEqual(['0', '1']);
    expect(executor.stats()).toMatchObject({ running: 0, queued: 0, completed: 4 });
  });

  it('holds the direct line while paused, and runs it in order on resume', async () => {
    executor = createExecutor({ backend: 'async', concurrency: 1 });
    const gate = deferred();
    const order: string[] = [];
    const push = (name: string) => order.push(name);
    const first = executor.run(() => gate.promise, null);
    const waiting = [executor.run(push, 'a'), executor.run(push, 'b')];
    executor.pause();
    gate.resolve('first');
    expect(await first).toBe('first');
    await settle();
    expect(order).toEqual([]);
    expect(executor.stats()).toMatchObject({ running: 0, queued: 2 });
    const whilePaused = executor.run(push, 'c');
    executor.resume();
    await Promise.all([...waiting, whilePaused]);
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('rejects a running call that started at once when the executor is destroyed', async () => {
    executor = createExecutor({ backend: 'async', concurrency: 1 });
    const never = outcome(executor.run(() => new Promise(() => undefined), null));
    const queued = outcome(executor.run(() => 'never runs', null));
    await executor.destroy();
    expect(await never).toMatchObject({ ok: false, error: expect.any(ExecutorClosedError) });
    expect(await queued).toMatchObject({ ok: false, error: expect.any(ExecutorClosedError) });
  });
});
