/**
 * The pacing options' types (API.md "Pacing"), on their own: the Executor
 * interface, the options and the core's rate limiter and retry policy all
 * name them, and none of those may import another for them (no import cycle).
 */

export interface RateLimit {
  /** Task starts allowed in any window of `intervalMs`. Integer, minimum 1. */
  readonly limit: number;
  /** The window, ms. Integer, minimum 1. */
  readonly intervalMs: number;
}

export type RetryDelay = number | ((attempt: number, error: unknown) => number);
export type RetryOn = (error: unknown, attempt: number) => boolean;

/** The retry options, as a call's RunOptions and the executor's options both hold them. */
export interface RetrySettings {
  retries?: number;
  retryDelay?: RetryDelay;
  retryOn?: RetryOn;
}
