/**
 * One call inside a worker's call loop (call-loop.ts): what the pool sent for
 * it, the context sink of a running call whose task takes a context, and how
 * a task function is invoked (one input, a batch, with or without a context).
 */
import { attemptOf } from './protocol.js';
import { CallContext, type ContextSink } from '../core/task-context.js';
import { TaskSignal } from '../core/task-signal.js';

/** A call as the worker got it, waiting in the inbox until it starts. */
export interface InboxCall {
  id: number;
  key: number;
  /** CALL_FLAG bits, and the attempt (attemptOf). */
  flags: number;
  input: unknown;
  /** Which inbound `run` message brought it. */
  message: number;
}

/** What a LoopCall reports to: the call loop. */
export interface LoopCallHost {
  progress(call: LoopCall, value: unknown, item: number): void;
  pollAbort(call: LoopCall): void;
}

/**
 * A running call whose task takes a context: where its contexts' progress
 * goes, and their common abort signal (a cancel from the pool aborts it).
 */
export class LoopCall extends TaskSignal implements ContextSink {
  /** Its result is in the outbox: later progress is dropped. */
  settled = false;
  readonly attempt: number;

  constructor(
    readonly loop: LoopCallHost,
    readonly call: InboxCall,
    readonly label: string,
  ) {
    super();
    this.attempt = attemptOf(call.flags);
  }

  progress(value: unknown, item: number): void {
    this.loop.progress(this, value, item);
  }

  /** Threads: reads the call's abort flag in shared memory (see abort-flags.ts). */
  poll = (): void => {
    this.loop.pollAbort(this);
  };
}

/** One call of a task that takes a context: one context per input (a batch item's progress carries its index). */
export function runWithContext(fn: (input: unknown, context: CallContext) => unknown, input: unknown, batch: boolean, call: LoopCall, poll: (() => void) | undefined): unknown {
  if (!batch) return fn(input, new CallContext(call, 0, call, poll));
  const results = (input as unknown[]).map((item, k) => fn(item, new CallContext(call, k, call, poll)));
  return results.some(isThenable) ? Promise.all(results) : results;
}

/** A batch (map's chunk): plain values stay synchronous; any promise makes the whole batch one. */
export function runBatch(fn: (input: unknown) => unknown, inputs: unknown[]): unknown {
  const results = inputs.map((input) => fn(input));
  return results.some(isThenable) ? Promise.all(results) : results;
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
