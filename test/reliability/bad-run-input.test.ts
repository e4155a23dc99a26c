/**
 * Bad input to run and map, on every backend (distributed included, with the
 * same errors and messages): each is refused with the API.md error (or a
 * TypeError for a wrong argument) whose message names the culprit, the
 * executor goes on running tasks afterwards, and `close()` resolves. Module
 * loading errors the contract suite already covers (missing module or export,
 * not a function, throws at import) are not repeated here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  defineTask,
  createExecutor,
  TaskLoadError,
  TaskNotPortableError,
  TaskTimeoutError,
  type Executor,
} from 'unified-executor';
import { backendsUnderTest } from '../contract/backends-under-test.js';
import { setUpBackend } from '../contract/helpers.js';
import { tasks } from './helpers.js';

const fixture = (file: string) => new URL(`../fixtures/${file}`, import.meta.url);
const sleep = defineTask<(x: { ms: number; value: unknown }) => Promise<unknown>>(fixture('timing.mjs'), 'sleep');

/** The error a call ended with; fails the test if it resolved. */
async function errorOf(call: () => Promise<unknown> | AsyncIterator<unknown>): Promise<any> {
  try {
    const result = call();
    if (result && typeof (result as AsyncIterator<unknown>).next === 'function') {
      while (!(await (result as AsyncIterator<unknown>).next()).done);
    } else await result;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Fails unless `promise` settles within `ms` (a hang fails the test instead of the run). */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe.each(backendsUnderTest)('bad input on the $name backend', (backend) => {
  let executor: Executor;
  setUpBackend(backend);
  afterEach(async () => {
    try {
      // The executor keeps working after every refusal, and a refused call leaves nothing
      // for close() to wait on (the distributed executor's close() used to hang after one).
      expect(await executor.run(tasks.tiny, 41)).toBe(42);
      await within(executor.close(), 10_000, 'close()');
    } finally {
      await executor.destroy();
    }
  });
  const make = () => (executor = createExecutor({ ...backend.slots(1), execArgv: [] }));

  // Bug: run() options were not checked; a bad one failed deep inside with a
  // message naming an internal variable (`userSignal.addEventListener is not a
  // function`), a WorkerCrashedError (`transferList argument must be an
  // Array`), a silently ignored priority, or a timeout that fired after 1 ms.
  it.each([
    ['options null', null, TypeError, /options of task reliability\.mjs#tiny to be an object/],
    ['timeout 0', { timeout: 0 }, TypeError, /`timeout` of task reliability\.mjs#tiny/],
    ['timeout NaN', { timeout: NaN }, TypeError, /`timeout`/],
    ['timeout a string', { timeout: '100' }, TypeError, /`timeout`/],
    ['timeout beyond the longest timer', { timeout: 2 ** 31 }, RangeError, /`timeout` of task reliability\.mjs#tiny.*2147483647/],
    ['priority a string', { priority: 'high' }, TypeError, /`priority` of task reliability\.mjs#tiny/],
    ['priority NaN', { priority: NaN }, TypeError, /`priority`/],
    ['signal not an AbortSignal', { signal: 'stop' }, TypeError, /`signal` of task reliability\.mjs#tiny to be an AbortSignal/],
    ['transfer not an array', { transfer: 'buffer' }, TypeError, /`transfer` of task reliability\.mjs#tiny to be an array/],
    ['retries negative', { retries: -1 }, TypeError, /`retries` of task reliability\.mjs#tiny to be an integer from 0 and up, got `-1`/],
    ['retries a fraction', { retries: 1.5 }, TypeError, /`retries`/],
    // Unknown options are refused the same way everywhere, BullMQ's job options on distributed included (issue 17).
    ['an unknown option (BullMQ delay)', { delay: 100 }, TypeError, /Unknown option `delay` of task reliability\.mjs#tiny/],
    ['an unknown option (BullMQ attempts)', { attempts: 3 }, TypeError, /Unknown option `attempts`/],
    ['an unknown option (BullMQ jobId)', { jobId: 'x' }, TypeError, /Unknown option `jobId`/],
    ['a misspelt option', { timout: 10 }, TypeError, /Unknown option `timout`/],
    ['retryDelay a string', { retryDelay: '100' }, TypeError, /`retryDelay` of task reliability\.mjs#tiny to be a number of ms from 0 and up or a function/],
    ['retryDelay negative', { retryDelay: -5 }, TypeError, /`retryDelay`/],
    ['retryDelay NaN', { retryDelay: NaN }, TypeError, /`retryDelay`/],
    ['retryOn not a function', { retryOn: true }, TypeError, /`retryOn` of task reliability\.mjs#tiny to be a function/],
  ])('run with %s', async (_what, options, ErrorClass, message) => {
    make();
    const error = await errorOf(() => executor.run(tasks.tiny, 1, options as never));
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error.message).toMatch(message);
    expect(executor.stats().submitted).toBe(0);
  });

  it('takes timeout: Infinity as no timeout (it used to fire after 1 ms, with a TimeoutOverflowWarning)', async () => {
    make();
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      expect(await executor.run(sleep, { ms: 30, value: 'slow is fine' }, { timeout: Infinity })).toBe('slow is fine');
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => w.name)).not.toContain('TimeoutOverflowWarning');
  });

  it('a bad timeout does not hide a good one: the next task still times out', async () => {
    make();
    await expect(executor.run(tasks.hang, null, { timeout: 50 })).rejects.toBeInstanceOf(TaskTimeoutError);
  });

  it.each([
    ['inputs not iterable', 42, {}, TypeError, /inputs of map\(reliability\.mjs#tiny\) to be an iterable/],
    ['concurrency 0', [1], { concurrency: 0 }, TypeError, /`concurrency` of map\(reliability\.mjs#tiny\)/],
    ['chunkSize 0', [1], { chunkSize: 0 }, TypeError, /`chunkSize`/],
    ['chunkSize a word', [1], { chunkSize: 'big' }, TypeError, /`chunkSize`/],
    ['ordered not a boolean', [1], { ordered: 'yes' }, TypeError, /`ordered` of map\(reliability\.mjs#tiny\) to be a boolean/],
    ['signal not an AbortSignal', [1], { signal: {} }, TypeError, /`signal` of map\(reliability\.mjs#tiny\) to be an AbortSignal/],
  ])('map with %s', async (_what, inputs, options, ErrorClass, message) => {
    make();
    const error = await errorOf(() => executor.map(tasks.tiny, inputs as never, options as never));
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error.message).toMatch(message);
  });

  it('refuses a task that is neither defineTask() nor a function, naming what it got', async () => {
    make();
    const error = await errorOf(() => executor.run(42 as never, 1));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/defineTask.*got `42` \(number\)/);
  });

  it.each([
    ['a .json file (not ESM or CommonJS code)', 'not-a-module.json', 'x', /not-a-module\.json/],
    ['a syntax error', 'syntax-error.mjs', 'broken', /syntax-error\.mjs/],
    // Only the module's name is asserted: under vitest, the async backend's
    // import() goes through Vite, which words both failures its own way.
  ])('rejects a module that is %s with TaskLoadError naming it', async (_what, file, name, message) => {
    make();
    const error = await errorOf(() => executor.run(defineTask(fixture(file), name), 1));
    expect(error).toBeInstanceOf(TaskLoadError);
    expect(error.message).toMatch(message);
  });

  it('runs a CommonJS task module like an ESM one', async () => {
    make();
    expect(await executor.run(defineTask<(n: number) => number>(fixture('commonjs-task.cjs'), 'triple'), 5)).toBe(15);
  });

  if (backend.isolated) {
    it('refuses an input uncloneable deep inside a map chunk with TaskNotPortableError naming the task', async () => {
      make();
      const inputs = [1, 2, new Map([['k', { at: Symbol('nope') }]])];
      const error = await errorOf(() => executor.map(tasks.tiny as never, inputs as never, { chunkSize: 3 }));
      expect(error).toBeInstanceOf(TaskNotPortableError);
      expect(error.message).toContain('reliability.mjs#tiny');
    });

    it('refuses a result with a symbol deep inside with TaskNotPortableError naming the task', async () => {
      make();
      const error = await errorOf(() => executor.run(tasks.returnsSymbol, undefined));
      expect(error).toBeInstanceOf(TaskNotPortableError);
      expect(error.message).toContain('reliability.mjs#returnsSymbol');
    });
  }
});

describe('defineTask bad input', () => {
  it.each([
    ['a bare relative path (no ./)', () => defineTask('tasks/math.js', 'fib'), /relative path 'tasks\/math\.js'/],
    ['a number for the module', () => defineTask(42 as never), /absolute path or a file: URL, got number/],
    ['a number for the export name', () => defineTask(fixture('values.mjs'), 7 as never), /export name.*`7`/],
  ])('refuses %s with a TypeError naming it', (_what, call, message) => {
    expect(call).toThrow(TypeError);
    expect(call).toThrow(message);
  });
});
