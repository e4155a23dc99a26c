/**
 * The abort signal of one job on a worker: what a submitter's cancel message
 * or the worker's shutdown hand-back aborts. It used to be BullMQ's own
 * (an AbortController per job, made because the processor took a `signal`),
 * and a Node AbortSignal costs a controller and an EventTarget listener per
 * job: at thousands of tiny jobs a second, a visible share of a worker's CPU.
 * The executor takes any AbortSignal-like object (run-options.ts), and this
 * is the least of one: `aborted`, `reason`, and listeners called once.
 */
type Listener = ((event: { type: 'abort' }) => void) | { handleEvent(event: { type: 'abort' }): void };

const ABORT_EVENT = Object.freeze({ type: 'abort' as const });

export class JobSignal {
  aborted = false;
  reason: unknown = undefined;
  #listeners: Listener[] = [];

  addEventListener(_type: 'abort', listener: Listener): void {
    if (!this.aborted) this.#listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: Listener): void {
    const at = this.#listeners.indexOf(listener);
    if (at !== -1) this.#listeners.splice(at, 1);
  }

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  /** Once; each listener hears it once, as from an AbortSignal. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) {
      if (typeof listener === 'function') listener(ABORT_EVENT);
      else listener.handleEvent(ABORT_EVENT);
    }
  }

  /** What the executor's `run` is typed to take: it checks the shape, not the class. */
  asSignal(): AbortSignal {
    return this as unknown as AbortSignal;
  }
}
