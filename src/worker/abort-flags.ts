/**
 * Threads only: memory shared between the pool and one thread, where the pool
 * marks a running call aborted at the moment it aborts. A task in a
 * synchronous loop never sees a message (its event loop does not turn), but it
 * does see this: `ctx.signal.aborted` reads its cell, and when it is set takes
 * the cancel message (with the real reason) from the port on the spot.
 *
 * A cell per call id modulo SLOTS, holding the id itself: two live calls whose
 * ids share a cell cannot make each other look aborted (a cell matches one id
 * only). At worst a later abort overwrites an earlier one's mark, and that
 * call hears its cancel by message instead (or is ended after the grace period).
 */
const SLOTS = 4096;

export class AbortFlags {
  readonly buffer: SharedArrayBuffer;
  #cells: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT)) {
    this.buffer = buffer;
    this.#cells = new Int32Array(buffer);
  }

  set(id: number): void {
    Atomics.store(this.#cells, id & (SLOTS - 1), id | 0);
  }

  isSet(id: number): boolean {
    return Atomics.load(this.#cells, id & (SLOTS - 1)) === (id | 0);
  }

  /** The call settled: its mark goes (only if no other call's mark replaced it). */
  clear(id: number): void {
    Atomics.compareExchange(this.#cells, id & (SLOTS - 1), id | 0, 0);
  }
}
