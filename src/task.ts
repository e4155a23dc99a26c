/**
 * A task is a module plus a named export, never a closure: a worker thread or
 * a child process can import a module, but cannot receive a function.
 */
import { basename, isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { validateTraits, type TaskTraits } from './policy/traits.js';

declare const taskTypes: unique symbol;

/**
 * What a task function gets as its second parameter (API.md "Task context"),
 * on every backend. A function that declares only its input is never given one.
 */
export interface TaskContext<P = unknown> {
  /** Aborts with the caller's rejection reason: the caller's abort, the timeout, or destroy(). */
  readonly signal: AbortSignal;
  /**
   * Sends `value` to the caller (`onProgress`, the `taskProgress` event), in order,
   * before the result. Structured-cloneable on every backend but async: a value
   * that cannot be cloned throws TaskNotPortableError here, naming the part at fault.
   */
  progress(value: P): void;
  /** 1 on the first run, 2 on the first retry, ... */
  readonly attempt: number;
  /** Throws `signal.reason` if the signal has aborted (a CPU loop's check; see README "Task context"). */
  throwIfAborted(): void;
}

export interface Task<I = unknown, O = unknown, P = unknown> {
  /** The module, as a `file:` URL string: the form both `import()` and workers take. */
  readonly module: string;
  /** The export to call. */
  readonly name: string;
  readonly traits: Readonly<TaskTraits>;
  /** A short human name for messages and events: `math.mjs#fib`. */
  readonly label: string;
  /** Type-only: carries the input and output types. */
  readonly [taskTypes]?: { input: I; output: O; progress: P };
}

/** A plain in-process function; only the async backend can run one. */
export type TaskFunction<I = any, O = any, P = any> = (input: I, context: TaskContext<P>) => O | Promise<O>;

export type TaskInput<F> = F extends (input: infer I, ...rest: any[]) => any ? I : never;
export type TaskOutput<F> = F extends (...args: any[]) => infer O ? Awaited<O> : never;
/** The progress value type of a task function: `P` of its `TaskContext<P>` parameter, `unknown` without one. */
export type TaskProgress<F> = F extends (input: any, context: TaskContext<infer P>, ...rest: any[]) => any ? P : unknown;

const TASK = Symbol.for('unified-executor.task');

export function defineTask<F extends (input: any, context: TaskContext<any>) => any>(
  module: string | URL,
  name = 'default',
  traits: TaskTraits = {},
): Task<TaskInput<F>, TaskOutput<F>, TaskProgress<F>> {
  const href = toModuleHref(module);
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`Expected the export name of task ${href} to be a non-empty string, got \`${String(name)}\``);
  }
  const label = `${basename(fileURLToPath(href))}#${name}`;
  // At definition time, as the executor's `traits` option is checked at creation:
  // a typo such as `cpubound` would otherwise route the task to the wrong backend in silence.
  validateTraits(traits, { task: label });
  const task = {
    module: href,
    name,
    traits: Object.freeze({ ...traits }),
    label,
    [TASK]: true,
  };
  return Object.freeze(task) as unknown as Task<TaskInput<F>, TaskOutput<F>, TaskProgress<F>>;
}

export function isTask(value: unknown): value is Task {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[TASK] === true;
}

/** The name a task or plain function goes by in messages and events. */
export function taskLabel(task: Task | TaskFunction): string {
  return isTask(task) ? task.label : task.name || '<anonymous function>';
}

function toModuleHref(module: string | URL): string {
  if (module instanceof URL) {
    if (module.protocol !== 'file:') {
      throw new TypeError(`Task module must be an absolute path or a file: URL, got ${module.href}`);
    }
    return module.href;
  }
  if (typeof module !== 'string') {
    throw new TypeError(`Task module must be an absolute path or a file: URL, got ${typeof module}`);
  }
  if (module.startsWith('file:')) return new URL(module).href;
  if (!isAbsolute(module)) {
    throw new TypeError(
      `Task module must be an absolute path or a file: URL, got the relative path '${module}' ` +
        `(use new URL('${module}', import.meta.url))`,
    );
  }
  return pathToFileURL(module).href;
}
