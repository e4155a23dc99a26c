/**
 * Which call runs on which thread, and each thread's life: spawn and exit
 * events, recycling after `maxTasksPerWorker`, ending a thread whose call was
 * aborted. piscina exposes neither a task-to-thread map nor recycling, so we
 * see both through the one hook it offers: the load balancer, which piscina
 * calls with the task (our CallRecord rides on it under `queueOptionsSymbol`)
 * and the candidate threads (by threadId) every time it places a task.
 */
import type { Worker } from 'node:worker_threads';
import type { EventEmitter } from 'eventemitter3';
import { queueOptionsSymbol, type Piscina } from 'piscina';
import type { ExecutorEvents } from '../executor.js';

type Balancer = NonNullable<NonNullable<ConstructorParameters<typeof Piscina>[0]>['loadBalancer']>;
type PiscinaWorker = Parameters<Balancer>[1][number];

export interface CallRecord {
  label: string;
  /** Set by the balancer when piscina places the call. */
  thread: ThreadState | undefined;
  /** The caller's promise is settled (result, error or abort). */
  settled: boolean;
}

export interface ThreadState {
  readonly id: number;
  readonly worker: Worker;
  /** Calls placed on it over its life, for `maxTasksPerWorker`. */
  placed: number;
  running: Set<CallRecord>;
  /** Takes no new calls: it is being recycled or ended. */
  retiring: boolean;
  /** Why we ended it, for the calls that shared it. */
  endedBecause?: string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number>;
}

export interface RosterInit {
  events: EventEmitter<ExecutorEvents>;
  perWorker: number;
  maxTasksPerWorker: number;
  /** piscina's live threads (starting ones included). */
  threads: () => Worker[];
  /** Calls piscina holds with no thread to take them. */
  queued: () => number;
  /** Makes piscina spawn a thread for its queued calls. */
  kick: () => void;
}

export class ThreadRoster {
  #init: RosterInit;
  #threads = new Map<number, ThreadState>();

  constructor(init: RosterInit) {
    this.#init = init;
  }

  /** piscina's load balancer: the least busy thread that is not retiring, or null to queue. */
  readonly balancer: Balancer = (task, workers) => {
    let best: PiscinaWorker | null = null;
    let bestUsage = this.#init.perWorker;
    for (const worker of workers) {
      const thread = this.track(worker.id);
      if (!thread || thread.retiring) continue;
      const usage = worker.currentUsage;
      if (usage < bestUsage) {
        best = worker;
        bestUsage = usage;
        if (usage === 0) break;
      }
    }
    const record = (task as unknown as Record<symbol, CallRecord | null>)[queueOptionsSymbol];
    if (best && record) {
      const thread = this.#threads.get(best.id)!;
      record.thread = thread;
      thread.running.add(record);
      thread.placed++;
      // Recycling: no call is placed on it any more; it ends once its last call settles.
      if (thread.placed >= this.#init.maxTasksPerWorker) thread.retiring = true;
    }
    return best;
  };

  /** Starts following a thread (first seen by the balancer or piscina's workerCreate). */
  track(id: number): ThreadState | undefined {
    const known = this.#threads.get(id);
    if (known) return known;
    const worker = this.#init.threads().find((w) => w.threadId === id);
    if (!worker) return undefined;
    let onExit!: (code: number) => void;
    const thread: ThreadState = {
      id,
      worker,
      placed: 0,
      running: new Set(),
      retiring: false,
      exited: new Promise((resolve) => (onExit = resolve)),
    };
    this.#threads.set(id, thread);
    // Registered after piscina's own 'exit' listener, so piscina has already
    // dropped the thread (and rejected its calls) when this runs.
    worker.once('exit', (code) => {
      this.#threads.delete(id);
      onExit(code);
      this.#init.events.emit('workerExit', { backend: 'thread', id, code });
      this.#refill();
    });
    this.#init.events.emit('workerSpawn', { backend: 'thread', id });
    return thread;
  }

  /** A call settled: forget it, and recycle its thread if that was its last call. */
  release(record: CallRecord): void {
    const thread = record.thread;
    if (!thread) return;
    thread.running.delete(record);
    if (thread.retiring && thread.running.size === 0) this.end(thread);
  }

  /** Ends a thread now (recycling, or its call was aborted: a synchronous loop stops only this way). */
  end(thread: ThreadState, because?: string): void {
    thread.retiring = true;
    if (because && !thread.endedBecause) thread.endedBecause = because;
    // terminate() is idempotent; piscina sees the exit, drops the thread and
    // rejects any other call still on it.
    void thread.worker.terminate();
  }

  /** Resolves when every thread we have seen has exited. */
  async allExited(): Promise<void> {
    await Promise.all([...this.#threads.values()].map((t) => t.exited));
  }

  /**
   * After a thread we ended has gone, piscina only tops up to `minThreads`
   * and places queued calls when some *other* thread finishes a task or a new
   * call arrives. If calls wait and nothing else is running, that never comes:
   * a queued no-op makes piscina's run() spawn a thread ("eagerly spawn while
   * there is queued work"), which then takes the whole queue.
   */
  #refill(): void {
    if (this.#init.queued() > 0) this.#init.kick();
  }
}
