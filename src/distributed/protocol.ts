/**
 * What travels through Redis. A job's data is JSON (BullMQ stores it so); the
 * values inside are V8-serialised base64 strings (see codec.ts).
 */
import type { TaskTraits } from '../policy/traits.js';
import type { TaskRef } from './task-ref.js';

export interface JobData {
  task: TaskRef;
  /** `module#export`, for messages and dashboards. */
  label: string;
  traits: TaskTraits;
  /** Encoded input, or encoded array of inputs when `batch`. */
  input: string;
  batch: boolean;
  /** Running-time limit, ms; the worker stops the task past it. */
  timeout?: number;
  /** Extra runs allowed (RunOptions.retries): BullMQ `attempts` is `retries + 1`. */
  retries: number;
}

/**
 * The field of a job's hash where the worker stores the encoded error of a
 * failed attempt (name, message, stack, cause, props), read by the submitter
 * on `failed`. Beside BullMQ's own fields, not in `data`: rewriting the data
 * would rewrite the input with it.
 */
export const ERROR_FIELD = 'unifiedExecutorError';

/** A job's return value. */
export interface JobResult {
  /** Encoded result (or array of results for a batch). */
  value: string;
  /**
   * Running time on the worker, ms: for whoever reads the event stream (dashboards).
   * The submitter's executor times a job itself, from its 'active' event.
   */
  runMs: number;
}

/** Redis pub/sub channel on which submitters ask workers to stop a running job (payload: the job id). */
export function cancelChannel(prefix: string, queue: string): string {
  return `${prefix}:${queue}:unified-executor:cancel`;
}

/** BullMQ's key prefix; both sides use the default. */
export const PREFIX = 'bull';
