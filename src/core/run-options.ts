/**
 * Checks of what a caller passes per call (run and map options) and of the
 * timer options, shared by every executor. Bad input is a TypeError or
 * RangeError naming the option and the task, never a failure deep inside a
 * backend (`userSignal.addEventListener is not a function`, a WorkerCrashedError
 * for a bad transfer list) nor a silent misbehaviour (a priority compared as a
 * string, a timer that fires after 1 ms).
 */
import type { ExecutorOptions } from '../options.js';
import { validateTimeout } from '../options.js';
import { isTask } from '../task.js';
import { retryOptionsProblem } from './retry-policy.js';

/**
 * The longest delay Node's timers take (2^31 - 1 ms, about 24.8 days): a
 * larger one fires after 1 ms with a TimeoutOverflowWarning.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

function describe(value: unknown): string {
  return `\`${typeof value === 'string' ? value : String(value)}\` (${value === null ? 'null' : typeof value})`;
}

/** Duck-typed: an AbortSignal from another realm (a vm context, a polyfill) is fine too. */
export function isAbortSignalLike(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function' &&
    typeof (value as AbortSignal).removeEventListener === 'function'
  );
}

/** A finite delay beyond Node's longest timer would fire at once. */
function checkTimer(name: string, value: number | undefined, where: string): RangeError | undefined {
  if (value === undefined || value === Number.POSITIVE_INFINITY || !(value > MAX_TIMER_MS)) return undefined;
  return new RangeError(
    `Expected \`${name}\`${where} to be at most ${MAX_TIMER_MS} ms (Node's longest timer) or Infinity, got ${describe(value)}`,
  );
}

/** Throws on executor timer options beyond Node's longest timer (their type and range are checked by validateOptions). */
export function checkTimerOptions(options: ExecutorOptions): void {
  const error =
    checkTimer('taskTimeout', options.taskTimeout, '') ??
    checkTimer('idleTimeout', options.idleTimeout, '') ??
    checkTimer('abortGraceMs', options.abortGraceMs, '');
  if (error) throw error;
}

/** A TypeError if `task` is neither a defineTask() task nor a function (what run and map take), or undefined. */
export function notATaskProblem(task: unknown): TypeError | undefined {
  if (isTask(task) || typeof task === 'function') return undefined;
  return new TypeError(`Expected a task from defineTask(module, exportName) or a function, got ${describe(task)}`);
}

/** RunOptions' keys (executor.ts): a new run option is added here too. */
const RUN_OPTIONS = new Set(['signal', 'timeout', 'priority', 'transfer', 'retries', 'retryDelay', 'retryOn', 'onProgress']);

/** The first problem with the options of one `run` of task `label`, or undefined. */
export function runOptionsProblem(options: unknown, label: string): Error | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    return new TypeError(`Expected the options of task ${label} to be an object, got ${describe(options)}`);
  }
  // A misspelt or foreign option (`timout`, BullMQ's `delay`/`attempts`/`jobId`) would be
  // ignored in silence, on the distributed backend too, where it looks meant for the queue.
  for (const key of Object.keys(options)) {
    if (!RUN_OPTIONS.has(key)) {
      return new TypeError(`Unknown option \`${key}\` of task ${label} (expected ${[...RUN_OPTIONS].join(', ')})`);
    }
  }
  const { timeout, priority, signal, transfer, onProgress } = options as Record<string, unknown>;
  try {
    validateTimeout(timeout, `task ${label}`);
  } catch (error) {
    return error as Error;
  }
  const tooLong = checkTimer('timeout', timeout as number | undefined, ` of task ${label}`);
  if (tooLong) return tooLong;
  if (priority !== undefined && (typeof priority !== 'number' || Number.isNaN(priority))) {
    return new TypeError(`Expected \`priority\` of task ${label} to be a number, got ${describe(priority)}`);
  }
  if (signal !== undefined && !isAbortSignalLike(signal)) {
    return new TypeError(`Expected \`signal\` of task ${label} to be an AbortSignal, got ${describe(signal)}`);
  }
  if (transfer !== undefined && !Array.isArray(transfer)) {
    return new TypeError(`Expected \`transfer\` of task ${label} to be an array of transferable objects, got ${describe(transfer)}`);
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    return new TypeError(`Expected \`onProgress\` of task ${label} to be a function, got ${describe(onProgress)}`);
  }
  return retryOptionsProblem(options as Record<string, unknown>, ` of task ${label}`);
}

/** A value `map` can pull inputs from. */
export function isIterableInput(value: unknown): boolean {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'string') &&
    (typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function' ||
      typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function')
  );
}

/** The first problem with the options and inputs of one `map` of task `label`, or undefined. */
export function mapInputProblem(inputs: unknown, options: unknown, label: string): Error | undefined {
  if (!isIterableInput(inputs)) {
    return new TypeError(`Expected the inputs of map(${label}) to be an iterable or async iterable, got ${describe(inputs)}`);
  }
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    return new TypeError(`Expected the options of map(${label}) to be an object, got ${describe(options)}`);
  }
  const { ordered, signal, onProgress } = options as Record<string, unknown>;
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    return new TypeError(`Expected \`onProgress\` of map(${label}) to be a function, got ${describe(onProgress)}`);
  }
  if (ordered !== undefined && typeof ordered !== 'boolean') {
    return new TypeError(`Expected \`ordered\` of map(${label}) to be a boolean, got ${describe(ordered)}`);
  }
  if (signal !== undefined && !isAbortSignalLike(signal)) {
    return new TypeError(`Expected \`signal\` of map(${label}) to be an AbortSignal, got ${describe(signal)}`);
  }
  return undefined;
}
