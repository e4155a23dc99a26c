/**
 * Bad executor options, beyond test/options.test.ts: every option with a
 * wrong type or range is refused at creation with a TypeError/RangeError
 * that names it, never a silent default. Timer options also stop at Node's
 * longest timer: a larger delay would fire after 1 ms (TimeoutOverflowWarning).
 */
import { describe, expect, it } from 'vitest';
import { createExecutor } from 'unified-executor';

/** Every backend name, with what it needs besides (distributed: a connection, never opened by createExecutor). */
const BACKENDS = [
  { backend: 'auto' },
  { backend: 'async' },
  { backend: 'thread' },
  { backend: 'process' },
  { backend: 'distributed', connection: 'redis://127.0.0.1:6379' },
] as const;

const ROWS: [string, unknown, ErrorConstructor, RegExp][] = [
  ['options not an object', null, TypeError, /executor options to be an object/],
  ['options a string', 'fast', TypeError, /executor options to be an object/],
  ['backend of another case', { backend: 'Thread' }, TypeError, /`backend`.*`Thread`/],
  ['backend not a string', { backend: 3 }, TypeError, /`backend`/],
  ['maxWorkers Infinity', { maxWorkers: Infinity }, RangeError, /`maxWorkers`.*Infinity/],
  ['maxWorkers NaN', { maxWorkers: NaN }, RangeError, /`maxWorkers`/],
  ['maxWorkers a string', { maxWorkers: '2' }, TypeError, /`maxWorkers`/],
  ['minWorkers a fraction', { minWorkers: 1.5 }, RangeError, /`minWorkers`/],
  ['concurrentTasksPerWorker 0', { concurrentTasksPerWorker: 0 }, RangeError, /`concurrentTasksPerWorker`/],
  ['concurrentTasksPerWorker a string', { concurrentTasksPerWorker: '2' }, TypeError, /`concurrentTasksPerWorker`/],
  ['maxQueue NaN', { maxQueue: NaN }, RangeError, /`maxQueue`/],
  ['maxQueue a string', { maxQueue: '10' }, TypeError, /`maxQueue`/],
  ['idleTimeout a string', { idleTimeout: '100' }, TypeError, /`idleTimeout`/],
  ['maxTasksPerWorker a string', { maxTasksPerWorker: '5' }, TypeError, /`maxTasksPerWorker`/],
  ['taskTimeout negative', { taskTimeout: -1 }, RangeError, /`taskTimeout`/],
  ['taskTimeout a string', { taskTimeout: '100' }, TypeError, /`taskTimeout`/],
  ['blockWarningMs a string', { blockWarningMs: '5' }, TypeError, /`blockWarningMs`/],
  ['abortGraceMs a string', { abortGraceMs: '100' }, TypeError, /`abortGraceMs`/],
  ['reconnectTimeout 0', { reconnectTimeout: 0 }, RangeError, /`reconnectTimeout`/],
  ['traits not an object', { traits: 'cpu' }, TypeError, /`traits`/],
  ['traits null', { traits: null }, TypeError, /`traits`/],
  ['a trait of the wrong type', { traits: { cpuBound: 1 } }, TypeError, /traits\.cpuBound/],
  ['policy backend unknown', { policy: { backends: { 'cpu-bound': 'gpu' } } }, TypeError, /backends\.cpu-bound/],
  ['policy rule unknown', { policy: { backends: { 'cpu-heavy': 'thread' } } }, TypeError, /cpu-heavy/],
  ['resourceLimits null', { resourceLimits: null }, TypeError, /`resourceLimits`/],
  ['resourceLimits heap a string', { resourceLimits: { maxOldGenerationSizeMb: '64' } }, TypeError, /maxOldGenerationSizeMb/],
  ['execArgv with a number', { execArgv: ['--no-warnings', 1] }, TypeError, /`execArgv`/],
  ['env null', { env: null }, TypeError, /`env`/],
  ['env a string', { env: 'PATH=/bin' }, TypeError, /`env`/],
  // Bug: `queue: 42` passed (the name check coerced it to '42'), `root: 42` failed with
  // `root.startsWith is not a function`, and on a local backend all three were ignored.
  ['queue a number', { backend: 'distributed', connection: 'redis://127.0.0.1:6379', queue: 42 }, TypeError, /`queue`.*`42` \(number\)/],
  ['queue with a colon', { backend: 'distributed', connection: 'redis://127.0.0.1:6379', queue: 'a:b' }, TypeError, /`queue`/],
  ['root a number', { backend: 'distributed', connection: 'redis://127.0.0.1:6379', root: 42 }, TypeError, /`root`/],
  ['connection a number', { backend: 'distributed', connection: 42 }, TypeError, /`connection`/],
  ['connection on the auto backend', { connection: 'redis://127.0.0.1:6379' }, TypeError, /`connection` is an option of backend: 'distributed'.*'auto'/],
  ['queue on the thread backend', { backend: 'thread', queue: 'jobs' }, TypeError, /`queue` is an option of backend: 'distributed'.*'thread'/],
  // Pacing (issue 21).
  ['rateLimit limit 0', { rateLimit: { limit: 0, intervalMs: 1000 } }, RangeError, /`rateLimit\.limit` to be an integer from 1 and up, got `0`/],
  ['rateLimit limit negative', { rateLimit: { limit: -1, intervalMs: 1000 } }, RangeError, /`rateLimit\.limit`/],
  ['rateLimit limit a fraction', { rateLimit: { limit: 1.5, intervalMs: 1000 } }, RangeError, /`rateLimit\.limit`/],
  ['rateLimit intervalMs 0', { rateLimit: { limit: 5, intervalMs: 0 } }, RangeError, /`rateLimit\.intervalMs` to be an integer from 1 and up/],
  ['rateLimit intervalMs negative', { rateLimit: { limit: 5, intervalMs: -10 } }, RangeError, /`rateLimit\.intervalMs`/],
  ['rateLimit intervalMs a fraction', { rateLimit: { limit: 5, intervalMs: 2.5 } }, RangeError, /`rateLimit\.intervalMs`/],
  ['rateLimit without intervalMs', { rateLimit: { limit: 5 } }, TypeError, /`rateLimit` to have both `limit` and `intervalMs`/],
  ['retries -1', { retries: -1 }, TypeError, /`retries` to be an integer from 0 and up, got `-1`/],
  ['retryDelay a string', { retryDelay: '1s' }, TypeError, /`retryDelay` to be a number of ms from 0 and up or a function/],
  ['retryDelay an object', { retryDelay: { ms: 100 } }, TypeError, /`retryDelay`/],
  ['retryOn a boolean', { retryOn: false }, TypeError, /`retryOn` to be a function/],
  ['rateLimit on the distributed backend', { backend: 'distributed', connection: 'redis://127.0.0.1:6379', rateLimit: { limit: 5, intervalMs: 1000 } }, TypeError, /set it on the workers|belongs to the workers/],
];

/** The rows that name no backend and no distributed option: they must be refused the same way on each backend. */
const ANY_BACKEND = ROWS.filter(
  ([, options]) => typeof options === 'object' && options !== null && !['backend', 'connection', 'queue', 'root'].some((key) => key in options),
);

describe('createExecutor refuses every bad option, naming it', () => {
  it.each(ROWS)('%s', (_what, options, ErrorClass, message) => {
    expect(() => createExecutor(options as never)).toThrow(ErrorClass);
    expect(() => createExecutor(options as never)).toThrow(message);
  });

  // Bug: the distributed executor did not check timer ranges (and took its own
  // path through run options): every backend must refuse the same options alike.
  it.each(BACKENDS)('the same rows, the same errors, on the $backend backend', (base) => {
    expect(ANY_BACKEND.length).toBeGreaterThan(15);
    for (const [, options, ErrorClass, message] of ANY_BACKEND) {
      const call = () => createExecutor({ ...(options as object), ...base });
      expect(call).toThrow(ErrorClass);
      expect(call).toThrow(message);
    }
  });

  // Bug: these were accepted, and Node fired the timer after 1 ms instead:
  // every task timed out at once, every idle worker left at once.
  it.each(BACKENDS)('timer options beyond Node’s longest timer ($backend)', (base) => {
    for (const option of ['taskTimeout', 'idleTimeout'] as const) {
      expect(() => createExecutor({ ...base, [option]: 2 ** 31 })).toThrow(RangeError);
      expect(() => createExecutor({ ...base, [option]: 2 ** 31 })).toThrow(new RegExp(`\`${option}\`.*2147483647`));
    }
  });
});
