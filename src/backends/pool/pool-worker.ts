/**
 * The pool's view of one worker and of each call it holds.
 *
 * A worker runs its calls in the order they were sent, at most `perWorker` at
 * once; the pool sends more (ahead) so that the worker never waits for it.
 * The pool does not hear when a call starts: it knows. The first `running`
 * unfinished calls in a worker's line are the ones running; when a result
 * comes back, the next call in line has started. The worker sends the results
 * it holds before it starts a call that may run long, and always before a call
 * with a timeout or an abort signal (CALL_FLAG.timed), so "has started" is late
 * by one message at most, and never for a timed call (see call-loop.ts).
 */
import type { TaskCall } from '../backend.js';
import type { CancelSignal } from '../../core/task-signal.js';
import type { TransferListItem } from 'node:worker_threads';
import { CALL_FLAG, TAG, withAttempt, type DefineMessage, type RunMessage } from '../../worker/protocol.js';
import type { WorkerExit, WorkerHandle } from './worker-handle.js';

/**
 * `dropping`: aborted after it was sent, before the pool saw it start. Its
 * caller has its rejection; it keeps its place in the line until the worker
 * answers (dropped, started, or its result), so the slots stay counted right.
 * `cancelling`: aborted (or timed out) while running; its `ctx.signal` is
 * aborted in the worker, and it holds its slot until it settles (the worker is
 * kept) or `abortGraceMs` passes (the worker is ended).
 */
export type PoolCallState = 'waiting' | 'assigned' | 'running' | 'dropping' | 'cancelling' | 'settled';

/** One call, from `execute` to its settlement. It is its own abort listener (no closure per call). */
export class PoolCall {
  state: PoolCallState = 'waiting';
  worker: PoolWorker | undefined = undefined;
  /** In the worker's hands (not only in its outbox). */
  sent = false;
  /** Put back in line once after its worker died before starting it. */
  requeued = false;
  /** `cancelling`: ends the worker when the grace period passes. */
  graceTimer: NodeJS.Timeout | undefined = undefined;

  constructor(
    readonly id: number,
    readonly call: TaskCall,
    readonly key: number,
    readonly signal: CancelSignal,
    readonly resolve: (value: unknown) => void,
    readonly reject: (error: unknown) => void,
    readonly onAbort: (call: PoolCall) => void,
  ) {}

  handleEvent(): void {
    this.onAbort(this);
  }
}

export type PoolWorkerState = 'starting' | 'ready' | 'retiring' | 'stopping';

export class PoolWorker {
  /**
   * starting: not ready yet; ready: takes calls; retiring: takes no more
   * (recycled, or idle) and leaves when its calls are done; stopping: being ended.
   */
  state: PoolWorkerState = 'starting';
  /** Unfinished calls in the order the worker runs them; the first `running` run. */
  readonly line: PoolCall[] = [];
  running = 0;
  /** Assigned, not yet sent (one message at the next flush). */
  outbox: PoolCall[] = [];
  /** Aborted calls the worker should skip (sent with the next flush). */
  drops: number[] = [];
  /** Task keys this worker has been told about, and definitions still to send. */
  readonly defined: boolean[] = [];
  defines: DefineMessage[] = [];
  /** Calls ever assigned, for `maxTasksPerWorker`. */
  assigned = 0;
  idleSince = 0;
  /** When it said `ready`; 0: never (an exit then is a failed start, unless we stopped it). */
  readyAt = 0;
  /** When its last message came (for the run-time estimate). */
  lastHeard = 0;
  /** Why we ended it, for the calls it still ran. */
  endedBy: string | undefined = undefined;
  dirty = false;

  constructor(readonly handle: WorkerHandle) {}

  /** Calls sent ahead that have not started. */
  get ahead(): number {
    return this.line.length - this.running;
  }

  /** It was told to start no call (executor.pause()): it holds what it was sent. */
  held = false;

  /** Marks started the calls now at the front of the line (sent ones only); returns how many. None while held. */
  promote(perWorker: number): number {
    if (this.held) return 0;
    let started = 0;
    while (this.running < perWorker && this.running < this.line.length) {
      const call = this.line[this.running]!;
      if (!call.sent) break;
      this.running++;
      // A dropped call at the front may be running (the worker will say): it holds the slot.
      if (call.state === 'dropping') continue;
      call.state = 'running';
      started++;
      call.call.markStarted();
    }
    return started;
  }

  /**
   * It paused with these calls running (its answer to `pause`, after the
   * results it held): those at the front of the line not yet seen to start have.
   */
  confirmRunning(ids: number[]): void {
    const running = new Set(ids);
    while (this.running < this.line.length && running.has(this.line[this.running]!.id)) {
      const call = this.line[this.running++]!;
      if (call.state === 'dropping') continue;
      call.state = 'running';
      call.call.markStarted();
    }
  }

  /** A call left the line (settled or aborted). */
  remove(call: PoolCall): void {
    const at = this.line.indexOf(call);
    if (at === -1) return;
    this.line.splice(at, 1);
    if (at < this.running) this.running--;
  }

  /**
   * Sends what the worker has not been sent: drops, task definitions, then its
   * calls in one message. Returns the calls whose input could not be cloned
   * (nothing of the message went then: the others are sent one by one).
   */
  send(): { pending: PoolCall; error: unknown }[] {
    const handle = this.handle;
    if (this.drops.length > 0) {
      handle.send([TAG.drop, ...this.drops]);
      this.drops = [];
    }
    if (this.outbox.length === 0) return [];
    // Strings only: these cannot fail to clone.
    for (const define of this.defines) handle.send(define);
    this.defines = [];
    const calls = this.outbox;
    this.outbox = [];
    const message: RunMessage = [TAG.run];
    let transfer: TransferListItem[] | undefined;
    for (const pending of calls) {
      message.push(pending.id, pending.key, callFlags(pending.call), pending.call.input);
      if (pending.call.transfer) (transfer ??= []).push(...pending.call.transfer);
    }
    try {
      // false: the channel is closed; the worker's exit settles its calls.
      handle.send(message, transfer);
      for (const pending of calls) pending.sent = true;
      return [];
    } catch {
      const failed: { pending: PoolCall; error: unknown }[] = [];
      for (const pending of calls) {
        try {
          handle.send([TAG.run, pending.id, pending.key, callFlags(pending.call), pending.call.input], pending.call.transfer);
          pending.sent = true;
        } catch (error) {
          failed.push({ pending, error });
        }
      }
      return failed;
    }
  }
}

/** A call's flags on the wire (protocol.ts CALL_FLAG). */
function callFlags(call: TaskCall): number {
  // Timed: the worker must let us hear of its start as it happens (its results before it).
  const timed = call.timeout !== undefined || call.options.signal !== undefined;
  return withAttempt((call.batch ? CALL_FLAG.batch : 0) | (timed ? CALL_FLAG.timed : 0), call.attempt);
}

/** Why a call failed with its worker: it died under it, or we ended the worker (and why). */
export function crashMessage(worker: PoolWorker, pending: PoolCall, exit: WorkerExit, kind: string, heapMb: number | undefined): string {
  if (worker.endedBy) {
    return `${exit.description} after it was stopped because ${worker.endedBy}; task ${pending.call.label} was running in the same ${kind}`;
  }
  let message = `${exit.description} while running task ${pending.call.label}`;
  if (exit.outOfMemory) message += ` (out of memory: ${heapMb ? `the heap limit is ${heapMb} MB` : 'no heap limit was set'})`;
  return message;
}
