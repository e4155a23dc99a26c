/**
 * What only the distributed backend does, against a real redis-server and
 * worker processes standing in for two machines: tasks run in another process,
 * a task module resolves on the worker's side, jobs leave Redis when aborted or
 * destroyed. The Executor contract itself runs on this backend in the shared
 * suite (test/contract/), like every other backend.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecutor, QueueFullError, TaskLoadError, type ExecutorOptions } from 'unified-executor';
import { destroyAfterEach, outcome, started } from '../contract/helpers.js';
import * as tasks from '../contract/tasks.js';
import { RedisServer } from './redis.js';
import { HAVE_REDIS, eventually, jobCounts, moduleUrl, spin, whereAmI } from './setup.js';
import { WorkerProcess } from './workers.js';

const TEST_ROOT = fileURLToPath(new URL('..', import.meta.url));

describe.skipIf(!HAVE_REDIS)('the distributed backend across machines (real Redis, worker processes)', () => {
  let redis: RedisServer;
  let workers: WorkerProcess[] = [];
  let otherRoot: string;
  const track = destroyAfterEach();
  const make = (options: Partial<ExecutorOptions> = {}) =>
    track(createExecutor({ backend: 'distributed', connection: redis.url, queue: 'contract', ...options }));

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

  describe('results', () => {
    it('runs each task in a worker process, not in the submitter', async () => {
      const executor = make();
      const where = await executor.run(whereAmI, null);
      expect(where.pid).not.toBe(process.pid);
      expect(workers.slice(0, 2).map((w) => w.pid)).toContain(where.pid);
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

  describe('abort', () => {
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

    // The caller's side (rejects at once with the reason) is in the contract suite.
    it('asks the worker of an aborted running task to stop it', async () => {
      const executor = make();
      const controller = new AbortController();
      const first = started(executor);
      const running = outcome(executor.run(tasks.hang, null, { signal: controller.signal }));
      await first;
      controller.abort(new Error('stop now'));
      expect((await running).ok).toBe(false);
      // The worker aborted its local run: the job ends (failed) instead of hanging on a worker slot.
      await eventually(() => workers.some((w) => w.lines.some((l) => l.includes('timing.mjs#hang') && l.includes('"ok":false'))));
      expect(await executor.run(tasks.double, 8)).toBe(16);
    });
  });

  describe('destroy', () => {
    it('cancels the running jobs on the workers, so the queue drains', async () => {
      const executor = make();
      const first = started(executor);
      const runs = [0, 1, 2, 3, 4, 5].map((i) => outcome(executor.run(tasks.hang, i)));
      await first;
      await executor.destroy();
      expect((await Promise.all(runs)).every((r) => !r.ok)).toBe(true);
      await eventually(async () => (await jobCounts(redis.url, 'contract')).active === 0);
    });
  });

  describe('without `concurrency` (the workers\' slots are out of sight)', () => {
    it('maxQueue counts every job not yet started, and no running one', async () => {
      const executor = make({ maxQueue: 1 });
      const running: Promise<unknown>[] = [];
      for (const n of [1, 2]) {
        const first = started(executor);
        running.push(executor.run(tasks.sleep, { ms: 300, value: n }));
        await first;
      }
      // Two running (the workers have four slots): the next job is the one waiting, the one after is refused.
      running.push(executor.run(tasks.echo, 3));
      const refused = (await outcome(executor.run(tasks.echo, 4))) as { ok: false; error: unknown };
      expect(refused.error).toBeInstanceOf(QueueFullError);
      expect(await Promise.all(running)).toEqual([1, 2, 3]);
    });

    it('map keeps its default window of jobs in flight', async () => {
      const executor = make();
      const results: number[] = [];
      for await (const value of executor.map(tasks.double, Array.from({ length: 40 }, (_, i) => i))) results.push(value);
      expect(results).toEqual(Array.from({ length: 40 }, (_, i) => 2 * i));
    });
  });

  it('counts the workers connected to its queue in stats().workers', async () => {
    const executor = make();
    await executor.run(tasks.double, 1);
    await eventually(() => executor.stats().workers === 2);
  });
});
