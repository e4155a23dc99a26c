/**
 * What only the thread backend does: real worker threads that crash, run out
 * of heap, get recycled, time out in a synchronous loop, go idle, take
 * transferred buffers and share a thread between waiting tasks.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { destroyAfterEach } from '../contract/helpers.js';
import {
  createExecutor,
  defineTask,
  TaskNotPortableError,
  TaskTimeoutError,
  WorkerCrashedError,
  type Executor,
  type ExecutorOptions,
  type WorkerExitEvent,
} from 'unified-executor';

const fixture = (file: string) => new URL(`../fixtures/${file}`, import.meta.url);
const exitWith = defineTask<(code: number) => never>(fixture('crash.mjs'), 'exitWith');
const exhaustHeap = defineTask<() => never>(fixture('memory.mjs'), 'exhaustHeap');
const describeBuffer = defineTask<(b: ArrayBuffer) => { byteLength: number; first: number }>(fixture('buffers.mjs'), 'describeBuffer');
const returnsFunction = defineTask<() => unknown>(fixture('uncloneable.mjs'), 'returnsFunction');
const whereAmI = defineTask<() => { threadId: number; isMainThread: boolean }>(fixture('values.mjs'), 'whereAmI');
const spin = defineTask<(ms: number) => number>(fixture('timing.mjs'), 'spin');
const hang = defineTask<(x: unknown) => Promise<never>>(fixture('timing.mjs'), 'hang');
const overlap = defineTask<(ms: number) => Promise<{ peak: number; threadId: number }>>(fixture('overlap.mjs'), 'overlap');

const track = destroyAfterEach();
const threads = (options: ExecutorOptions = {}) => track(createExecutor({ backend: 'thread', ...options }));

/** Resolves with the next `workerExit` event (optionally of one thread). */
function nextExit(executor: Executor, id?: number): Promise<WorkerExitEvent> {
  return new Promise((resolve) => {
    const onExit = (event: WorkerExitEvent) => {
      if (id !== undefined && event.id !== id) return;
      executor.off('workerExit', onExit);
      resolve(event);
    };
    executor.on('workerExit', onExit);
  });
}

describe('thread backend', () => {
  it('runs tasks off the main thread', async () => {
    const executor = threads({ maxWorkers: 1 });
    const where = await executor.run(whereAmI, undefined);
    expect(where.isMainThread).toBe(false);
    expect(where.threadId).toBeGreaterThan(0);
  });

  it('rejects only the task whose thread exits, with WorkerCrashedError and the exit code; the pool replaces it', async () => {
    const executor = threads({ maxWorkers: 1 });
    const before = await executor.run(whereAmI, undefined);
    const exited = nextExit(executor, before.threadId);
    const error = await executor.run(exitWith, 7).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect((error as WorkerCrashedError).code).toBe('ERR_WORKER_CRASHED');
    expect((error as Error).message).toMatch(/exit code 7/);
    expect((error as Error).message).toContain('crash.mjs#exitWith');
    expect((await exited).code).toBe(7);
    const after = await executor.run(whereAmI, undefined);
    expect(after.threadId).not.toBe(before.threadId);
    expect(executor.stats()).toMatchObject({ completed: 2, failed: 1 });
  });

  it('ends a thread stuck in a synchronous loop on timeout, and replaces it', async () => {
    const executor = threads({ maxWorkers: 1 });
    const before = await executor.run(whereAmI, undefined);
    const exited = nextExit(executor, before.threadId);
    const began = performance.now();
    // The loop would run 60 s; the timeout must stop it long before.
    const error = await executor.run(spin, 60_000, { timeout: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskTimeoutError);
    await exited;
    expect(performance.now() - began).toBeLessThan(10_000);
    const after = await executor.run(whereAmI, undefined);
    expect(after.threadId).not.toBe(before.threadId);
  });

  it('ends the thread of an aborted task and rejects with the reason; other threads go on', async () => {
    const executor = threads({ maxWorkers: 2 });
    const controller = new AbortController();
    const exits: WorkerExitEvent[] = [];
    executor.on('workerExit', (event) => exits.push(event));
    const started = new Promise((resolve) => executor.once('taskStart', resolve));
    const hanging = executor.run(hang, undefined, { signal: controller.signal });
    await started;
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(hanging).rejects.toBe(reason);
    await expect(executor.run(whereAmI, undefined)).resolves.toMatchObject({ isMainThread: false });
    await executor.close();
    expect(exits.length).toBeGreaterThanOrEqual(1);
  });

  it('recycles a thread after maxTasksPerWorker tasks, with workerExit/workerSpawn events', async () => {
    const executor = threads({ maxWorkers: 1, minWorkers: 0, maxTasksPerWorker: 2 });
    const spawned: number[] = [];
    const exited: number[] = [];
    executor.on('workerSpawn', (event) => spawned.push(event.id));
    executor.on('workerExit', (event) => exited.push(event.id));
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await executor.run(whereAmI, undefined)).threadId);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).toBe(ids[3]);
    expect(new Set(ids).size).toBe(3);
    // All at once too: calls queued while a thread retires are not stranded.
    const burst = await Promise.all(Array.from({ length: 6 }, () => executor.run(whereAmI, undefined)));
    const perThread = new Map<number, number>();
    for (const { threadId } of burst) perThread.set(threadId, (perThread.get(threadId) ?? 0) + 1);
    expect([...perThread.values()].every((n) => n <= 2)).toBe(true);
    await executor.close();
    expect(spawned).toEqual(expect.arrayContaining([...new Set([...ids, ...perThread.keys()])]));
    // close() resolves only after every thread has exited.
    expect(exited.sort()).toEqual(spawned.sort());
  });

  it('fails a task that runs past resourceLimits.maxOldGenerationSizeMb with WorkerCrashedError; the next task runs', async () => {
    const executor = threads({ maxWorkers: 1, resourceLimits: { maxOldGenerationSizeMb: 32 } });
    const error = await executor.run(exhaustHeap, undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect((error as Error).message).toMatch(/out of memory/);
    expect((error as Error).message).toMatch(/exit code/);
    await expect(executor.run(whereAmI, undefined)).resolves.toMatchObject({ isMainThread: false });
  });

  it('moves transferred ArrayBuffers instead of copying them', async () => {
    const executor = threads({ maxWorkers: 1 });
    const buffer = new ArrayBuffer(1024);
    new Uint8Array(buffer)[0] = 42;
    const seen = await executor.run(describeBuffer, buffer, { transfer: [buffer] });
    expect(seen).toEqual({ byteLength: 1024, first: 42 });
    expect(buffer.byteLength).toBe(0); // detached: it moved
  });

  it('lets idle threads exit after idleTimeout', async () => {
    const executor = threads({ maxWorkers: 2, minWorkers: 0, idleTimeout: 50 });
    const exited = nextExit(executor);
    await executor.run(whereAmI, undefined);
    await exited;
    await expect.poll(() => executor.stats().workers, { timeout: 20_000 }).toBe(0);
    // And comes back when work arrives.
    await expect(executor.run(whereAmI, undefined)).resolves.toMatchObject({ isMainThread: false });
  });

  it('refuses a plain function with TaskNotPortableError pointing to defineTask', async () => {
    const executor = threads({ maxWorkers: 1 });
    const error = await executor.run((x: number) => x + 1, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskNotPortableError);
    expect((error as Error).message).toMatch(/defineTask\(module, exportName\)/);
  });

  it('fails a result that cannot be cloned with TaskNotPortableError naming the task; the thread survives', async () => {
    const executor = threads({ maxWorkers: 1 });
    const exits: WorkerExitEvent[] = [];
    executor.on('workerExit', (event) => exits.push(event));
    const before = await executor.run(whereAmI, undefined);
    const error = await executor.run(returnsFunction, undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskNotPortableError);
    expect((error as Error).message).toContain('uncloneable.mjs#returnsFunction');
    expect((error as Error).message).toMatch(/result\.callback is a function/);
    const after = await executor.run(whereAmI, undefined);
    expect(after.threadId).toBe(before.threadId);
    expect(exits).toEqual([]);
  });

  it('runs waiting tasks side by side on one thread with concurrentTasksPerWorker', async () => {
    const executor = threads({ maxWorkers: 1, concurrentTasksPerWorker: 20 });
    const began = performance.now();
    const results = await Promise.all(Array.from({ length: 20 }, () => executor.run(overlap, 200)));
    // All 20 were inside the one thread at once: the last to finish saw them all.
    expect(new Set(results.map((r) => r.threadId)).size).toBe(1);
    expect(Math.max(...results.map((r) => r.peak))).toBe(20);
    // One after another would take 4 s; together, about 0.2 s. The bound is generous.
    expect(performance.now() - began).toBeLessThan(3_000);
  });

  it('fails the tasks that shared an aborted task’s thread with WorkerCrashedError saying why', async () => {
    const executor = threads({ maxWorkers: 1, concurrentTasksPerWorker: 3 });
    const controller = new AbortController();
    const allStarted = new Promise<void>((resolve) => {
      let n = 0;
      executor.on('taskStart', () => ++n === 3 && resolve());
    });
    const target = executor.run(hang, undefined, { signal: controller.signal });
    const sharing = [executor.run(hang, undefined), executor.run(hang, undefined)].map((p) => p.catch((e: unknown) => e));
    await allStarted;
    controller.abort(new Error('stop this one'));
    await expect(target).rejects.toThrow('stop this one');
    for (const error of await Promise.all(sharing)) {
      expect(error).toBeInstanceOf(WorkerCrashedError);
      expect((error as Error).message).toMatch(/because task timing\.mjs#hang on it was aborted/);
    }
    await expect(executor.run(whereAmI, undefined)).resolves.toMatchObject({ isMainThread: false });
  });

  it('sizes its window as maxWorkers × concurrentTasksPerWorker', async () => {
    const executor = threads({ maxWorkers: 3, concurrentTasksPerWorker: 4 });
    expect(executor.explain().size).toMatchObject({ maxWorkers: 3, concurrentTasksPerWorker: 4 });
    const runs = Array.from({ length: 12 }, () => executor.run(hang, undefined, { timeout: 5_000 }).catch(() => undefined));
    await expect.poll(() => executor.stats().running).toBe(12);
    await executor.destroy();
    await Promise.all(runs);
  });
});

describe('the thread entry', () => {
  // Bug: piscina loads its entry with require(); ours was ESM, so Node 20.19+
  // took the require(esm) path, which aborted the whole process once in CI
  // (FATAL ERROR: v8::Module::IsGraphAsync) while threads were being recycled.
  it('is CommonJS: require() loads it with require(esm) turned off', () => {
    const entry = fileURLToPath(new URL('../../dist/thread-worker.cjs', import.meta.url));
    const probe = `const m = require(${JSON.stringify(entry)}); process.stdout.write(typeof m.default);`;
    const output = execFileSync(process.execPath, ['--no-experimental-require-module', '-e', probe], { encoding: 'utf8' });
    expect(output).toBe('function');
  });
});
