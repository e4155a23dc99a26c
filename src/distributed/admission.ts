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
 * and BullMQ's concurrency is lowered to the jobs running, so that the worker
 * does not take the same job again at once; it grows back by one for each job
 * that starts, up to the configured concurrency.
 */
import type { Executor } from '../executor.js';
import type { LocalBackend } from '../policy/rules.js';
import type { Task } from '../task.js';

/** explain() sorts samples and sizes backends: once per this many jobs of a task is enough. */
const ROUTE_REFRESH = 256;

export class Admission {
  #executor: Executor;
  #busy = new Map<LocalBackend, number>();
  /** Each backend's slots, fixed by the first task routed there (the executor sizes it then too). */
  #slots = new Map<LocalBackend, number>();
  /** Where each task goes, asked again every ROUTE_REFRESH jobs (a policy with `adapt` may move it). */
  #routes = new WeakMap<Task, { backend: LocalBackend; uses: number }>();
  #running = 0;
  /** BullMQ's concurrency as configured, and as set now. */
  #configured: number;
  #limit: number;
  #setLimit: (limit: number) => void;

  /** `setLimit(n)`: let BullMQ hold at most n jobs at once. */
  constructor(executor: Executor, concurrency: number, setLimit: (limit: number) => void) {
    this.#executor = executor;
    this.#configured = concurrency;
    this.#limit = concurrency;
    this.#setLimit = setLimit;
  }

  /** Takes a slot for `task`: the function that frees it, or undefined when none is free (the job goes back). */
  take(task: Task): (() => void) | undefined {
    let route = this.#routes.get(task);
    if (!route || ++route.uses >= ROUTE_REFRESH) {
      const decision = this.#executor.explain(task);
      route = { backend: decision.backend as LocalBackend, uses: 0 };
      this.#routes.set(task, route);
      if (!this.#slots.has(route.backend)) {
        const size = decision.size ?? {};
        this.#slots.set(route.backend, size.concurrency ?? (size.maxWorkers ?? 1) * (size.concurrentTasksPerWorker ?? 1));
      }
    }
    const backend = route.backend;
    const busy = this.#busy.get(backend) ?? 0;
    if (busy >= this.#slots.get(backend)!) {
      // Hold no more than what runs: each job that ends lets one more in, and
      // the limit grows back one job per job that starts (below).
      this.#limit = Math.max(1, this.#running);
      this.#setLimit(this.#limit);
      return undefined;
    }
    this.#busy.set(backend, busy + 1);
    this.#running++;
    if (this.#limit < this.#configured) {
      this.#limit = Math.min(this.#configured, this.#running + 1);
      this.#setLimit(this.#limit);
    }
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      this.#busy.set(backend, this.#busy.get(backend)! - 1);
      this.#running--;
    };
  }
}
