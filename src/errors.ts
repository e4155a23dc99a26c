/**
 * The error model: every error the library itself raises is an `ExecutorError`
 * with a stable `code`, so callers branch on `instanceof` or `code`, never on
 * message text (the thing piscina's plain-Error factories force users into).
 */

export type ExecutorErrorCode =
  | 'ERR_EXECUTOR_CLOSED'
  | 'ERR_QUEUE_FULL'
  | 'ERR_TASK_TIMEOUT'
  | 'ERR_WORKER_CRASHED'
  | 'ERR_TASK_NOT_PORTABLE'
  | 'ERR_TASK_LOAD'
  | 'ERR_CONNECTION_LOST';

export class ExecutorError extends Error {
  readonly code: ExecutorErrorCode;

  constructor(code: ExecutorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** `run`/`map` after `close()`/`destroy()`, or a queued task dropped by `destroy()`. */
export class ExecutorClosedError extends ExecutorError {
  constructor(message = 'The executor is closed: it accepts no new tasks') {
    super('ERR_EXECUTOR_CLOSED', message);
  }
}

/** More than `maxQueue` tasks are already waiting. */
export class QueueFullError extends ExecutorError {
  constructor(message: string) {
    super('ERR_QUEUE_FULL', message);
  }
}

/** A task ran past its timeout. */
export class TaskTimeoutError extends ExecutorError {
  readonly timeout: number;

  constructor(task: string, timeout: number) {
    super('ERR_TASK_TIMEOUT', `Task ${task} timed out after ${timeout} ms`);
    this.timeout = timeout;
  }
}

/** The thread or process running the task died. */
export class WorkerCrashedError extends ExecutorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_WORKER_CRASHED', message, options);
  }
}

/** A task (or its input/result) cannot cross into a worker thread or child process. */
export class TaskNotPortableError extends ExecutorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_TASK_NOT_PORTABLE', message, options);
  }
}

/** The task's module cannot be imported, or it has no such export. */
export class TaskLoadError extends ExecutorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_TASK_LOAD', message, options);
  }
}

/** Distributed backend: Redis stayed unreachable longer than `reconnectTimeout`, so the task's fate is unknown. */
export class ConnectionLostError extends ExecutorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_CONNECTION_LOST', message, options);
  }
}

/** Errors a worker may raise itself (its module loader, its clone checks). */
const raisedInWorkers: Partial<Record<ExecutorErrorCode, new (message: string) => ExecutorError>> = {
  ERR_TASK_LOAD: TaskLoadError,
  ERR_TASK_NOT_PORTABLE: TaskNotPortableError,
};

/** Rebuilds, in the parent, a library error that a worker raised, as the right class. */
export function executorErrorFromCode(code: string, message: string): ExecutorError | undefined {
  const ErrorClass = raisedInWorkers[code as ExecutorErrorCode];
  return ErrorClass ? new ErrorClass(message) : undefined;
}
