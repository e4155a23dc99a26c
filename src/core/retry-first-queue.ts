/**
 * The queue class under the executor's p-queue: p-queue's own PriorityQueue
 * (higher priority first, then submission order), plus one thing it lacks:
 * `front: true` puts an entry ahead of every entry of its own priority. A
 * retry goes there, so a task that failed does not wait behind everything
 * submitted while it ran (and `map`'s window, which waits for it in input
 * order, is not held up by it).
 *
 * Same layout as p-queue's class (a sorted array with a consumed prefix before
 * `#head`), so the common path, an append at the tail, costs the same.
 */
import type { Queue, QueueAddOptions } from 'p-queue';

type RunFunction = () => Promise<unknown>;

export interface EnqueueOptions extends QueueAddOptions {
  /** Ahead of the entries of the same priority (a retry). @default false */
  front?: boolean;
}

interface Entry {
  priority: number;
  id: string | undefined;
  run: RunFunction;
}

/** Compact the consumed prefix once it is this long and more than half the array. */
const COMPACTION_THRESHOLD = 100;

export class RetryFirstQueue implements Queue<RunFunction, EnqueueOptions> {
  #queue: Entry[] = [];
  #head = 0;

  enqueue(run: RunFunction, options?: Partial<EnqueueOptions>): void {
    const { priority = 0, id } = options ?? {};
    const entry: Entry = { priority, id, run };
    if (this.#queue.length === this.#head) {
      this.#queue.length = 0;
      this.#head = 0;
      this.#queue.push(entry);
      return;
    }
    // The common case: same or lower priority than the tail, appended (FIFO within a priority).
    // A retry (`front`) is rare: only then is the option read.
    if (this.#queue[this.#queue.length - 1]!.priority >= priority && options?.front !== true) {
      this.#queue.push(entry);
      return;
    }
    this.#compact();
    this.#queue.splice(this.#insertionIndex(priority, options?.front === true), 0, entry);
  }

  dequeue(): RunFunction | undefined {
    if (this.#head === this.#queue.length) return undefined;
    const entry = this.#queue[this.#head]!;
    this.#head++;
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
    } else if (this.#head > COMPACTION_THRESHOLD && this.#head > this.#queue.length / 2) {
      this.#compact();
    }
    return entry.run;
  }

  /** p-queue removes an aborted waiting task by its id (queue classes other than its own). */
  remove(idOrRun: string | RunFunction): void {
    for (let index = this.#head; index < this.#queue.length; index++) {
      const entry = this.#queue[index]!;
      if (typeof idOrRun === 'string' ? entry.id === idOrRun : entry.run === idOrRun) {
        this.#queue.splice(index, 1);
        return;
      }
    }
  }

  setPriority(id: string, priority: number): void {
    const index = this.#queue.findIndex((entry, at) => at >= this.#head && entry.id === id);
    if (index === -1) throw new ReferenceError(`No promise function with the id "${id}" exists in the queue.`);
    const [entry] = this.#queue.splice(index, 1);
    this.enqueue(entry!.run, { priority, id });
  }

  filter(options: Readonly<Partial<EnqueueOptions>>): RunFunction[] {
    const found: RunFunction[] = [];
    for (let index = this.#head; index < this.#queue.length; index++) {
      const entry = this.#queue[index]!;
      if (entry.priority === options.priority) found.push(entry.run);
    }
    return found;
  }

  get size(): number {
    return this.#queue.length - this.#head;
  }

  /**
   * The first index whose entry has a lower priority (`front`: a lower or
   * equal one). The array is sorted by priority, highest first.
   */
  #insertionIndex(priority: number, front: boolean): number {
    let low = 0;
    let high = this.#queue.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const other = this.#queue[middle]!.priority;
      if (other > priority || (!front && other === priority)) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  #compact(): void {
    if (this.#head === 0) return;
    this.#queue.splice(0, this.#head);
    this.#head = 0;
  }
}
