/**
 * Library errors raised on a worker come back as plain errors with a `code`;
 * this rebuilds the right class on the submitter, so `instanceof` holds
 * across machines as it does across threads.
 */
import {
  ExecutorClosedError,
  ExecutorError,
  TaskTimeoutError,
  WorkerCrashedError,
} from '../errors.js';

export function rebuildRemoteError(error: unknown, label: string, timeout: number | undefined): unknown {
  if (!(error instanceof Error) || error instanceof ExecutorError) return error;
  const code = (error as { code?: unknown }).code;
  let rebuilt: ExecutorError | undefined;
  if (code === 'ERR_TASK_TIMEOUT') rebuilt = new TaskTimeoutError(label, timeout ?? Number((error as { timeout?: unknown }).timeout));
  else if (code === 'ERR_WORKER_CRASHED') rebuilt = new WorkerCrashedError(error.message);
  else if (code === 'ERR_EXECUTOR_CLOSED') rebuilt = new ExecutorClosedError(error.message);
  if (!rebuilt) return error;
  rebuilt.stack = error.stack;
  return rebuilt;
}
