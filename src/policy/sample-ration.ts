/**
 * A budget that grows by 1/oneIn for every call seen, up to `burst`, and
 * shrinks by one for every call it lets through: the async backend's ration of
 * measured calls (and of new plain functions it tracks). Counted lazily: a
 * call seen costs one integer increment; the sum is made only when a call
 * asks to be let through, not on every call of a hot path.
 */
export class SampleRation {
  readonly #oneIn: number;
  readonly #burst: number;
  /** Calls seen so far. */
  #seen = 0;
  /** The budget as it was when `#seenAt` calls had been seen. */
  #left: number;
  #seenAt = 0;

  constructor(oneIn: number, burst: number) {
    this.#oneIn = oneIn;
    this.#burst = burst;
    this.#left = burst;
  }

  /** One more call seen: the budget grows by 1/oneIn. */
  seen(): void {
    this.#seen++;
  }

  /** What may be let through now (a fraction below one: nothing yet). */
  available(): number {
    return Math.min(this.#burst, this.#left + (this.#seen - this.#seenAt) / this.#oneIn);
  }

  /** Lets one call through if the budget allows it. */
  take(): boolean {
    const available = this.available();
    if (available < 1) return false;
    this.#left = available - 1;
    this.#seenAt = this.#seen;
    return true;
  }
}
