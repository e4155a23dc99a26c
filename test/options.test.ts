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
    [{ resourceLimits: { maxOldGenerationSizeMb: 0 } }, RangeError, /resourceLimits\.maxOldGenerationSizeMb/],
    [{ resourceLimits: { stackSizeMb: 4 } }, TypeError, /resourceLimits\.stackSizeMb/],
    [{ execArgv: '--inspect' }, TypeError, /`execArgv`/],
    [{ traits: { cpuBoud: true } }, TypeError, /trait `cpuBoud`/],
    [{ traits: { expectedCount: -1 } }, RangeError, /traits\.expectedCount/],
    [{ traits: { ioBound: 'yes' } }, TypeError, /traits\.ioBound/],
    [{ policy: { manyThreshold: -1 } }, TypeError, /manyThreshold/],
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
