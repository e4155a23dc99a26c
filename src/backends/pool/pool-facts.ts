/**
 * What the executor knows of a pool before the pool's code is loaded (it is
 * loaded on first use: backends/lazy-backend.ts): its slots, how many calls it
 * takes at first, and which tasks it can never run. The pool itself answers
 * the same once it is there.
 */
import { TaskNotPortableError } from '../../errors.js';
import type { ExecutorOptions } from '../../options.js';
import { isTask, taskLabel, type Task, type TaskFunction } from '../../task.js';
import type { BackendFacts } from '../lazy-backend.js';
import { poolSettings } from './pool-settings.js';

/** Calls each worker is sent ahead before any run time is measured (RunWindow.ahead). */
export const FIRST_AHEAD = 1;

/** Only a task from defineTask can go to another thread or process: a closure cannot. */
export function refuseClosure(kind: 'thread' | 'process', task: Task | TaskFunction): void {
  if (!isTask(task)) {
    throw new TaskNotPortableError(
      `Task ${taskLabel(task)} is a plain function, which cannot be sent to a ${kind === 'thread' ? 'worker thread' : 'child process'}: ` +
        "define it in a module and use defineTask(module, exportName), e.g. defineTask(new URL('./tasks.js', import.meta.url), 'myTask')",
    );
  }
}

export function poolFacts(kind: 'thread' | 'process', options: ExecutorOptions): BackendFacts {
  const { maxWorkers, perWorker } = poolSettings(options, 0);
  return {
    kind,
    concurrency: maxWorkers * perWorker,
    capacity: maxWorkers * (perWorker + FIRST_AHEAD),
    reportsStart: true,
    accept: (task) => refuseClosure(kind, task),
  };
}
