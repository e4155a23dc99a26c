/**
 * What a backend reports of a Job while it runs, besides its start and its
 * end: what a worker measured of the call (into the task's profile, which
 * the policy reads), and the values of the task's `ctx.progress()` (to the
 * caller and to `taskProgress` listeners).
 */
import type { EventEmitter } from 'eventemitter3';
import { TaskNotPortableError } from '../errors.js';
import type { ExecutorEvents, TaskBackend } from '../executor.js';
import type { CallSample } from '../policy/call-sample.js';
import type { TaskProfiles } from '../policy/task-profile.js';
import type { Job } from './job.js';

/**
 * What a worker measured of `job`, into the task's profile. A batch (a chunk
 * of `map`) was measured as one call: its times are spread over its items, so
 * the profile's run time stays per item (shares are kept).
 */
export function recordMeasured(profiles: TaskProfiles, job: Job, sample: CallSample): void {
  const items = job.batch ? (job.input as unknown[]).length : 1;
  if (items <= 1) {
    profiles.record(job.task, sample);
    return;
  }
  const cpuMs = sample.cpuMs === undefined ? undefined : sample.cpuMs / items;
  profiles.record(job.task, { runMs: sample.runMs / items, syncMs: sample.syncMs / items, cpuMs });
}

/**
 * A value from the task's `ctx.progress()`, while its call is live: to the
 * caller's `onProgress` (with the item's index in a batch), then to
 * `taskProgress` listeners. A throwing `onProgress` must not break the
 * backend's message loop: it becomes a `warning`.
 */
export function reportProgress(events: EventEmitter<ExecutorEvents>, backend: TaskBackend, job: Job, value: unknown, item: number): void {
  const onProgress = job.options.onProgress as ((value: unknown, item: number) => void) | undefined;
  if (onProgress !== undefined) {
    try {
      onProgress(value, item);
    } catch (error) {
      // A distributed worker's handler encodes the value: one that cannot be sent is the task's error, in the task.
      if (error instanceof TaskNotPortableError) throw error;
      events.emit('warning', {
        type: 'progress-handler-threw',
        backend,
        task: job.label,
        message: `onProgress of task ${job.label} threw: ${(error as Error)?.message ?? String(error)}`,
      });
    }
  }
  // Skips building the payload when nobody listens.
  if (events.listenerCount('taskProgress') > 0) events.emit('taskProgress', { id: job.id, task: job.label, backend, value });
}
