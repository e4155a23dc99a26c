/**
 * Crash-loop protection. A child that dies before it is ready (a bad
 * `execArgv`, a crashing `--import`, a missing Node) would die again at once
 * if forked again: the pool spawns one probe at a time, later and later, and
 * after a run of failures gives up on the calls waiting for a child.
 */

/** Delay before the next child after the n-th failure in a row: 100 ms, 200, 400... */
const BACKOFF_BASE_MS = 100;
/** Never wait longer than this between two tries. */
const BACKOFF_MAX_MS = 2_000;
/** Failures in a row after which the waiting calls are rejected (about 1.5 s of trying). */
const MAX_START_FAILURES = 5;
/** After giving up, new calls are refused at once for this long; then one more child is tried. */
const BROKEN_COOLDOWN_MS = 5_000;

export class StartBackoff {
  #failures = 0;
  #nextSpawnAt = 0;
  #broken?: { until: number; message: string };

  /** Backing off: start one probe child at a time, not before `wait()`. */
  get active(): boolean {
    return this.#failures > 0;
  }

  /** Milliseconds until the next child may be forked (0: now). */
  wait(now = performance.now()): number {
    return Math.max(0, this.#nextSpawnAt - now);
  }

  /** A child got ready: children can start after all. */
  succeeded(): void {
    this.#failures = 0;
    this.#broken = undefined;
  }

  /**
   * A worker died before it was ready (`exit` says how). Returns the message
   * to reject the waiting calls with when it is time to give up.
   */
  failed(exit: string, kind: string, hint: string): string | undefined {
    const now = performance.now();
    this.#failures++;
    this.#nextSpawnAt = now + Math.min(BACKOFF_BASE_MS * 2 ** (this.#failures - 1), BACKOFF_MAX_MS);
    if (this.#failures < MAX_START_FAILURES) return undefined;
    const message =
      `Cannot start a ${kind}: ${this.#failures} in a row exited before they were ready (the last: ${exit}). ` +
      hint;
    this.#broken = { until: now + BROKEN_COOLDOWN_MS, message };
    // After the cooldown, one more try: a single failure then gives up again.
    this.#failures = MAX_START_FAILURES - 1;
    return message;
  }

  /** While the pool has given up: why new calls are refused. */
  brokenMessage(now = performance.now()): string | undefined {
    return this.#broken && now < this.#broken.until ? this.#broken.message : undefined;
  }
}
