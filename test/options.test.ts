/** Bad input at creation: a TypeError/RangeError naming the option, never a silent default. */
import { describe, expect, it } from 'vitest';
import { createExecutor, defineTask } from 'unified-executor';

describe('createExecutor option validation', () => {
  it.each([
    [{ nope: 1 }, TypeError, /Unknown executor option `nope`/],
    [{ backend: 'gpu' }, TypeError, /`backend`/],
    [{ concurrency: 0 }, RangeError, /`concurrency` to be an integer from 1 and up, got `0`/],
    [{ concurrency: 1.5 }, RangeError, /`concurrency`/],
    [{ concurrency: '2' }, TypeError, /`concurrency`/],
    [{ maxWorkers: 0 }, RangeError, /`maxWorkers`/],
    [{ minWorkers: -1 }, RangeError, /`minWorkers`/],
    [{ minWorkers: 4, maxWorkers: 2 }, RangeError, /`minWorkers` \(4\) to be at most `maxWorkers` \(2\)/],
    [{ maxQueue: -1 }, RangeError, /`maxQueue`/],
    [{ idleTimeout: -5 }, RangeError, /`idleTimeout`/],
    [{ maxTasksPerWorker: 0 }, RangeError, /`maxTasksPerWorker`/],
    [{ taskTimeout: 0 }, RangeError, /`taskTimeout`/],
    [{ blockWarningMs: 0 }, RangeError, /`blockWarningMs`/],
    [{ abortGraceMs: -1 }, RangeError, /`abortGraceMs`/],
    [{ abortGraceMs: 1.5 }, RangeError, /`abortGraceMs`/],
    [{ abortGraceMs: 2 ** 32 }, RangeError, /`abortGraceMs`/],
    [{ resourceLimits: { maxOldGenerationSizeMb: 0 } }, RangeError, /resourceLimits\.maxOldGenerationSizeMb/],
    [{ resourceLimits: { stackSizeMb: 4 } }, TypeError, /resourceLimits\.stackSizeMb/],
    [{ execArgv: '--inspect' }, TypeError, /`execArgv`/],
    [{ traits: { cpuBoud: true } }, TypeError, /trait `cpuBoud`/],
    [{ traits: { expectedCount: -1 } }, RangeError, /traits\.expectedCount/],
    [{ traits: { ioBound: 'yes' } }, TypeError, /traits\.ioBound/],
    [{ policy: { manyThreshold: -1 } }, TypeError, /manyThreshold/],
    [{ rateLimit: { limit: 0, intervalMs: 100 } }, RangeError, /`rateLimit\.limit` to be an integer from 1 and up, got `0`/],
    [{ rateLimit: { limit: -3, intervalMs: 100 } }, RangeError, /`rateLimit\.limit`/],
    [{ rateLimit: { limit: 2.5, intervalMs: 100 } }, RangeError, /`rateLimit\.limit`/],
    [{ rateLimit: { limit: 10, intervalMs: 0 } }, RangeError, /`rateLimit\.intervalMs` to be an integer from 1 and up, got `0`/],
    [{ rateLimit: { limit: 10, intervalMs: -100 } }, RangeError, /`rateLimit\.intervalMs`/],
    [{ rateLimit: { limit: 10, intervalMs: 0.5 } }, RangeError, /`rateLimit\.intervalMs`/],
    [{ rateLimit: { limit: '10', intervalMs: 100 } }, TypeError, /`rateLimit\.limit`/],
    [{ rateLimit: { limit: 10 } }, TypeError, /`rateLimit` to have both `limit` and `intervalMs`/],
    [{ rateLimit: { limit: 10, intervalMs: 100, burst: 2 } }, TypeError, /Unknown option `rateLimit\.burst`/],
    [{ rateLimit: 10 }, TypeError, /`rateLimit` to be an object/],
    [
      { backend: 'distributed', connection: 'redis://127.0.0.1:6379', rateLimit: { limit: 10, intervalMs: 100 } },
      TypeError,
      /`rateLimit` cannot be set on a distributed executor.*createWorker\(\{ rateLimit \}\)/,
    ],
    [
      { backend: 'distributed', connection: 'redis://127.0.0.1:6379', retryOn: () => true },
      TypeError,
      /`retryOn` cannot travel to the workers of a distributed executor/,
    ],
    [{ retries: -1 }, TypeError, /`retries` to be an integer from 0 and up, got `-1`/],
    [{ retries: 0.5 }, TypeError, /`retries`/],
    [{ retryDelay: 'soon' }, TypeError, /`retryDelay` to be a number of ms from 0 and up or a function/],
    [{ retryDelay: -1 }, TypeError, /`retryDelay`/],
    [{ retryDelay: Infinity }, TypeError, /`retryDelay`/],
    [{ retryOn: 'always' }, TypeError, /`retryOn` to be a function/],
  ])('%j -> %s', (options, ErrorClass, message) => {
    expect(() => createExecutor(options as never)).toThrow(ErrorClass);
    expect(() => createExecutor(options as never)).toThrow(message);
  });

  it('accepts Infinity where a limit may be unbounded', () => {
    expect(() => createExecutor({ backend: 'async', maxQueue: Infinity, maxTasksPerWorker: Infinity })).not.toThrow();
  });

  it('does not mutate the options it is given', async () => {
    const options = Object.freeze({ backend: 'async' as const, traits: Object.freeze({ ioBound: true }) });
    const executor = createExecutor(options);
    expect(options).toEqual({ backend: 'async', traits: { ioBound: true } });
    await executor.close();
  });

  it('rejects a bad per-run timeout naming the task, and goes on', async () => {
    const executor = createExecutor({ backend: 'async' });
    const named = function namedTask(n: number) {
      return n;
    };
    await expect(executor.run(named, 1, { timeout: -1 })).rejects.toThrow(/`timeout` of task namedTask/);
    expect(await executor.run(named, 2)).toBe(2);
    await executor.close();
  });
});

describe('defineTask', () => {
  const here = new URL('./fixtures/values.mjs', import.meta.url);

  it('takes a file: URL or an absolute path, and defaults the export to "default"', () => {
    const fromUrl = defineTask(here);
    const fromPath = defineTask(here.pathname, 'double', { cpuBound: true });
    expect(fromUrl).toMatchObject({ module: here.href, name: 'default', label: 'values.mjs#default' });
    expect(fromPath).toMatchObject({ module: here.href, name: 'double', traits: { cpuBound: true } });
    expect(Object.isFrozen(fromPath)).toBe(true);
  });

  it('refuses a relative path with a TypeError that names it and says what to do', () => {
    expect(() => defineTask('./tasks/math.js', 'fib')).toThrow(TypeError);
    expect(() => defineTask('./tasks/math.js', 'fib')).toThrow(/relative path '\.\/tasks\/math\.js'.*import\.meta\.url/);
  });

  it('refuses a non-file URL and an empty export name', () => {
    expect(() => defineTask(new URL('https://example.com/x.js'))).toThrow(TypeError);
    expect(() => defineTask(here, '')).toThrow(/export name/);
  });
});
