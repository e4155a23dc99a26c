/**
 * The worker side of one job: check its retry budget, resolve its task under
 * this worker's root, decode the input, run it on the local auto executor (so
 * a `cpuBound` task goes to a child process on this machine), encode the
 * result. A failure is stored on the job (encoded, with name, message, stack,
 * cause and props) before BullMQ records it, so the submitter can rebuild it.
 */
import { setMaxListeners } from 'node:events';
import type { Job } from 'bullmq';
import { TaskLoadError, TaskNotPortableError, TaskTimeoutError, WorkerCrashedError } from '../errors.js';
import type { Executor } from '../executor.js';
import { defineTask } from '../task.js';
import { decodeValue, encodeError, encodeValue } from './codec.js';
import type { Drivers } from './load-drivers.js';
import type { JobData, JobResult } from './protocol.js';
import { describeTaskRef, resolveTaskRef } from './task-ref.js';

export interface JobRunnerContext {
  bullmq: Drivers['bullmq'];
  executor: Executor;
  root: string;
  /** Set once close() has waited `shutdownTimeout`: aborted jobs go back to the queue instead of failing. */
  handingBack(): boolean;
  /** Stores an encoded error beside the job's own fields (protocol.ts ERROR_FIELD). */
  storeError(jobId: string, encoded: string): Promise<unknown>;
}

export async function runJob(
  context: JobRunnerContext,
  job: Job<JobData, JobResult>,
  token: string | undefined,
  signal: AbortSignal | undefined,
): Promise<JobResult> {
  const data = job.data;
  const jobId = job.id ?? '?';
  const { bullmq } = context;

  // BullMQ re-queues a job whose worker died (stalled) without counting an
  // attempt. `retries` bounds all re-runs, so a dead worker spends one too:
  // with retries 0, a job is never run a second time after a crash.
  const stalls = job.stalledCounter ?? 0;
  if (stalls > 0 && job.attemptsMade + stalls > data.retries) {
    const error = new WorkerCrashedError(
      `The worker running task ${data.label} (job ${jobId}) died mid-run${stalls > 1 ? ` ${stalls} times` : ''}; ` +
        `it was not run again because retries is ${data.retries} (pass retries for tasks that are safe to re-run)`,
    );
    await store(context, jobId, error);
    throw new bullmq.UnrecoverableError(error.message);
  }

  const controller = new AbortController();
  const onAbort = () => controller.abort(signal!.reason ?? new Error(`Job ${jobId} was cancelled`));
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  const runOptions = { signal: controller.signal, timeout: data.timeout };
  // A chunk's items all listen to this one signal; more than 10 is expected, not a leak.
  setMaxListeners(0, controller.signal);
  const startedAt = performance.now();
  try {
    const href = resolveTaskRef(data.task, context.root, jobId);
    const task = defineTask(href, data.task.name, data.traits);
    const input = decodeValue(data.input);
    const value = data.batch
      ? await Promise.all(
          (input as unknown[]).map((item) =>
            // One item's failure stops its siblings: the chunk fails as a whole.
            context.executor.run(task, item, runOptions).catch((error: unknown) => {
              controller.abort(error);
              throw error;
            }),
          ),
        )
      : await context.executor.run(task, input, runOptions);
    return { value: encodeValue(value, `result of task ${data.label}`), runMs: performance.now() - startedAt };
  } catch (thrown) {
    if (controller.signal.aborted && context.handingBack() && token) {
      // Shutdown: the job goes back to the queue for another worker, without spending an attempt.
      await job.moveToWait(token);
      throw new bullmq.WaitingError(`Job ${jobId} was handed back at worker shutdown`);
    }
    const error = explainLoadError(thrown, data, jobId, context.root);
    await store(context, jobId, error);
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    // Retrying cannot help a task that does not load, a value that does not
    // encode, a timeout or a cancel (the submitter has already moved on).
    const final =
      error instanceof TaskLoadError ||
      error instanceof TaskNotPortableError ||
      error instanceof TaskTimeoutError ||
      (signal?.aborted ?? false);
    throw final ? new bullmq.UnrecoverableError(message) : new Error(message);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** A TaskLoadError says which job, and where the module was looked for on this machine. */
function explainLoadError(error: unknown, data: JobData, jobId: string, root: string): unknown {
  if (!(error instanceof TaskLoadError) || error.message.includes(`job ${jobId}`)) return error;
  const explained = new TaskLoadError(
    `Cannot load task ${data.label} for job ${jobId}: module ${describeTaskRef(data.task, root)}: ${error.message}`,
    { cause: error.cause },
  );
  return explained;
}

async function store(context: JobRunnerContext, jobId: string, error: unknown): Promise<void> {
  try {
    await context.storeError(jobId, encodeError(error));
  } catch {
    // The job was removed (cancelled) or Redis is gone: the submitter gets BullMQ's reason instead.
  }
}
