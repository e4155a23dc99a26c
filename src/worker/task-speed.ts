/**
 * Whether a worker's held results may wait for a task's next call here
 * (call-loop.ts, result-outbox.ts): only if the task is measured tiny, and has
 * not been seen long lately.
 *
 * Measured tiny: its last call (or batch) ran under TINY_MS, synchronously.
 * That is a guess: a call of such a task may still run long (a cache miss
 * after many hits), and then the results held before it wait until it ends.
 * That can happen once; a call that ran SEEN_LONG_MS or more makes its task
 * never waited for during its next DISTRUST_CALLS calls here, twice as many
 * each time it happens again (up to 64 times as many): a task that runs long
 * now and then is not waited for, and a one-off stall (a GC, the OS not
 * running this thread) costs a thousand calls' results sent one by one.
 */

/** A task whose last call here ran (synchronously) under this, ms, is measured tiny. */
export const TINY_MS = 0.02;
/**
 * A call that ran this long, ms, synchronously, marks its task as one that runs
 * long. Below it, results held behind the call are late by less than it: well
 * within API.md's "about 50 ms of finishing".
 */
const SEEN_LONG_MS = 10;
/** Calls of a task seen long that are not waited for (doubled each time it is seen long again). */
const DISTRUST_CALLS = 1024;
const MAX_DOUBLINGS = 6;

export class TaskSpeed {
  /** Its last call (index 0), its last batch (index 1), ran under TINY_MS, and it is not distrusted. */
  #tiny: [boolean, boolean] = [false, false];
  /** Calls left before it may be waited for again. */
  #distrust = 0;
  /** Times a call of it ran SEEN_LONG_MS or more. */
  #seenLong = 0;

  /** A call (`batch`: 1 for a batch) ran `syncMs` before it returned or awaited. */
  record(batch: number, syncMs: number): void {
    if (syncMs >= SEEN_LONG_MS) this.#distrust = DISTRUST_CALLS << Math.min(this.#seenLong++, MAX_DOUBLINGS);
    else if (this.#distrust > 0) this.#distrust--;
    this.#tiny[batch] = syncMs < TINY_MS && this.#distrust === 0;
  }

  /** Results may wait for its next call (`batch`: 1 for a batch). */
  tiny(batch: number): boolean {
    return this.#tiny[batch] === true;
  }
}
