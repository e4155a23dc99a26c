/** How the async backend calls a task function, and how it tells a promise from a value. */
import { CallContext, type ContextSink } from '../../core/task-context.js';
import type { CancelSignal } from '../../core/task-signal.js';

export type Fn = (input: unknown, context?: CallContext) => unknown;

/**
 * One call of `fn`: with a context for each input when the function takes one
 * (`sink` defined), a batch item's progress tagged with its index.
 */
export function invoke(fn: Fn, input: unknown, batch: boolean, sink: ContextSink | undefined, source: CancelSignal | undefined): unknown {
  if (sink === undefined) return batch ? Promise.all((input as unknown[]).map((item) => fn(item))) : fn(input);
  if (!batch) return fn(input, new CallContext(sink, 0, source));
  return Promise.all((input as unknown[]).map((item, k) => fn(item, new CallContext(sink, k, source))));
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * A task's thenable as a native promise. The backend follows a call's outcome
 * beside its caller (two `then`s); a foreign thenable's `then` is called once
 * (by Promise.resolve), as it was when one wrapper awaited it.
 */
export function nativePromise(value: PromiseLike<unknown>): Promise<unknown> {
  return value instanceof Promise ? value : Promise.resolve(value);
}

/** A direct-path call threw synchronously: rethrown by runNow, as an unmeasured call would throw. */
export class Thrown {
  constructor(readonly error: unknown) {}
}
