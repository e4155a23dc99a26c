/**
 * Retries: how many, after how long, and which errors. The core asks
 * `retryDecision` when a started (or sent-ahead) task fails; what never gets
 * here is decided by the core itself: an abort by the caller, destroy().
 *
 * Default delay: exponential from 100 ms with full jitter (AWS's "full
 * jitter": a uniform draw in [0, min(cap, 100 ms * 2^(attempt - 1)))), capped
 * at 30 s: many callers retrying after one outage spread out instead of
 * coming back together.
 */
import type { RetrySettings } from '../pacing.js';

/** The first retry's default delay bound, ms (it doubles per attempt). */
export const RETRY_BASE_MS = 100;
/** The default delay never goes above this, ms. */
export const RETRY_CAP_MS = 30_000;

/** The default `retryDelay`: a uniform draw below min(cap, base * 2^(attempt - 1)). */
export function defaultRetryDelay(attempt: number): number {
  return Math.random() * Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (attempt - 1));
}

function describe(value: unknown): string {
  return `\`${typeof value === 'string' ? value : String(value)}\` (${value === null ? 'null' : typeof value})`;
}

/** A problem with `retries`, `retryDelay` or `retryOn` as given (`where`: '' or ' of task x'), or undefined. */
export function retryOptionsProblem(options: { retries?: unknown; retryDelay?: unknown; retryOn?: unknown }, where: string): TypeError | undefined {
  const { retries, retryDelay, retryOn } = options;
  if (retries !== undefined && !(typeof retries === 'number' && Number.isInteger(retries) && retries >= 0)) {
    return new TypeError(`Expected \`retries\`${where} to be an integer from 0 and up, got ${describe(retries)}`);
  }
  if (
    retryDelay !== undefined &&
    typeof retryDelay !== 'function' &&
    !(typeof retryDelay === 'number' && retryDelay >= 0 && Number.isFinite(retryDelay))
  ) {
    return new TypeError(
      `Expected \`retryDelay\`${where} to be a number of ms from 0 and up or a function (attempt, error) => ms, got ${describe(retryDelay)}`,
    );
  }
  if (retryOn !== undefined && typeof retryOn !== 'function') {
    return new TypeError(`Expected \`retryOn\`${where} to be a function (error, attempt) => boolean, got ${describe(retryOn)}`);
  }
  return undefined;
}

/** Extra runs allowed for one call: its own `retries`, else the executor's. */
export function retriesOf(run: RetrySettings, executor: RetrySettings): number {
  return run.retries ?? executor.retries ?? 0;
}

/**
 * After run number `attempt` failed with `error`: the delay before the next
 * run (ms), or `{ final }`, the error to settle with (the task's own error when
 * `retryOn` declines; what a throwing `retryOn` or a bad `retryDelay` result is).
 */
export function retryDecision(
  run: RetrySettings,
  executor: RetrySettings,
  attempt: number,
  error: unknown,
  label: string,
): number | { final: unknown } {
  const retryOn = run.retryOn ?? executor.retryOn;
  const retryDelay = run.retryDelay ?? executor.retryDelay;
  try {
    if (retryOn !== undefined && !retryOn(error, attempt)) return { final: error };
    if (retryDelay === undefined) return defaultRetryDelay(attempt);
    if (typeof retryDelay === 'number') return retryDelay;
    const delay = retryDelay(attempt, error);
    if (typeof delay === 'number' && delay >= 0 && Number.isFinite(delay)) return delay;
    return {
      final: new TypeError(`Expected \`retryDelay\` of task ${label} to return a number of ms from 0 and up, got ${describe(delay)}`, {
        cause: error,
      }),
    };
  } catch (thrown) {
    return { final: thrown };
  }
}
