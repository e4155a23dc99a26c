/**
 * The `ctx` a task function gets as its second parameter (API.md "Task
 * context"), the same object on every backend: in-process (async), inside a
 * worker thread or child process (call-loop.ts), and on a distributed worker
 * (through that machine's own executor).
 *
 * Built only for a function that declares a second parameter
 * (`wantsContext`, read once per loaded function): a one-parameter task pays
 * nothing. Even then, the AbortSignal (an AbortController, the costliest part)
 * is made only when the task reads `ctx.signal`.
 */
import type { TaskContext } from '../task.js';
import type { CancelSignal } from './task-signal.js';

/** A function that declares a second parameter gets a context (`fn.length`: default and rest parameters do not count). */
export function wantsContext(fn: (...args: never[]) => unknown): boolean {
  return fn.length >= 2;
}

/** The call a context belongs to: where its progress goes (`item`: the index within a batch, else 0), and its attempt. */
export interface ContextSink {
  progress(value: unknown, item: number): void;
  readonly attempt: number;
  /** Told when a context starts listening to its source signal, to stop it when the call ends. */
  following?(context: CallContext): void;
}

export class CallContext implements TaskContext {
  #controller: AbortController | undefined = undefined;
  #aborted = false;
  #reason: unknown = undefined;

  constructor(
    readonly sink: ContextSink,
    readonly item: number,
    /** In-process: the call's own abort signal, followed once the task reads `signal`. */
    readonly source?: CancelSignal,
    /**
     * Threads: looks in shared memory whether the pool aborted this call, and
     * if so takes the abort (with its reason) now, from the port, without
     * waiting for the event loop: a synchronous loop that checks can stop.
     */
    readonly poll?: () => void,
  ) {}

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      const controller = new AbortController();
      this.#controller = controller;
      if (this.poll !== undefined) pollOnRead(controller.signal, this);
      if (this.#isAborted()) controller.abort(this.#currentReason());
      else if (this.source !== undefined) {
        this.source.addEventListener('abort', this);
        this.sink.following?.(this);
      }
    }
    return this.#controller.signal;
  }

  get attempt(): number {
    return this.sink.attempt;
  }

  progress(value: unknown): void {
    this.sink.progress(value, this.item);
  }

  throwIfAborted(): void {
    if (this.#isAborted()) throw this.#currentReason();
  }

  /** The source signal aborted (its listener). */
  handleEvent(): void {
    this.abort(this.source!.reason);
  }

  /** Aborts once, with the caller's rejection reason. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }

  /** Whether it aborted; on threads, this looks at shared memory first. */
  get aborted(): boolean {
    return this.#isAborted();
  }

  #isAborted(): boolean {
    if (this.#aborted) return true;
    if (this.source?.aborted) return true;
    if (this.poll === undefined) return false;
    // The poll may take the cancel now: it aborts the source (or this context, if it listens).
    this.poll();
    return this.#aborted || this.source?.aborted === true;
  }

  #currentReason(): unknown {
    return this.#aborted ? this.#reason : this.source?.reason;
  }
}

/**
 * A real AbortSignal (fetch, timers/promises and AbortSignal.any take it) whose
 * `aborted` and `throwIfAborted` also look at shared memory: the abort event
 * itself can only be dispatched when the task reads one of them or yields.
 */
function pollOnRead(signal: AbortSignal, context: CallContext): void {
  const native = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')!.get!;
  Object.defineProperty(signal, 'aborted', {
    get(this: AbortSignal) {
      return native.call(this) || context.aborted;
    },
  });
  signal.throwIfAborted = () => context.throwIfAborted();
}
