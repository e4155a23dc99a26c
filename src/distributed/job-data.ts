/**
 * A job's data checked field by field before the worker uses any of it: a
 * job is written by whoever can write to the queue (another version of this
 * library, a script, an attacker), not only by our submitter. A malformed job
 * fails at once, not retried, with a TypeError that names the field, instead
 * of a raw "Cannot use 'in' operator..." thrown as retryable. Fields this
 * version does not know are ignored (a newer submitter may add some).
 */
import { MAX_TIMER_MS } from '../core/run-options.js';
import { validateTraits } from '../policy/traits.js';
import type { JobData } from './protocol.js';

/**
 * The largest encoded input (or batch of inputs) a job may carry, characters
 * of base64 (~24 MB of serialised value). Both sides enforce it: the
 * submitter refuses a bigger input at `run`, a worker a bigger job.
 */
export const MAX_INPUT_CHARS = 32 * 1024 * 1024;
/** A module reference or export name longer than this is not one. */
const MAX_NAME_CHARS = 4096;
/** More re-runs than this is a typo or an attack, not a policy. */
const MAX_RETRIES = 1000;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export class MalformedJobError extends TypeError {
  constructor(jobId: string, field: string, problem: string) {
    super(`Malformed job ${jobId}: \`${field}\` ${problem}`);
    this.name = 'TypeError';
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function name(value: unknown, field: string, jobId: string): string {
  if (typeof value !== 'string' || value === '' || value.length > MAX_NAME_CHARS) {
    throw new MalformedJobError(jobId, field, `must be a non-empty string of at most ${MAX_NAME_CHARS} characters, got ${describe(value)}`);
  }
  return value;
}

/** The data, typed, or a MalformedJobError naming the first bad field. */
export function checkJobData(data: unknown, jobId: string): JobData {
  if (!isRecord(data)) throw new MalformedJobError(jobId, 'data', `must be an object, got ${describe(data)}`);
  const { task, label, traits, input, batch, timeout, retries } = data;
  if (!isRecord(task)) throw new MalformedJobError(jobId, 'data.task', `must be an object, got ${describe(task)}`);
  const hasRelative = Object.hasOwn(task, 'relative');
  const hasAbsolute = Object.hasOwn(task, 'absolute');
  if (hasRelative === hasAbsolute) {
    throw new MalformedJobError(jobId, 'data.task', 'must have exactly one of `relative` and `absolute`');
  }
  const ref = hasRelative
    ? { relative: name(task.relative, 'data.task.relative', jobId), name: name(task.name, 'data.task.name', jobId) }
    : { absolute: name(task.absolute, 'data.task.absolute', jobId), name: name(task.name, 'data.task.name', jobId) };
  if (typeof label !== 'string' || label.length > MAX_NAME_CHARS) {
    throw new MalformedJobError(jobId, 'data.label', `must be a string of at most ${MAX_NAME_CHARS} characters, got ${describe(label)}`);
  }
  if (traits !== undefined && !isRecord(traits)) throw new MalformedJobError(jobId, 'data.traits', `must be an object, got ${describe(traits)}`);
  try {
    validateTraits(traits ?? {}, { task: `of job ${jobId}` });
  } catch (error) {
    throw new MalformedJobError(jobId, 'data.traits', `is invalid: ${(error as Error).message}`);
  }
  if (typeof input !== 'string') throw new MalformedJobError(jobId, 'data.input', `must be a base64 string, got ${describe(input)}`);
  if (input.length > MAX_INPUT_CHARS) {
    throw new MalformedJobError(jobId, 'data.input', `is ${input.length} characters, over the ${MAX_INPUT_CHARS} a job may carry`);
  }
  if (input.length % 4 !== 0 || !BASE64.test(input)) throw new MalformedJobError(jobId, 'data.input', 'is not valid base64');
  if (batch !== undefined && typeof batch !== 'boolean') throw new MalformedJobError(jobId, 'data.batch', `must be a boolean, got ${describe(batch)}`);
  if (timeout !== undefined && !(typeof timeout === 'number' && timeout > 0 && timeout <= MAX_TIMER_MS)) {
    throw new MalformedJobError(jobId, 'data.timeout', `must be a number of ms from 1 to ${MAX_TIMER_MS}, got ${describe(timeout)}`);
  }
  if (retries !== undefined && !(typeof retries === 'number' && Number.isInteger(retries) && retries >= 0 && retries <= MAX_RETRIES)) {
    throw new MalformedJobError(jobId, 'data.retries', `must be an integer from 0 to ${MAX_RETRIES}, got ${describe(retries)}`);
  }
  return {
    task: ref,
    label,
    traits: (traits ?? {}) as JobData['traits'],
    input,
    batch: batch ?? false,
    ...(timeout !== undefined ? { timeout } : {}),
    retries: retries ?? 0,
  };
}
