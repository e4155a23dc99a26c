/**
 * Whether a worker's held results may wait for a task's next call here
 * (call-loop.ts, result-outbox.ts): only if the task is measured tiny, and has
 * not been seen long lately.
 *
 * Measured tiny: its last call (or batch) ran under TINY_MS, synchronously.
 * That is a guess: a call of such a task may still run long (a cache miss
 * after many hits), and then the results held before it wait until it ends.
 * That can happen once; a call that held the thread SEEN_LONG_MS or more makes
 * its task never waited for during its next DISTRUST_CALLS calls here, twice
 * as many each time it happens again (up to 64 times as many): a task that
 * runs long now and then is not waited for. Time the thread spent waiting for
 * a CPU does not count (ThreadWaits): on a busy machine the OS may stop a
 * thread in the middle of a tiny call for tens of ms, and each such stall
 * would cost a thousand calls' batching, more on each repeat. (Not seen in the
 * tiny-`run` bench at load 8 to 14 here, 400,000 calls; one read per ms costs
 * nothing measurable.)
 */
import type { RunQueueClock } from '../policy/run-queue-clock.js';

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
  record(batch: number, syncMs: number, waits: ThreadWaits): void {
    if (syncMs >= SEEN_LONG_MS && syncMs - waits.sinceCallStart() >= SEEN_LONG_MS) {
      this.#distrust = DISTRUST_CALLS << Math.min(this.#seenLong++, MAX_DOUBLINGS);
    } else if (this.#distrust > 0) this.#distrust--;
    this.#tiny[batch] = syncMs < TINY_MS && this.#distrust === 0;
  }

  /** Results may wait for its next call (`batch`: 1 for a batch). */
  tiny(batch: number): boolean {
    return this.#tiny[batch] === true;
  }
}

/** How often (ms) ThreadWaits reads the run delay: at most once per this, not once per call. */
const REFRESH_MS = 1;

/**
 * How long this thread waited for a CPU since a call started, without a read
 * per call (a read is ~1.5 µs, as much as a tiny call): the run delay read at
 * a call's start only when the last read is REFRESH_MS old, so it is at most
 * that stale (a wait before the call makes it stale, and so refreshed). Read
 * again only after a call that looked long. Off Linux: 0 (wall time counts).
 */
export class ThreadWaits {
  #clock: RunQueueClock;
  #readAt = -Infinity;
  #waited: number | undefined;

  constructor(clock: RunQueueClock) {
    this.#clock = clock;
  }

  /** A call starts at `now` (performance.now()). */
  callStarts(now: number): void {
    if (now - this.#readAt < REFRESH_MS) return;
    this.#readAt = now;
    this.#waited = this.#clock.read();
  }

  /** ms this thread waited for a CPU since the current call started (plus at most REFRESH_MS before it). */
  sinceCallStart(): number {
    if (this.#waited === undefined) return 0;
    const now = this.#clock.read();
    return now === undefined ? 0 : Math.max(0, now - this.#waited);
  }
}
