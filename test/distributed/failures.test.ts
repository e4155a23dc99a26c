/**
 * What only a distributed executor meets: a worker killed mid-job, a worker
 * shut down with jobs in flight, Redis going away and coming back, and the
 * CLI. Each test has its own queue; workers here use short lock and stall
 * intervals so that a dead worker is noticed in about a second.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConnectionLostError, createExecutor, WorkerCrashedError, type ExecutorOptions } from 'unified-executor';
import { outcome, started } from '../contract/helpers.js';
import * as tasks from '../contract/tasks.js';
import { freePort, RedisServer } from './redis.js';
import { distributedFixture, HAVE_REDIS, eventually, jobCounts, slowRecorded, slowRecordedCpu } from './setup.js';

/** A worker silent for 1 s is presumed dead; stalled jobs are looked for every 0.5 s. */
const FAST_RECOVERY = { concurrency: 2, lockDuration: 1000, stalledInterval: 500 };

describe.skipIf(!HAVE_REDIS)('the distributed backend when things fail', () => {
  const env = distributedFixture('ue-distributed-');
  const make = (queue: string, options: Partial<ExecutorOptions> = {}) => env.executor(queue, options);
  const worker = (queue: string, options: Record<string, unknown> = FAST_RECOVERY) => env.worker(queue, options);
  /** "tag pid" lines the slowRecorded task appended: one per run. */
  const runs = (log: string): string[] => {
    try {
      return readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);
    } catch {
      return [];
    }
  };

  describe('a worker killed mid-job (SIGKILL)', () => {
    it('with retries: another worker runs the job again, and the caller gets exactly one result', async () => {
      const [a, b] = await Promise.all([worker('killed'), worker('killed')]);
      const executor = make('killed');
      const results: unknown[] = [];
      executor.on('taskEnd', (e) => results.push(e));
      const log = join(env.dir, 'retried.log');
      const result = executor.run(slowRecorded, { ms: 1500, log, tag: 'job', value: 'survived' }, { retries: 1 });
      await eventually(() => runs(log).length === 1);
      const firstPid = Number(runs(log)[0]!.split(' ')[1]);
      const victim = [a, b].find((w) => w.pid === firstPid)!;
      const survivor = [a, b].find((w) => w !== victim)!;
      await victim.stop('SIGKILL');
      expect(await result).toBe('survived');
      expect(runs(log).map((line) => Number(line.split(' ')[1]))).toEqual([victim.pid, survivor.pid]);
      await executor.onIdle();
      expect(results).toHaveLength(1);
      expect(executor.stats()).toMatchObject({ completed: 1, failed: 0 });
    });

    it('without retries: the job is not run again, the caller gets WorkerCrashedError', async () => {
      const [a, b] = await Promise.all([worker('killed-once'), worker('killed-once')]);
      const executor = make('killed-once');
      const warnings: string[] = [];
      executor.on('warning', (w) => warnings.push(w.type));
      const log = join(env.dir, 'once.log');
      const result = outcome(executor.run(slowRecorded, { ms: 1500, log, tag: 'job', value: 'x' }));
      await eventually(() => runs(log).length === 1);
      const victim = [a, b].find((w) => w.pid === Number(runs(log)[0]!.split(' ')[1]))!;
      await victim.stop('SIGKILL');
      const error = ((await result) as { error: any }).error;
      expect(error).toBeInstanceOf(WorkerCrashedError);
      expect(error.message).toContain('died mid-run');
      expect(error.message).toContain('retries is 0');
      expect(runs(log)).toHaveLength(1);
      expect(warnings).toContain('worker-lost');
    });
  });

  describe('a worker takes only what its local executor can start', () => {
    it('takes 2 cpuBound jobs for 2 process slots (not its concurrency of 8); SIGKILLed, it fails only those 2', async () => {
      const small = { ...FAST_RECOVERY, concurrency: 8, executor: { maxWorkers: 2 } };
      const a = await worker('admission', small);
      const executor = make('admission');
      const log = join(env.dir, 'admission.log');
      const results = [1, 2, 3, 4, 5, 6].map((n) =>
        outcome(executor.run(slowRecordedCpu, { ms: 2000, log, tag: `job${n}`, value: n })),
      );
      await eventually(() => runs(log).length === 2);
      // Give it time to take more if it would: it must not.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await jobCounts(env.url, 'admission')).active).toBe(2);
      expect(runs(log)).toHaveLength(2);
      await a.stop('SIGKILL');
      const startedOnA = runs(log).map((line) => line.split(' ')[0]);
      await worker('admission', small);
      const outcomes = await Promise.all(results);
      // "died mid-run" is true of every job it fails: exactly the ones that had started there.
      const crashed = outcomes.flatMap((o, i) => (o.ok ? [] : [`job${i + 1}`]));
      expect(crashed.sort()).toEqual(startedOnA.sort());
      for (const o of outcomes) if (!o.ok) expect(o.error).toBeInstanceOf(WorkerCrashedError);
      expect(outcomes.filter((o) => o.ok)).toHaveLength(4);
    });
  });

  describe('worker shutdown (SIGTERM) with jobs in flight', () => {
    it('finishes the running jobs, takes no new ones, and exits 0', async () => {
      const first = await worker('shutdown', { ...FAST_RECOVERY, shutdownTimeout: 10_000 });
      const executor = make('shutdown');
      const log = join(env.dir, 'graceful.log');
      const both = started(executor, 2);
      const running = [1, 2].map((n) => executor.run(slowRecorded, { ms: 600, log, tag: `r${n}`, value: n }));
      await both;
      first.child.kill('SIGTERM');
      await first.waitFor((line) => line.startsWith('closing'));
      // Queued after SIGTERM: the closing worker must leave it to the next one.
      const later = executor.run(slowRecorded, { ms: 10, log, tag: 'later', value: 'later' });
      expect(await Promise.all(running)).toEqual([1, 2]);
      expect(await first.exited).toEqual({ code: 0, signal: null });
      expect(runs(log).some((line) => line.startsWith('later'))).toBe(false);
      const second = await worker('shutdown');
      expect(await later).toBe('later');
      expect(runs(log).find((line) => line.startsWith('later'))).toBe(`later ${second.pid}`);
    });

    it('hands a job that outlasts shutdownTimeout back to the queue, for another worker, without spending a retry', async () => {
      const first = await worker('handback', { ...FAST_RECOVERY, shutdownTimeout: 200 });
      const executor = make('handback');
      const log = join(env.dir, 'handback.log');
      const result = executor.run(slowRecorded, { ms: 1000, log, tag: 'long', value: 'finished elsewhere' });
      await eventually(() => runs(log).length === 1);
      first.child.kill('SIGTERM');
      expect(await first.exited).toEqual({ code: 0, signal: null });
      const second = await worker('handback');
      expect(await result).toBe('finished elsewhere');
      expect(runs(log)).toEqual([`long ${first.pid}`, `long ${second.pid}`]);
    });
  });

  describe('Redis going away', () => {
    it('rejects waiting callers with ConnectionLostError after reconnectTimeout, then works again when Redis returns', async () => {
      const own = await RedisServer.start();
      const w = await env.worker('outage', FAST_RECOVERY, own.url);
      const executor = env.executor('outage', { reconnectTimeout: 1000 }, own.url);
      try {
        expect(await executor.run(tasks.double, 1)).toBe(2);
        const first = started(executor);
        const pending = outcome(executor.run(tasks.sleep, { ms: 10_000, value: 'never' }));
        await first;
        const killedAt = Date.now();
        await own.stop('SIGKILL');
        const lost = (await pending) as { error: any };
        expect(lost.error).toBeInstanceOf(ConnectionLostError);
        expect(lost.error.code).toBe('ERR_CONNECTION_LOST');
        expect(lost.error.message).toContain(`127.0.0.1:${own.port}`);
        expect(Date.now() - killedAt).toBeLessThan(5000);
        // While Redis stays away, new work fails fast instead of queueing in memory.
        await expect(executor.run(tasks.double, 2)).rejects.toBeInstanceOf(ConnectionLostError);
        await own.start();
        // The executor and the worker reconnect by themselves.
        await eventually(async () => (await outcome(executor.run(tasks.double, 3, { timeout: 2000 }))).ok, 30_000);
        expect(await executor.run(tasks.double, 4)).toBe(8);
      } finally {
        await executor.destroy();
        await w.stop('SIGKILL');
        await own.stop();
      }
    });

    it('rejects callers and still closes when Redis was never there', async () => {
      const executor = createExecutor({
        backend: 'distributed',
        connection: `redis://127.0.0.1:${await freePort()}`,
        queue: 'nowhere',
        reconnectTimeout: 500,
      });
      const result = (await outcome(executor.run(tasks.double, 1))) as { error: any };
      expect(result.error).toBeInstanceOf(ConnectionLostError);
      const closing = Date.now();
      await executor.close();
      expect(Date.now() - closing).toBeLessThan(5000);
    });

    it('fails a job that Redis forgot in a quick restart, instead of waiting for ever', async () => {
      const own = await RedisServer.start();
      const executor = env.executor('forgotten', { reconnectTimeout: 30_000 }, own.url);
      try {
        // No worker: the job waits in Redis, which then restarts empty.
        const pending = outcome(executor.run(tasks.double, 1));
        await eventually(() => executor.stats().queued === 1);
        await new Promise((resolve) => setTimeout(resolve, 200));
        await own.stop('SIGKILL');
        await own.start();
        const lost = (await pending) as { error: any };
        expect(lost.error).toBeInstanceOf(ConnectionLostError);
        // Said as it is known: the job's state was lost (not a guess about how Redis was configured).
        expect(lost.error.message).toContain('state was lost');
        expect(lost.error.message).not.toContain('without persistence');
      } finally {
        await executor.destroy();
        await own.stop();
      }
    });
  });

  describe('the CLI', () => {
    it('refuses a bad --lock-duration with a message naming the flag', () => {
      const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
      const result = spawnSync(process.execPath, [cli, 'worker', '--redis', env.url, '--lock-duration', 'soon'], { encoding: 'utf8' });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("--lock-duration expects a whole number, got 'soon'");
    });

    it('runs a worker until SIGTERM, then exits 0', async () => {
      const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
      const flags = ['--concurrency', '2', '--lock-duration', '1000', '--stalled-interval', '500', '--shutdown-timeout', '1000'];
      const child = spawn(process.execPath, [cli, 'worker', '--redis', env.url, '--queue', 'cli', ...flags], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        await eventually(() => stderr.includes('ready'));
        const executor = make('cli');
        expect(await executor.run(tasks.double, 21)).toBe(42);
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
        expect(stderr).toContain('stopped');
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });
  });
});
