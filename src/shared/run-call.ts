/**
 * The worker side of a call, shared by the thread worker and the process
 * child: load the task (cached per worker), call it, and answer with an
 * outcome envelope whose error keeps name, message, stack, cause and own props.
 */
import { loadTaskFunction, loadedTaskFunction } from './task-loader.js';
import { serializeError, type SerializedError } from './serialize-error.js';

export type CallOutcome = { ok: true; value: unknown } | { ok: false; error: SerializedError | unknown };

export async function runCall(module: string, name: string, input: unknown, batch: boolean): Promise<CallOutcome> {
  try {
    const fn = loadedTaskFunction(module, name) ?? (await loadTaskFunction(module, name));
    const value = batch ? await Promise.all((input as unknown[]).map((item) => fn(item))) : await fn(input);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  }
}
