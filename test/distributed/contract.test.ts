/**
 * The Executor contract on the distributed backend, against a real
 * redis-server and two worker processes standing in for two machines. The
 * subset is the contract suite's, minus what a shared queue cannot promise
 * (see docs/scale-out.md, "How it differs"): exact slot counts and priority
 * order across several workers.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createExecutor,
  ExecutorClosedError,
  ExecutorError,
  TaskLoadError,
  TaskNotPortableError,
  TaskTimeoutError,
  type Executor,
  type ExecutorOptions,
} from 'unified-executor';
import { outcome, started, take } from '../contract/helpers.js';
import * as tasks from '../contract/tasks.js';
import { RedisServer } from './redis.js';
import { HAVE_REDIS, eventually, jobCounts, moduleUrl, spin, whereAmI } from './setup.js';
import { WorkerProcess } from './workers.js';

const TEST_ROOT = fileURLToPath(new URL('..', import.meta.url));

describe.skipIf(!HAVE_REDIS)('the Executor contract on the distributed backend (real Redis, two worker processes)', () => {
  let redis: RedisServer;
  let workers: WorkerProcess[] = [];
  let otherRoot: string;
  let executors: Executor[] = [];
  const make = (options: Partial<ExecutorOptions> = {}) => {
    const executor = createExecutor({ backend: 'distributed', connection: redis.url, queue: 'contract', ...options });
    executors.push(executor);
    return executor;
  };

  beforeAll(async () => {
    redis = await RedisServer.start();
    // "Another machine": the same task files checked out somewhere else.
    otherRoot = mkdtempSync(join(tmpdir(), 'ue-machine-b-'));
    cpSync(join(TEST_ROOT, 'fixtures', 'distributed-tasks.mjs'), join(otherRoot, 'fixtures', 'distributed-tasks.mjs'));
    workers = await Promise.all([
      WorkerProcess.start(redis.url, 'contract', { concurrency: 2 }),
      WorkerProcess.start(redis.url, 'contract', { concurrency: 2 }),
      WorkerProcess.start(redis.url, 'elsewhere', { concurrency: 2, root: otherRoot }),
    ]);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGTERM')));
    await redis?.stop();
    if (otherRoot) rmSync(otherRoot, { recursive: true, force: true });
  });
  afterEach(async () => {
    await Promise.all(executors.map((e) => e.destroy()));
    executors = [];
  });

  describe('results', () => {
    it('returns what the task returns, sync or async, run by a worker process', async () => {
      const executor = make();
      expect(executor.backend).toBe('distributed');
      expect(await executor.run(tasks.double, 21)).toBe(42);
      expect(await executor.run(tasks.doubleLater, 4)).toBe(8);
      expect(await executor.run(tasks.echo, 'hello')).toBe('hello');
      const where = await executor.run(whereAmI, null);
      expect(where.pid).not.toBe(process.pid);
      expect(workers.slice(0, 2).map((w) => w.pid)).toContain(where.pid);
    });

    it('carries structured-clone values both ways', async () => {
      const executor = make();
      const value = {
        map: new Map<string, unknown>([['a', 1], ['b', { nested: [1, 2, 3] }]]),
        set: new Set([1, 'two']),
        date: new Date('2026-11-25T00:00:00Z'),
        big: 2n ** 70n,
        bytes: new Uint8Array([1, 2, 3]),
        floats: new Float64Array([0.5, -1]),
        nothing: null,
        notANumber: NaN,
        regex: /ab+c/gi,
        deep: { a: { b: { c: ['x', { d: undefined }] } } },
      };
      expect(await executor.run(tasks.echo, value)).toEqual(value);
    });

    it('sends a cpuBound task to a child process of the worker', async () => {
      const executor = make();
      expect(await executor.run(spin, 5)).toBeGreaterThan(0);
    });

    it('explains itself as rule "explicit", backend "distributed"', () => {
      const decision = make().explain(tasks.double);
      expect(decision).toMatchObject({ backend: 'distributed', rule: 'explicit' });
      expect(decision.reason).toContain("'contract'");
    });
  });

  describe('task identity', () => {
    it('resolves a module relative to the root each side declares', async () => {
      const executor = make({ queue: 'elsewhere', root: TEST_ROOT });
      const url = await executor.run(moduleUrl, undefined);
      expect(fileURLToPath(url)).toBe(join(otherRoot, 'fixtures', 'distributed-tasks.mjs'));
    });

    it('rejects a module missing on the worker with TaskLoadError naming the job and the module', async () => {
      const executor = make({ queue: 'elsewhere', root: TEST_ROOT });
      const result = (await outcome(executor.run(tasks.double, 1))) as { ok: false; error: any };
      expect(result.error).toBeInstanceOf(TaskLoadError);
      expect(result.error.code).toBe('ERR_TASK_LOAD');
      expect(result.error.message).toMatch(/for job [\w-]+-\d+/);
      expect(result.error.message).toContain("'fixtures/values.mjs'");
      expect(result.error.message).toContain(otherRoot);
      expect(await executor.run(moduleUrl, undefined)).toContain(otherRoot);
    });
  });

  describe('task errors', () => {
    it('reach the caller with name, message, stack, cause and own properties', async () => {
      const executor = make();
      const result = (await outcome(executor.run(tasks.fail, { message: 'card declined', code: 'E_CARD' }))) as { error: any };
      const error = result.error;
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('PaymentError');
      expect(error.message).toBe('card declined');
      expect(error.stack).toContain('errors.mjs');
      expect(error.cause).toBeInstanceOf(TypeError);
      expect(error.cause.message).toBe('card expired');
      expect(error.code).toBe('E_CARD');
      expect(error.details).toEqual({ retry: false, attempts: 3 });
    });

    it('keeps built-in error classes, and fails only the task that threw', async () => {
      const executor = make();
      const [bad, good] = await Promise.all([outcome(executor.run(tasks.rejectLater, 'out of range')), outcome(executor.run(tasks.double, 5))]);
      expect((bad as { error: any }).error).toBeInstanceOf(RangeError);
      expect(good).toEqual({ ok: true, value: 10 });
    });

    it.each([
      ['a missing module', tasks.missingModule, ['does-not-exist.mjs']],
      ['a missing export', tasks.missingExport, ['values.mjs', 'noSuchExport']],
      ['a module that throws at import', tasks.throwsAtImport, ['throws-at-import.mjs', 'boom at import']],
    ])('rejects %s with TaskLoadError naming the culprit', async (_what, task, words) => {
      const executor = make();
      const result = (await outcome(executor.run(task, 1))) as { error: any };
      expect(result.error).toBeInstanceOf(TaskLoadError);
      expect(result.error).toBeInstanceOf(ExecutorError);
      for (const word of words) expect(result.error.message).toContain(word);
    });

    it('refuses a plain function and an uncloneable input with TaskNotPortableError', async () => {
      const executor = make();
      const plain = (n: number) => n + 1;
      await expect(executor.run(plain, 1)).rejects.toBeInstanceOf(TaskNotPortableError);
      const error = (await outcome(executor.run(tasks.echo, { callback: () => 1 }))) as { error: any };
      expect(error.error).toBeInstanceOf(TaskNotPortableError);
      expect(error.error.message).toContain('callback');
      expect(await executor.run(tasks.double, 2)).toBe(4);
    });
  });

  describe('timeout', () => {
    it('rejects a task that runs too long with TaskTimeoutError, and goes on', async () => {
      const executor = make();
      const error = (await outcome(executor.run(tasks.hang, null, { timeout: 200 }))) as { error: any };
      expect(error.error).toBeInstanceOf(TaskTimeoutError);
      expect(error.error.message).toContain('timing.mjs#hang');
      expect(await executor.run(tasks.double, 3)).toBe(6);
      expect(executor.stats()).toMatchObject({ failed: 1, completed: 1 });
    });
  });

  describe('abort', () => {
    it('rejects with signal.reason when the signal is already aborted, without starting', async () => {
      const executor = make();
      let starts = 0;
      executor.on('taskStart', () => starts++);
      const reason = { why: 'custom reason' };
      await expect(executor.run(tasks.double, 1, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      expect(starts).toBe(0);
      expect(executor.stats().cancelled).toBe(1);
    });

    it('removes a waiting job from the queue', async () => {
      // No worker takes this queue: the job waits until it is aborted.
      const executor = make({ queue: 'nobody-home' });
      const controller = new AbortController();
      const waiting = executor.run(tasks.double, 1, { signal: controller.signal });
      await eventually(async () => (await jobCounts(redis.url, 'nobody-home')).prioritized === 1);
      controller.abort(new Error('changed my mind'));
      await expect(waiting).rejects.toThrow('changed my mind');
      await eventually(async () => (await jobCounts(redis.url, 'nobody-home')).prioritized === 0);
    });

    it('rejects a running task with the reason and asks its worker to stop it', async () => {
      const executor = make();
      const controller = new AbortController();
      const first = started(executor);
      const running = executor.run(tasks.hang, null, { signal: controller.signal });
      await first;
      const reason = new Error('stop now');
      controller.abort(reason);
      await expect(running).rejects.toBe(reason);
      // The worker aborted its local run: the job ends (failed) instead of hanging on a worker slot.
      await eventually(() => workers.some((w) => w.lines.some((l) => l.includes('timing.mjs#hang') && l.includes('"ok":false'))));
      expect(await executor.run(tasks.double, 8)).toBe(16);
    });
  });

  describe('close and destroy', () => {
    it('close() finishes queued and running tasks, then refuses new ones', async () => {
      const executor = make();
      const settled: number[] = [];
      const runs = [1, 2, 3].map((n) => executor.run(tasks.sleep, { ms: 20 * n, value: n }).then((v) => settled.push(v)));
      await executor.close();
      expect(settled.sort()).toEqual([1, 2, 3]);
      await Promise.all(runs);
      await expect(executor.run(tasks.double, 1)).rejects.toBeInstanceOf(ExecutorClosedError);
      await expect(take(executor.map(tasks.double, [1]), 1)).rejects.toBeInstanceOf(ExecutorClosedError);
    });

    it('destroy() settles every running and queued promise before it resolves', async () => {
      const executor = make();
      const first = started(executor);
      const runs = [0, 1, 2, 3, 4, 5].map((i) => outcome(executor.run(tasks.hang, i)));
      await first;
      await executor.destroy();
      await new Promise((resolve) => setImmediate(resolve));
      const results = await Promise.race([Promise.all(runs), new Promise((resolve) => setTimeout(() => resolve('pending'), 100))]);
      expect(results).not.toBe('pending');
      for (const result of results as { ok: boolean; error: any }[]) {
        expect(result.ok).toBe(false);
        expect(result.error).toBeInstanceOf(ExecutorClosedError);
      }
      expect(executor.stats()).toMatchObject({ queued: 0, running: 0, cancelled: 6 });
      await expect(executor.run(tasks.double, 1)).rejects.toBeInstanceOf(ExecutorClosedError);
      // The hung jobs were cancelled on the workers: the queue drains.
      await eventually(async () => (await jobCounts(redis.url, 'contract')).active === 0);
    });
  });

  describe('events and stats', () => {
    it('counts and reports every task once', async () => {
      const executor = make();
      const events = { taskStart: 0, taskEnd: 0, taskError: 0, idle: 0 };
      executor.on('taskStart', () => events.taskStart++);
      executor.on('taskEnd', () => events.taskEnd++);
      executor.on('taskError', () => events.taskError++);
      executor.on('idle', () => events.idle++);
      await Promise.all([
        executor.run(tasks.double, 1),
        executor.run(tasks.sleep, { ms: 30, value: 2 }),
        executor.run(tasks.double, 3),
        outcome(executor.run(tasks.fail, { message: 'no', code: 'E' })),
        outcome(executor.run(tasks.double, 4, { signal: AbortSignal.abort() })),
      ]);
      await executor.onIdle();
      expect(executor.stats()).toMatchObject({ backend: 'distributed', submitted: 5, completed: 3, failed: 1, cancelled: 1, queued: 0, running: 0 });
      expect(events).toMatchObject({ taskStart: 4, taskEnd: 3, taskError: 2 });
      expect(events.idle).toBeGreaterThanOrEqual(1);
      expect(executor.stats().runTime.max).toBeGreaterThanOrEqual(25);
      await eventually(() => executor.stats().workers >= 2);
    });
  });

  describe('map', () => {
    it('yields results in input order by default, as they finish with ordered: false', async () => {
      const executor = make();
      const inputs = [120, 5, 60, 1];
      const ordered: number[] = [];
      for await (const v of executor.map(tasks.sleep, inputs.map((ms) => ({ ms, value: ms })))) ordered.push(v as number);
      expect(ordered).toEqual(inputs);
      const unordered: number[] = [];
      for await (const v of executor.map(tasks.sleep, [300, 1].map((ms) => ({ ms, value: ms })), { ordered: false })) unordered.push(v as number);
      expect(unordered).toEqual([1, 300]);
    });

    it('gives the same results with chunks (one job per chunk) as item by item', async () => {
      const executor = make();
      const inputs = Array.from({ length: 100 }, (_, i) => i);
      const collect = async (chunkSize: number | 'auto') => {
        const out: number[] = [];
        for await (const v of executor.map(tasks.double, inputs, { chunkSize })) out.push(v);
        return out;
      };
      const expected = inputs.map((n) => n * 2);
      expect(await collect(1)).toEqual(expected);
      expect(await collect(16)).toEqual(expected);
    });

    it('stops at the first error and throws it', async () => {
      const executor = make();
      let pulled = 0;
      function* inputs() {
        for (let n = 0; n < 1000; n++) {
          pulled++;
          yield n === 3 ? { message: 'bad item', code: 'E_ITEM' } : n;
        }
      }
      const failing = (async () => {
        for await (const _ of executor.map(tasks.failOnObject, inputs(), { concurrency: 2 })) {
          // consume
        }
      })();
      await expect(failing).rejects.toMatchObject({ name: 'PaymentError', message: 'bad item' });
      expect(pulled).toBeLessThan(10);
    });
  });
});
