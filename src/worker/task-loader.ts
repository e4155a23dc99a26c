/**
 * Imports a task module once and finds the export to call. Used in-process by
 * the async backend and inside every worker thread and child process, so a
 * task resolves the same way everywhere.
 */
import { TaskLoadError } from '../errors.js';

type Fn = (input: unknown) => unknown;

const modules = new Map<string, Promise<Record<string, unknown>>>();
const functions = new Map<string, Fn>();

/** Synchronous fast path for a task already loaded in this thread. */
export function loadedTaskFunction(module: string, name: string): Fn | undefined {
  return functions.get(`${module}#${name}`);
}

export async function loadTaskFunction(module: string, name: string): Promise<Fn> {
  const key = `${module}#${name}`;
  const cached = functions.get(key);
  if (cached) return cached;

  let namespace = modules.get(module);
  if (!namespace) {
    namespace = import(module) as Promise<Record<string, unknown>>;
    modules.set(module, namespace);
    // A failed import is not cached: the file may be fixed or appear later.
    namespace.catch(() => modules.delete(module));
  }
  let exports: Record<string, unknown>;
  try {
    exports = await namespace;
  } catch (error) {
    throw new TaskLoadError(
      `Cannot load task ${name}: importing module ${module} failed: ${(error as Error)?.message ?? String(error)}`,
      { cause: error },
    );
  }

  const fn = findExport(exports, name);
  if (typeof fn !== 'function') {
    const found = fn === undefined ? 'has no such export' : `exports a ${typeof fn}, not a function`;
    throw new TaskLoadError(`Cannot load task: module ${module} ${found} named '${name}'`);
  }
  functions.set(key, fn as Fn);
  return fn as Fn;
}

/**
 * Own properties only: `name in` also finds what an export inherits, so a task
 * named `constructor` called `Function` through a CommonJS export's prototype
 * (a distributed job names its export over the network: issue 17).
 */
function findExport(exports: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(exports, name)) return exports[name];
  // A CommonJS module whose named exports Node could not detect statically
  // still has them on `module.exports`, which ESM sees as `default`.
  const commonjs = exports.default as Record<string, unknown> | undefined;
  if (commonjs !== null && (typeof commonjs === 'object' || typeof commonjs === 'function') && Object.hasOwn(commonjs, name)) {
    return commonjs[name];
  }
  return undefined;
}
