/**
 * Pacing where only the distributed backend differs (README, "Pacing"): the
 * rate limit belongs to the workers (createWorker({ rateLimit }) and the CLI's
 * --rate-limit, BullMQ's limiter, counted for every worker of the queue), and
 * pause() is BullMQ's queue pause, felt by every submitter of the queue.
 */
import { spawn, spawnSync } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createWorker } from 'unified-executor';
import * as tasks from '../contract/tasks.js';
import { distributedFixture, HAVE_REDIS, eventually } from './setup.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

describe.skipIf(!HAVE_REDIS)('pacing on the distributed backend', () => {
  const env = distributedFixture();
  const make = (queue: string) => env.executor(queue, { concurrency: 2 });

  it('two workers with createWorker({ rateLimit }) share one limit: 12 jobs at 4 per 300 ms take at least 600 ms', async () => {
    const rateLimit = { limit: 4, intervalMs: 300 };
    await Promise.all([1, 2].map(() => env.worker('paced', { concurrency: 4, rateLimit })));
    const executor = make('paced');
    await executor.run(tasks.double, 0);
    await delay(350);
    const began = performance.now();
    expect(await Promise.all(Array.from({ length: 12 }, (_, i) => executor.run(tasks.double, i)))).toEqual(
      Array.from({ length: 12 }, (_, i) => i * 2),
    );
    // 12 starts at 4 per window: three windows, the last opening 600 ms after the first (two separate limits: 300 ms).
    expect(performance.now() - began).toBeGreaterThanOrEqual(590);
  });

  it('a bad rateLimit on createWorker is a RangeError naming it, before any connection', async () => {
    await expect(createWorker({ connection: env.url, rateLimit: { limit: 0, intervalMs: 100 } })).rejects.toThrow(
      /`rateLimit\.limit` to be an integer from 1 and up, got `0`/,
    );
  });

  it('the CLI takes --rate-limit N/ms, and refuses a bad one naming the flag', async () => {
    const bad = spawnSync(process.execPath, [cli, 'worker', '--redis', env.url, '--rate-limit', 'fast'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("--rate-limit expects <starts>/<ms> with both from 1, e.g. 50/1000, got 'fast'");

    const child = spawn(process.execPath, [cli, 'worker', '--redis', env.url, '--queue', 'cli-paced', '--rate-limit', '2/300'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await eventually(() => stderr.includes('ready'));
      const executor = make('cli-paced');
      await executor.run(tasks.double, 0);
      await delay(350);
      const began = performance.now();
      await Promise.all(Array.from({ length: 6 }, (_, i) => executor.run(tasks.double, i)));
      // 6 starts at 2 per 300 ms: the third window opens 600 ms after the first.
      expect(performance.now() - began).toBeGreaterThanOrEqual(590);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it("pause() pauses the queue for every submitter; resume() lets them go on; destroy() resumes a queue it paused", async () => {
    await env.worker('shared', { concurrency: 2 });
    const pauser = make('shared');
    const other = make('shared');
    expect(await other.run(tasks.double, 1)).toBe(2);
    pauser.pause();
    expect(pauser.paused).toBe(true);
    await delay(200); // the pause reaches Redis
    let done = false;
    const waiting = other.run(tasks.double, 2).then((value) => ((done = true), value));
    await delay(400);
    expect(done).toBe(false);
    pauser.resume();
    expect(await waiting).toBe(4);

    pauser.pause();
    await delay(200);
    const later = other.run(tasks.double, 3);
    await pauser.destroy();
    expect(await later).toBe(6);
  });
});
