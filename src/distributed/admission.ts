/**
 * A worker takes from Redis only what its local executor can start at once.
 * BullMQ hands the processor up to `concurrency` jobs, but the local auto
 * executor runs a `cpuBound` task on a process pool of a few slots: 32 jobs
 * taken for 2 slots left 30 of them "active" in Redis without having started,
 * and a worker that died failed all 32 with "died mid-run" (issue 17).
 *
 * So each job first takes a slot of the local backend the policy routes it
 * to (sized as the executor sizes that backend: `explain(task).size`). When
 * none is free, the job goes back to the queue without spending an attempt,
 * and BullMQ's concurrency is lowered to the jobs running until one ends, so
 * that the worker does not take the same job again at once.
 */
import type { Executor } from '../executor.js';
import type { LocalBackend } from '../policy/rules.js';
import type { Task } from '../task.js';

export class Admission {
  #executor: Executor;
  #busy = new Map<LocalBackend, number>();
  /** Each backend's slots, fixed by the first task routed there (the executor sizes it then too). */
  #slots = new Map<LocalBackend, number>();
  #running = 0;
  #throttle: (running: number | undefined) => void;

  /** `throttle(n)`: take at most n jobs at once for now; `throttle(undefined)`: as configured again. */
  constructor(executor: Executor, throttle: (running: number | undefined) => void) {
    this.#executor = executor;
    this.#throttle = throttle;
  }

  /** Takes a slot for `task`: the function that frees it, or undefined when none is free (the job goes back). */
  take(task: Task): (() => void) | undefined {
    const decision = this.#executor.explain(task);
    const backend = decision.backend as LocalBackend;
    let slots = this.#slots.get(backend);
    if (slots === undefined) {
      const size = decision.size ?? {};
      slots = size.concurrency ?? (size.maxWorkers ?? 1) * (size.concurrentTasksPerWorker ?? 1);
      this.#slots.set(backend, slots);
    }
    const busy = this.#busy.get(backend) ?? 0;
    if (busy >= slots) {
      this.#throttle(Math.max(1, this.#running));
      return undefined;
    }
    this.#busy.set(backend, busy + 1);
    this.#running++;
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      this.#busy.set(backend, this.#busy.get(backend)! - 1);
      this.#running--;
      this.#throttle(undefined);
    };
  }
}
