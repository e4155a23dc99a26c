/**
 * The calls of a pool worker that exited (worker-pool.ts): those it ran fail
 * with WorkerCrashedError; those sent ahead and not seen to start go back in
 * line, once.
 */
import { WorkerCrashedError } from '../../errors.js';
import type { PoolCall, PoolWorker } from './pool-worker.js';

/**
 * Empties `worker`'s line, unlinking its calls from `inLine`, and returns the
 * calls to put back at the front of the pool's waiting line, in order.
 * `crashed`: the message of a call that failed with the worker.
 */
export function emptyLine(worker: PoolWorker, inLine: Map<number, PoolCall>, crashed: (pending: PoolCall) => string): PoolCall[] {
  const line = worker.line.splice(0);
  const running = line.slice(0, worker.running);
  worker.running = 0;
  worker.outbox = [];
  for (const pending of running) {
    inLine.delete(pending.id);
    if (pending.graceTimer !== undefined) clearTimeout(pending.graceTimer);
    if (pending.state === 'dropping' || pending.state === 'cancelling') continue; // its caller has had its rejection
    pending.state = 'settled';
    pending.reject(new WorkerCrashedError(crashed(pending)));
  }
  // Sent ahead and not seen to start: they go back in line, at the front,
  // once. A call whose second worker also dies under it before we see it
  // start most likely did start (after a tiny call whose result had not
  // come back yet) and ends them: it fails as a call that ran.
  const requeue: PoolCall[] = [];
  for (const pending of line.slice(running.length)) {
    inLine.delete(pending.id);
    if (pending.state === 'dropping') continue;
    if (pending.requeued && worker.readyAt !== 0) {
      pending.call.markStarted();
      pending.state = 'settled';
      pending.reject(new WorkerCrashedError(crashed(pending)));
      continue;
    }
    if (worker.readyAt !== 0) pending.requeued = true;
    pending.worker = undefined;
    pending.sent = false;
    pending.state = 'waiting';
    requeue.push(pending);
  }
  return requeue;
}
