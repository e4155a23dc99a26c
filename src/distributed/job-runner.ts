/**
 * The worker side of one job: check its data and its retry budget, resolve
 * its module under this worker's rules (module-rules.ts), decode the input,
 * run it on the local auto executor (so a `cpuBound` task goes to a child
 * process on this machine), encode the result. A failure is stored on the job
 * (encoded, with name, message, stack, cause and props) before BullMQ records
 * it, so the submitter can rebuild it.
 */
import { setMaxListeners } from 'node:events';
import type { Job } from 'bullmq';
import { TaskLoadError, TaskNotPortableError, TaskTimeoutError, WorkerCrashedError } from '../errors.js';
import type { Executor, RunOptions } from '../executor.js';
import { defineTask, type Task } from '../task.js';
import { decodeValue, encodeError, encodeValue } from './codec.js';
import { checkJobData, MalformedJobError } from './job-data.js';
import type { Drivers } from './load-drivers.js';
import type { ModuleRules } from './module-rules.js';
import type { JobData, JobResult } from './protocol.js';
import { describeTaskRef } from './task-ref.js';
import { ProgressRelay } from './progress-relay.js';
import { ATTEMPT } from '../core/job.js';

export interface JobRunnerContext {
  bullmq: Drivers['bullmq'];
  executor: Executor;
  modules: ModuleRules;
  /** A slot of the local backend the task goes to, or undefined when none is free (admission.ts). */
  admit(task: Task): (() => void) | undefined;
  /** Set once close() has waited `shutdownTimeout`: aborted jobs go back to the queue instead of failing. */
  handingBack(): boolean;
  /** Stores an encoded error beside the job's own fields (protocol.ts ERROR_FIELD). */
  storeError(jobId: string, encoded: string): Promise<unknown>;
}

/** A job ready to run: its checked data, its task, its decoded input. */
interface Prepared {
  data: JobData;
  task: Task;
  input: unknown;
}

export async function runJob(
  context: JobRunnerContext,
  job: Job<unknown, JobResult>,
  token: string | undefined,
  signal: AbortSignal | undefined,
): Promise<JobResult> {
  const jobId = job.id ?? '?';
  const { bullmq } = context;
  let prepared: Prepared;
  try {
    prepared = prepare(context, job, jobId);
  } catch (error) {
    // Nothing ran, and a re-run would meet the same job: fail it for good.
    await store(context, jobId, error);
    throw new bullmq.UnrecoverableError(`${(error as Error).name}: ${(error as Error).message}`);
  }
  const { data, task, input } = prepared;
  const release = context.admit(task);
  if (!release && token) {
    // Taken, but it could not start here: back to the queue, no attempt spent, so that
    // "died mid-run" is true of every job a dead worker leaves behind.
    await job.moveToWait(token);
    throw new bullmq.WaitingError(`Job ${jobId} went back to the queue: this worker's slots for it are taken`);
  }

  // One job, one call: BullMQ's own signal (cancel, shutdown) is the call's. A chunk's
  // items share a controller of their own, so that one item's failure stops its siblings.
  const controller = data.batch ? new AbortController() : undefined;
  const onAbort = () => controller!.abort(signal!.reason ?? new Error(`Job ${jobId} was cancelled`));
  if (controller) {
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    // A chunk's items all listen to this one signal; more than 10 is expected, not a leak.
    setMaxListeners(0, controller.signal);
  }
  const runSignal = controller?.signal ?? signal;
  // ctx.attempt: BullMQ counts the attempts that ended; this is the next.
  const attempt = (job.attemptsMade ?? 0) + 1;
  // Made on the first ctx.progress() only: most tasks report none.
  let progress: ProgressRelay | undefined;
  const report = (value: unknown, item: number) => (progress ??= new ProgressRelay(job, data.label)).add(value, item);
  const runOptions: RunOptions & { [ATTEMPT]: number } = { timeout: data.timeout, onProgress: (value: unknown) => report(value, 0), [ATTEMPT]: attempt };
  if (runSignal) runOptions.signal = runSignal;
  const itemOptions = (item: number) => ({ ...runOptions, onProgress: (value: unknown) => report(value, item) });
  const startedAt = performance.now();
  try {
    const value = controller
      ? await Promise.all(
          (input as unknown[]).map((item, k) =>
            context.executor.run(task, item, itemOptions(k)).catch((error: unknown) => {
              controller.abort(error);
              throw error;
            }),
          ),
        )
      : await context.executor.run(task, input, runOptions);
    // Its progress events come before its result in the event stream.
    if (progress) await progress.drain();
    return { value: encodeValue(value, `result of task ${data.label}`), runMs: performance.now() - startedAt };
  } catch (thrown) {
    if (progress) await progress.drain();
    if (runSignal?.aborted && context.handingBack() && token) {
      // Shutdown: the job goes back to the queue for another worker, without spending an attempt.
      await job.moveToWait(token);
      throw new bullmq.WaitingError(`Job ${jobId} was handed back at worker shutdown`);
    }
    const error = explainLoadError(thrown, data, jobId, context.modules.root);
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
    release?.();
    if (controller) signal?.removeEventListener('abort', onAbort);
  }
}

/** Checks everything about the job before anything of it is used or imported; throws what to store. */
function prepare(context: JobRunnerContext, job: Job<unknown, JobResult>, jobId: string): Prepared {
  const data = checkJobData(job.data, jobId);
  // BullMQ re-queues a job whose worker died (stalled) without counting an
  // attempt. `retries` bounds all re-runs, so a dead worker spends one too:
  // with retries 0, a job is never run a second time after a crash.
  const stalls = job.stalledCounter ?? 0;
  if (stalls > 0 && job.attemptsMade + stalls > data.retries) {
    throw new WorkerCrashedError(
      `The worker running task ${data.label} (job ${jobId}) died mid-run${stalls > 1 ? ` ${stalls} times` : ''}; ` +
        `it was not run again because retries is ${data.retries} (pass retries for tasks that are safe to re-run)`,
    );
  }
  const task = taskOf(context.modules.resolve(data.task, jobId), data.task.name, data.traits);
  let input: unknown;
  try {
    input = decodeValue(data.input);
  } catch {
    throw new MalformedJobError(jobId, 'data.input', 'is not a serialised value (v8.serialize, base64)');
  }
  if (data.batch && !Array.isArray(input)) throw new MalformedJobError(jobId, 'data.input', 'must hold an array when `data.batch` is true');
  return { data, task, input };
}

/**
 * A TaskLoadError says which job, and where the module was looked for on this
 * machine. When importing failed, its cause's stack is never stored, and a
 * SyntaxError's message neither: both quote the file (a parse error's stack
 * shows the offending line). What the module's own code threw at import is
 * its message, kept.
 */
function explainLoadError(error: unknown, data: JobData, jobId: string, root: string): unknown {
  if (!(error instanceof TaskLoadError)) return error;
  // Refused by the module rules, before any import: the message is complete but for the task.
  if (error.message.startsWith(`Cannot load task for job ${jobId}`)) {
    return new TaskLoadError(error.message.replace('Cannot load task for', `Cannot load task ${data.label} for`));
  }
  const cause = error.cause as { name?: unknown; code?: unknown; message?: unknown; stack?: unknown } | undefined;
  let found: string;
  if (cause !== undefined) found = `importing it failed with ${summarise(cause)}`;
  // Without its cause (it may not have crossed from a thread), a parse error's message is cut too.
  else if (/importing module \S+ failed: SyntaxError|^SyntaxError/.test(error.message)) found = 'importing it failed with SyntaxError';
  else found = error.message;
  return new TaskLoadError(`Cannot load task ${data.label} for job ${jobId}: module ${describeTaskRef(data.task, root)}: ${found}`);
}

/** `SyntaxError (line 3)`, or `Error: boom at import`: what went wrong, without any text of the file. */
function summarise(cause: { name?: unknown; code?: unknown; message?: unknown; stack?: unknown }): string {
  const name = typeof cause.name === 'string' ? cause.name : 'Error';
  const code = typeof cause.code === 'string' ? ` ${cause.code}` : '';
  if (name === 'SyntaxError' || typeof cause.message !== 'string') {
    // Node puts `file:///path:LINE` first in a parse error's stack.
    const line = typeof cause.stack === 'string' ? /^file:\/\/\S*?:(\d+)$/m.exec(cause.stack)?.[1] : undefined;
    return `${name}${code}${line ? ` (line ${line})` : ''}`;
  }
  return `${name}${code}: ${cause.message.slice(0, 500)}`;
}

/** Task definitions by module, export and traits: one object per task, as a submitter keeps them (bounded). */
const tasks = new Map<string, Task>();
const TASKS_REMEMBERED = 1000;

function taskOf(href: string, name: string, traits: JobData['traits']): Task {
  const key = `${href}\0${name}\0${JSON.stringify(traits)}`;
  let task = tasks.get(key);
  if (!task) {
    task = defineTask(href, name, traits);
    if (tasks.size >= TASKS_REMEMBERED) tasks.delete(tasks.keys().next().value!);
    tasks.set(key, task);
  }
  return task;
}

async function store(context: JobRunnerContext, jobId: string, error: unknown): Promise<void> {
  try {
    await context.storeError(jobId, encodeError(error));
  } catch {
    // The job was removed (cancelled) or Redis is gone: the submitter gets BullMQ's reason instead.
  }
}
