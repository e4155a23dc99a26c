/**
 * How many calls a pool sends ahead to each worker: enough that it never
 * waits for a round trip to the parent, few enough that little is committed
 * to one worker before it starts (a call sent ahead is not reordered by
 * priority, and waits behind the calls of its worker). Python's
 * ProcessPoolExecutor keeps EXTRA_QUEUED_CALLS (1) per worker for the same
 * reason; for tiny calls one is not enough to hide the round trip, so the
 * window holds about AHEAD_MS of measured run time, at least one call.
 */

import { FIRST_AHEAD } from './pool-facts.js';

/** Run time (ms) each worker holds ahead of the call it runs (API.md: "about one millisecond"). */
const AHEAD_MS = 1;
/** The most calls held ahead per worker, however short they are. */
const MAX_AHEAD = 256;
/** Weight of the newest run-time sample in the moving average. */
const WEIGHT = 0.2;

export class RunWindow {
  /** Moving average of a call's run time, ms; undefined before the first measure. */
  #runMs: number | undefined;

  /** `calls` settled over `elapsedMs` of a worker busy all along. */
  observe(calls: number, elapsedMs: number): void {
    if (calls <= 0 || !(elapsedMs >= 0)) return;
    const sample = elapsedMs / calls;
    this.#runMs = this.#runMs === undefined ? sample : this.#runMs + WEIGHT * (sample - this.#runMs);
  }

  /** Calls to hold ahead per worker. */
  get ahead(): number {
    if (this.#runMs === undefined) return FIRST_AHEAD;
    return Math.max(1, Math.min(MAX_AHEAD, Math.floor(AHEAD_MS / Math.max(this.#runMs, 1e-3))));
  }
}
