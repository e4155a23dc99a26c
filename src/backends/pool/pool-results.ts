/**
 * Routes a worker's `results` messages (worker-pool.ts): each result to its
 * caller, each progress value to its call, and the starts they imply. The
 * pool hears no start: when a result comes back, the next call in that
 * worker's line has started (pool-worker.ts, promote).
 */
import { deserializeError } from '../../worker/serialize-error.js';
import { PROGRESS, RESULT_STRIDE, toSample, type WireSample, type WorkerMessage } from '../../worker/protocol.js';
import type { PoolCall, PoolWorker } from './pool-worker.js';
import type { PoolHost } from './pool-host.js';
import type { RunWindow } from './run-window.js';

export class ResultRouter {
  #host: PoolHost;
  #window: RunWindow;
  /** Results settled this turn that the executor has not taken yet (it takes each one microtask later). */
  #untaken = false;
  #taken = () => {
    this.#untaken = false;
  };

  constructor(host: PoolHost, window: RunWindow) {
    this.#host = host;
    this.#window = window;
  }

  onResults(worker: PoolWorker, message: WorkerMessage): void {
    const now = performance.now();
    let results = 0;
    for (let i = 1; i < message.length; i += RESULT_STRIDE) if (message[i + 1] !== PROGRESS) results++;
    // The worker was busy since its last message: the results share that time.
    if (worker.running > 0 && results > 0) this.#window.observe(results, now - worker.lastHeard);
    worker.lastHeard = now;
    this.#takeResults(worker, message, 1, now, results > 0);
  }

  /**
   * The results and progress values of one message, from index `from`. The
   * executor takes a result one microtask after it settles (its taskEnd): a
   * call not yet seen to start (sent ahead, its start told only by its own
   * result or progress) waits for that when results of this turn are untaken,
   * so its `taskStart` comes after their `taskEnd`s. Else a batch [c1, c3] (or
   * two messages read in one turn) gave start c3 before end c1: three running
   * on two slots to the events and `running` (the contract test 'runs no more
   * than its slots', 1 run in 10 under load).
   */
  #takeResults(worker: PoolWorker, message: WorkerMessage, from: number, now: number, anyResult: boolean): void {
    const host = this.#host;
    for (let i = from; i < message.length; i += RESULT_STRIDE) {
      const pending = host.callOf(message[i] as number);
      if (this.#untaken && pending?.state === 'assigned') {
        queueMicrotask(() => this.#takeResults(worker, message, i, now, anyResult));
        return;
      }
      if (message[i + 1] === PROGRESS) {
        if (pending !== undefined) this.#onProgress(worker, pending, message[i + 2], message[i + 3] as number);
        continue;
      }
      if (pending === undefined) continue; // aborted while the worker ran it
      if (pending.state === 'dropping' || pending.state === 'cancelling') {
        // Dropped too late (it ran), or it honoured its signal in time: its caller has had its rejection.
        host.settle(pending);
        continue;
      }
      // A sampled call says how long it ran: its start, when we heard of it late (a worker's `ready`).
      const sample = message[i + 3] === 0 ? undefined : toSample(message[i + 3] as WireSample);
      pending.call.markStarted(sample && now - sample.runMs);
      host.settle(pending);
      if (sample) pending.call.measured(sample);
      if (message[i + 1] === 1) pending.resolve(message[i + 2]);
      else pending.reject(deserializeError(message[i + 2]));
      if (!this.#untaken) {
        this.#untaken = true;
        queueMicrotask(this.#taken);
      }
    }
    if (!anyResult) return;
    // After the executor took these results: a `taskEnd` comes before the next `taskStart`.
    queueMicrotask(() => {
      worker.promote(host.perWorker);
      host.afterSettle(worker);
    });
  }

  /**
   * A `ctx.progress()` value, to the caller while its call is live. A value
   * shows that the call has started: the results before it in the worker's
   * line came in the same message or earlier.
   */
  #onProgress(worker: PoolWorker, pending: PoolCall, value: unknown, item: number): void {
    if (pending.state === 'assigned') worker.promote(this.#host.perWorker);
    if (pending.state === 'running') pending.call.progress(value, item);
  }
}
