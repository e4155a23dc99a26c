/**
 * A task is a module plus a named export, never a closure: a worker thread or
 * a child process can import a module, but cannot receive a function.
 */
import { basename, isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { validateTraits, type TaskTraits } from './policy/traits.js';

declare const taskTypes: unique symbol;

export interface Task<I = unknown, O = unknown> {
  /** The module, as a `file:` URL string: the form both `import()` and workers take. */
  readonly module: string;
  /** The export to call. */
  readonly name: string;
  readonly traits: Readonly<TaskTraits>;
  /** A short human name for messages and events: `math.mjs#fib`. */
  readonly label: string;
  /** Type-only: carries the input and output types. */
  readonly [taskTypes]?: { input: I; output: O };
}

/** A plain in-process function; only the async backend can run one. */
export type TaskFunction<I = any, O = any> = (input: I) => O | Promise<O>;

export type TaskInput<F> = F extends (input: infer I, ...rest: any[]) => any ? I : never;
export type TaskOutput<F> = F extends (...args: any[]) => infer O ? Awaited<O> : never;

const TASK = Symbol.for('unified-executor.task');

export function defineTask<F extends (input: any) => any>(
  module: string | URL,
  name = 'default',
  traits: TaskTraits = {},
): Task<TaskInput<F>, TaskOutput<F>> {
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
  return Object.freeze(task) as unknown as Task<TaskInput<F>, TaskOutput<F>>;
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
