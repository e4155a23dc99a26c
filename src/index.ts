// Public exports only: see README for the guide to each.
export { createExecutor } from './create-executor.js';
export { createWorker } from './distributed/create-worker.js';
export type { DistributedWorker, WorkerEvents } from './distributed/worker.js';
export type { WorkerOptions } from './distributed/worker-options.js';
export { defineTask, isTask } from './task.js';
export type { Task, TaskContext, TaskFunction, TaskInput, TaskOutput, TaskProgress } from './task.js';
export { selectBackend, RULES } from './policy/rules.js';
export type { TaskTraits, Decision, PolicyOptions, RuleId, LocalBackend, Rule } from './policy/rules.js';
export type { TaskProfile } from './policy/task-profile.js';
export type { ExecutorOptions, ResourceLimits } from './options.js';
export { workerFlags } from './worker/worker-flags.js';
export type { WorkerFlags } from './worker/worker-flags.js';
export type {
  Executor,
  BackendName,
  TaskBackend,
  RunOptions,
  MapOptions,
  ExecutorEvents,
  ExecutorStats,
  BackendStats,
  Percentiles,
  TaskEvent,
  TaskEndEvent,
  TaskErrorEvent,
  TaskRetryEvent,
  RateLimitEvent,
  RateLimit,
  RetryDelay,
  RetryOn,
  TaskProgressEvent,
  WorkerEvent,
  WorkerExitEvent,
  WarningEvent,
} from './executor.js';
export {
  ExecutorError,
  ExecutorClosedError,
  QueueFullError,
  TaskTimeoutError,
  WorkerCrashedError,
  TaskNotPortableError,
  TaskLoadError,
  ConnectionLostError,
} from './errors.js';
export type { ExecutorErrorCode } from './errors.js';
