/**
 * A call as the job data a worker reads (protocol.ts), checked on the
 * submitter's side first: what cannot travel (a retry rule that is a
 * function, an input over the size a worker accepts) fails at `run`, with a
 * message that names the task, not as a refusal on a worker.
 */
import type { TaskCall } from '../backends/backend.js';
import { TaskNotPortableError } from '../errors.js';
import type { ExecutorOptions } from '../options.js';
import type { Task } from '../task.js';
import { encodeValue } from './codec.js';
import { MAX_INPUT_CHARS } from './job-data.js';
import type { JobData } from './protocol.js';
import type { TaskRef } from './task-ref.js';

export function jobDataOf(call: TaskCall, ref: TaskRef, retries: number, retryDelay: ExecutorOptions['retryDelay']): JobData {
  const { label } = call;
  if (typeof retryDelay === 'function' || call.options.retryOn !== undefined) {
    throw new TypeError(
      `Task ${label}: ${call.options.retryOn !== undefined ? '`retryOn`' : '`retryDelay` as a function'} cannot travel to the workers of a distributed executor ` +
        '(BullMQ runs the retries there): give retryDelay in ms, and decide in the task which errors to throw',
    );
  }
  const input = encodeValue(call.input, `input of task ${label}`);
  if (input.length > MAX_INPUT_CHARS) {
    throw new TaskNotPortableError(
      `Cannot queue task ${label}: its input is ${(input.length / 2 ** 20).toFixed(1)} MB encoded, over the ` +
        `${MAX_INPUT_CHARS / 2 ** 20} MB a job may carry (workers refuse bigger jobs): pass a reference (a path, a key) instead`,
    );
  }
  return {
    task: ref,
    label,
    traits: (call.task as Task).traits,
    input,
    batch: call.batch,
    // The worker stops the task past it too: the core's timer only gives up on it here.
    timeout: call.timeout,
    retries,
  };
}
