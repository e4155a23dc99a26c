/**
 * Executor options: documented once, here, and validated once at creation.
 * Bad input is a TypeError/RangeError naming the option, never a silent default.
 */
import type { BackendName } from './executor.js';
import { validatePolicy, validateTraits, type PolicyOptions, type TaskTraits } from './policy/rules.js';
import { checkHeapLimitSupported } from './worker/runtime.js';
import { retryOptionsProblem } from './core/retry-policy.js';
import type { RateLimit, RetryDelay, RetryOn } from './pacing.js';
import { checkExecArgv } from './worker/worker-flags.js';

export interface ResourceLimits {
  /** Heap limit per worker, MiB. Threads: Worker `resourceLimits`; processes: `--max-old-space-size`. */
  maxOldGenerationSizeMb?: number;
}

export interface ExecutorOptions {
  /** Where tasks run; `'auto'` routes each task by the policy. @default 'auto' */
  readonly backend?: BackendName | 'distributed';
  /** Traits merged under each task's own traits (the task's win). */
  readonly traits?: TaskTraits;
  /** Overrides of the policy's threshold and rule backends, and `adapt` (route tasks by their measured traits). */
  readonly policy?: PolicyOptions;
  /** Pool backends: most workers alive at once. Minimum 1. @default os.availableParallelism() (I/O-sized for thread pools chosen by the `io-few` rule) */
  readonly maxWorkers?: number;
  /** Pool backends: workers kept alive even when idle. Minimum 0. @default 0 for processes, piscina's default for threads */
  readonly minWorkers?: number;
  /**
   * Async backend: tasks in flight at once. Distributed backend: the slots this submitter counts on the
   * workers giving it (jobs within them are not counted as waiting by `maxQueue`), and `map`'s default window.
   * Minimum 1. @default expectedCount when declared, else 500 (distributed: none for `maxQueue`, 32 for `map`)
   */
  readonly concurrency?: number;
  /** Pool backends: tasks one worker runs at once (async tasks share a worker while they wait). Minimum 1. @default 1 (CPU), more when the policy sizes a pool for I/O */
  readonly concurrentTasksPerWorker?: number;
  /** Queued (not running) tasks beyond which `run` rejects with QueueFullError. Minimum 0. @default Infinity */
  readonly maxQueue?: number;
  /** Pool backends: ms before an idle worker above `minWorkers` exits. Minimum 0. @default 30000 */
  readonly idleTimeout?: number;
  /** Pool backends: recycle a worker after this many tasks. Minimum 1. @default Infinity */
  readonly maxTasksPerWorker?: number;
  /** Default per-task timeout, ms (running time, not queue time). Minimum 1. @default none */
  readonly taskTimeout?: number;
  readonly resourceLimits?: ResourceLimits;
  /** Process backend: environment of the children. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Pool backends: Node flags of the workers. @default process.execArgv (so a loader such as tsx carries over) */
  readonly execArgv?: string[];
  /**
   * Pool backends: ms a running task gets, after its `ctx.signal` aborts (the caller's abort or
   * its timeout), to settle before its worker is ended. A task that settles in time keeps its
   * worker; its slot stays busy until then. 0: end the worker at once. Minimum 0.
   * @default 100 (about one worker start-up: see README "Task context")
   */
  readonly abortGraceMs?: number;
  /** Async backend: a task that blocks the event loop this long (ms) triggers a `warning` event. Minimum 1. @default 100 */
  readonly blockWarningMs?: number;
  /** Distributed backend: Redis URL or ioredis options. */
  readonly connection?: unknown;
  /** Distributed backend: the BullMQ queue name. @default 'unified-executor' */
  readonly queue?: string;
  /**
   * Distributed backend: the directory task modules are named relative to. A job carries its
   * module's path relative to this root, and the worker resolves it under its own `root`.
   * A module outside the root (or no root) travels as an absolute path. @default none
   */
  readonly root?: string | URL;
  /** Distributed backend: ms Redis may stay unreachable before waiting tasks reject with ConnectionLostError. Minimum 1. @default 30000 */
  readonly reconnectTimeout?: number;
  /**
   * At most `limit` task starts in any window of `intervalMs` (both integers from 1). Tasks held back
   * count as queued (`maxQueue`, priority and abort apply). `auto`: one budget for all its backends.
   * Distributed: not here (a TypeError): set it on the workers, `createWorker({ rateLimit })`. @default none
   */
  readonly rateLimit?: RateLimit;
  /** Default `retries` of `run` (extra runs after a throw, a timeout or a dead worker). Minimum 0. @default 0 */
  readonly retries?: number;
  /** Default `retryDelay` of `run`: ms, or a function of (attempt, error). @default exponential from 100 ms, full jitter, capped at 30 s */
  readonly retryDelay?: RetryDelay;
  /** Default `retryOn` of `run`: whether to retry after run `attempt` failed with `error`. @default every failure */
  readonly retryOn?: RetryOn;
}

const KNOWN = new Set([
  'backend', 'traits', 'policy', 'maxWorkers', 'minWorkers', 'concurrency', 'concurrentTasksPerWorker',
  'maxQueue', 'idleTimeout', 'maxTasksPerWorker', 'taskTimeout', 'resourceLimits', 'env', 'execArgv',
  'blockWarningMs', 'connection', 'queue', 'root', 'reconnectTimeout', 'abortGraceMs', 'rateLimit', 'retries', 'retryDelay', 'retryOn',
]);
const BACKENDS = new Set(['auto', 'process', 'thread', 'async', 'distributed']);

function describe(value: unknown): string {
  return `\`${typeof value === 'string' ? value : String(value)}\` (${typeof value})`;
}

/** Integer (or Infinity where allowed) from `min` and up. */
function checkCount(name: string, value: unknown, min: number, allowInfinity = false): void {
  if (value === undefined) return;
  const ok =
    typeof value === 'number' &&
    value >= min &&
    (Number.isInteger(value) || (allowInfinity && value === Number.POSITIVE_INFINITY));
  if (!ok) {
    const ErrorClass = typeof value === 'number' ? RangeError : TypeError;
    throw new ErrorClass(`Expected \`${name}\` to be an integer from ${min} and up, got ${describe(value)}`);
  }
}

/** Throws on the first bad option; never mutates `options`. */
export function validateOptions(options: ExecutorOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected executor options to be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new TypeError(`Unknown executor option \`${key}\``);
  }
  if (options.backend !== undefined && !BACKENDS.has(options.backend)) {
    throw new TypeError(
      `Expected \`backend\` to be 'auto', 'process', 'thread', 'async' or 'distributed', got ${describe(options.backend)}`,
    );
  }
  // The same check as defineTask's (policy.ts), so a bad trait reads the same in both places.
  validateTraits(options.traits, { option: 'traits' });
  if (options.policy !== undefined) validatePolicy(options.policy);
  checkCount('maxWorkers', options.maxWorkers, 1);
  checkCount('minWorkers', options.minWorkers, 0);
  checkCount('concurrency', options.concurrency, 1);
  checkCount('concurrentTasksPerWorker', options.concurrentTasksPerWorker, 1);
  checkCount('maxQueue', options.maxQueue, 0, true);
  checkCount('idleTimeout', options.idleTimeout, 0, true);
  checkCount('maxTasksPerWorker', options.maxTasksPerWorker, 1, true);
  checkCount('taskTimeout', options.taskTimeout, 1);
  checkCount('blockWarningMs', options.blockWarningMs, 1);
  checkCount('abortGraceMs', options.abortGraceMs, 0);
  checkCount('reconnectTimeout', options.reconnectTimeout, 1);
  if (options.minWorkers !== undefined && options.maxWorkers !== undefined && options.minWorkers > options.maxWorkers) {
    throw new RangeError(
      `Expected \`minWorkers\` (${options.minWorkers}) to be at most \`maxWorkers\` (${options.maxWorkers})`,
    );
  }
  if (options.resourceLimits !== undefined) {
    if (typeof options.resourceLimits !== 'object' || options.resourceLimits === null) {
      throw new TypeError(`Expected \`resourceLimits\` to be an object, got ${describe(options.resourceLimits)}`);
    }
    for (const key of Object.keys(options.resourceLimits)) {
      if (key !== 'maxOldGenerationSizeMb') throw new TypeError(`Unknown option \`resourceLimits.${key}\``);
    }
    checkCount('resourceLimits.maxOldGenerationSizeMb', options.resourceLimits.maxOldGenerationSizeMb, 1);
    checkHeapLimitSupported(options.backend, options.resourceLimits.maxOldGenerationSizeMb);
  }
  if (options.execArgv !== undefined && !(Array.isArray(options.execArgv) && options.execArgv.every((a) => typeof a === 'string'))) {
    throw new TypeError(`Expected \`execArgv\` to be an array of strings, got ${describe(options.execArgv)}`);
  }
  // A flag that cannot work (`-e`; `--expose-gc` on threads) fails here, not in every worker.
  if (options.execArgv !== undefined) checkExecArgv(options.execArgv, options.backend === 'thread' ? 'thread' : 'process');
  if (options.env !== undefined && (typeof options.env !== 'object' || options.env === null)) {
    throw new TypeError(`Expected \`env\` to be an object, got ${describe(options.env)}`);
  }
  validateDistributedOptions(options);
  validatePacing(options);
}

/** `rateLimit: { limit, intervalMs }`, both integers from 1 (the executor's, and a distributed worker's). */
export function validateRateLimit(rateLimit: unknown): asserts rateLimit is RateLimit {
  if (typeof rateLimit !== 'object' || rateLimit === null) {
    throw new TypeError(`Expected \`rateLimit\` to be an object { limit, intervalMs }, got ${describe(rateLimit)}`);
  }
  for (const key of Object.keys(rateLimit)) {
    if (key !== 'limit' && key !== 'intervalMs') throw new TypeError(`Unknown option \`rateLimit.${key}\` (expected limit and intervalMs)`);
  }
  const { limit, intervalMs } = rateLimit as Partial<RateLimit>;
  if (limit === undefined || intervalMs === undefined) {
    throw new TypeError(`Expected \`rateLimit\` to have both \`limit\` and \`intervalMs\`, got ${JSON.stringify(rateLimit)}`);
  }
  checkCount('rateLimit.limit', limit, 1);
  checkCount('rateLimit.intervalMs', intervalMs, 1);
}

/** `rateLimit` and the retry defaults. */
function validatePacing(options: ExecutorOptions): void {
  const retryProblem = retryOptionsProblem(options, '');
  if (retryProblem) throw retryProblem;
  if (options.backend === 'distributed' && (options.retryOn !== undefined || typeof options.retryDelay === 'function')) {
    throw new TypeError(
      `${options.retryOn !== undefined ? '`retryOn`' : '`retryDelay` as a function'} cannot travel to the workers of a distributed executor ` +
        '(BullMQ runs the retries there): give retryDelay in ms, and decide in the task which errors to throw',
    );
  }
  const { rateLimit } = options;
  if (rateLimit === undefined) return;
  validateRateLimit(rateLimit);
  if (options.backend === 'distributed') {
    throw new TypeError(
      "`rateLimit` cannot be set on a distributed executor: the limit must hold across every machine, so it belongs to the workers: " +
        'createWorker({ rateLimit }) or `unified-executor worker --rate-limit N/ms` (BullMQ\'s own limiter)',
    );
  }
}

/** Options that only the distributed backend reads. */
const DISTRIBUTED_ONLY = ['connection', 'queue', 'root', 'reconnectTimeout'] as const;

/**
 * Their types on every backend (the distributed executor checks the values
 * further: `connection` in redisOptions, the root being absolute); on a local backend, their
 * presence: there they would be silently ignored, and an executor that was
 * meant to scale out would quietly run everything here (the policy never
 * picks 'distributed' by itself).
 */
function validateDistributedOptions(options: ExecutorOptions): void {
  const { queue, root } = options;
  if (queue !== undefined && (typeof queue !== 'string' || !/^[^:]+$/.test(queue))) {
    throw new TypeError(`Expected \`queue\` to be a non-empty name without ':', got ${describe(queue)}`);
  }
  if (root !== undefined && typeof root !== 'string' && !(root instanceof URL)) {
    throw new TypeError(`Expected \`root\` to be an absolute path or a file: URL, got ${describe(root)}`);
  }
  const backend = options.backend ?? 'auto';
  if (backend === 'distributed') return;
  const given = DISTRIBUTED_ONLY.find((key) => options[key] !== undefined);
  if (given) {
    throw new TypeError(
      `\`${given}\` is an option of backend: 'distributed', but this executor's backend is '${backend}': ` +
        "set backend: 'distributed' to run tasks on a queue (the policy never picks it by itself)",
    );
  }
}

/** Validates per-call options; `where` names the task for the message. */
export function validateTimeout(value: unknown, where: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !(value > 0) || Number.isNaN(value)) {
    throw new TypeError(`Expected \`timeout\` of ${where} to be a number above 0, got ${describe(value)}`);
  }
}
