/**
 * Aborts and timeouts of a pool's calls (worker-pool.ts). A call not seen to
 * start is dropped: the worker skips it, or says it had started it. A running
 * call whose task takes a context has its `ctx.signal` aborted and keeps its
 * slot for `abortGraceMs`; otherwise, or after that, its worker is ended (the
 * only way to stop a running task).
 */
import { TaskTimeoutError } from '../../errors.js';
import { serializeError } from '../../worker/serialize-error.js';
import { TAG } from '../../worker/protocol.js';
import type { PoolCall, PoolWorker } from './pool-worker.js';
import type { PoolHost } from './pool-host.js';

/**
 * @see ExecutorOptions.abortGraceMs. 100 ms: about what ending and replacing
 * a worker costs (start-up to first result: a thread ~75 ms, a child process
 * ~110 ms in the benchmark), so waiting for a task that ignores its signal costs at
 * most about one restart, while a task that honours it (an awaited fetch or
 * timer, a loop that checks every few ms) stops well within it and keeps its worker.
 */
export const DEFAULT_ABORT_GRACE_MS = 100;

export class CallAborts {
  #host: PoolHost;
  #graceMs: number;
  /** Task keys whose function takes no context (a worker said so): an abort ends their worker at once. */
  #deaf: boolean[] = [];
  /** Every call's abort listener (PoolCall.handleEvent). */
  readonly onAbort = (call: PoolCall): void => this.#abort(call);

  constructor(host: PoolHost, graceMs: number | undefined) {
    this.#host = host;
    this.#graceMs = graceMs ?? DEFAULT_ABORT_GRACE_MS;
  }

  /** A worker said `[deaf, key]`: the task's function takes no context. */
  markDeaf(key: number): void {
    this.#deaf[key] = true;
  }

  #abort(pending: PoolCall): void {
    if (pending.state === 'settled' || pending.state === 'dropping' || pending.state === 'cancelling') return;
    const host = this.#host;
    const worker = pending.worker;
    const running = pending.state === 'running';
    pending.reject(pending.signal.reason);
    if (worker && !running && pending.sent) {
      // Not started as far as we know: the worker skips it; it holds its place until the worker answers.
      pending.state = 'dropping';
      worker.drops.push(pending.id);
      host.markDirty(worker);
      return;
    }
    if (worker && running && this.#cancel(worker, pending)) return;
    host.settle(pending);
    if (worker && running) {
      // The only way to stop a running task: end its worker. Its other
      // calls fail or go back in line; a replacement starts when calls wait.
      host.stop(worker, this.#stopReason(pending));
      host.drain();
    }
    if (worker && !running) host.afterSettle(worker);
    else host.updateReference();
  }

  /**
   * Cooperative abort (API.md "Task context"): the running call's `ctx.signal`
   * aborts in the worker (by message; on threads also in shared memory, so a
   * synchronous loop sees it), and the call keeps its slot until it settles or
   * `abortGraceMs` passes; then its worker is ended, as without a context.
   * False when there is no grace period, or the reason cannot be sent.
   */
  #cancel(worker: PoolWorker, pending: PoolCall): boolean {
    if (this.#graceMs === 0 || worker.state === 'stopping' || this.#deaf[pending.key] === true) return false;
    worker.handle.markAborted?.(pending.id);
    try {
      if (!worker.handle.send([TAG.cancel, pending.id, serializeError(pending.signal.reason)])) return false;
    } catch {
      return false; // an abort reason that cannot be cloned: end the worker, as before
    }
    pending.state = 'cancelling';
    pending.graceTimer = setTimeout(() => this.#graceOver(pending), this.#graceMs);
    return true;
  }

  /** The aborted task did not settle within abortGraceMs: end its worker. */
  #graceOver(pending: PoolCall): void {
    pending.graceTimer = undefined;
    const worker = pending.worker;
    if (pending.state !== 'cancelling' || !worker) return;
    const host = this.#host;
    host.settle(pending);
    // Not ended yet: a worker close() released is 'stopping' too, but waits for its calls, and this one never ends.
    if (worker.endedBy === undefined) host.stop(worker, `${this.#stopReason(pending)} and did not stop within abortGraceMs (${this.#graceMs} ms)`);
    host.drain();
    host.updateReference();
  }

  #stopReason(pending: PoolCall): string {
    return `task ${pending.call.label} on it ${pending.signal.reason instanceof TaskTimeoutError ? 'timed out' : 'was aborted'}`;
  }

  /**
   * `[started, id, ...]`: calls we dropped had started, or a cancelled call
   * cannot hear its signal (its task takes no context): they run for no one; end the worker.
   */
  onStarted(worker: PoolWorker, id: number): void {
    if (worker.endedBy !== undefined) return; // ended already (a released one is not: it would run the call for no one)
    const cancelled = this.#host.callOf(id);
    this.#host.stop(worker, cancelled?.state === 'cancelling' ? this.#stopReason(cancelled) : 'a task aborted just as it started was still running in it');
  }

  /** The worker skipped these dropped calls: their places are free. */
  onDropped(worker: PoolWorker, ids: number[]): void {
    const host = this.#host;
    for (const id of ids) {
      const pending = host.callOf(id);
      if (pending?.state === 'dropping' || pending?.state === 'cancelling') host.settle(pending);
    }
    worker.promote(host.perWorker);
    host.afterSettle(worker);
  }
}
