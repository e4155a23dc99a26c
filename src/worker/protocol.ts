/**
 * The messages a pool and its workers (threads or child processes) exchange:
 * over a MessagePort for a thread, over the IPC channel (`serialization:
 * 'advanced'`) for a child. Every value is a structured clone.
 *
 * Messages are flat arrays whose first element is a tag: flat arrays of
 * numbers and values clone faster than arrays of small objects, and one
 * message carries many calls or results (one write, one read, one
 * deserialisation for many tasks). A task's module and export go to a worker
 * once (`define`); calls name it by a small integer key.
 */

import type { CallSample } from '../policy/call-sample.js';
import type { Task } from '../task.js';

export const TAG = {
  /** Pool -> worker: `[define, key, module, exportName, label]`. */
  define: 0,
  /**
   * Pool -> worker: `[run, id, key, flags, input, id, key, flags, input, ...]`, run in this order.
   * flags: CALL_FLAG bits, and the attempt above them (`ctx.attempt`, see attemptOf).
   */
  run: 1,
  /** Worker -> pool: `[ready, threadId]` (`[ready]` from a child), once it listens for calls. */
  ready: 2,
  /**
   * Worker -> pool: `[results, id, ok (0|1), value or serialized error, sample (0 or [runMs, syncMs, cpuMs, queuedMs]), ...]`.
   * An entry with ok = PROGRESS is a `ctx.progress()` value, not a result: `id, 2, value, item`
   * (item: the index within a batch). It travels in the same batches as results, in order, so
   * every value of a call comes before its result.
   */
  results: 3,
  /** Pool -> worker: `[drop, id, ...]`: calls aborted before the pool saw them start; skip them. */
  drop: 4,
  /** Worker -> pool: `[started, id, ...]`: dropped calls that had already started (the pool ends the worker). */
  started: 5,
  /** Pool -> thread: `[close]`: the session ends (a child ends when its channel closes instead). */
  close: 6,
  /** Worker -> pool: `[dropped, id, ...]`: dropped calls it had not started (skipped; their slots are free). */
  dropped: 7,
  /** Pool -> worker: `[pause]`: start no call until `resume` (executor.pause(); calls sent ahead wait here). */
  pause: 8,
  /** Pool -> worker: `[resume]`: start calls again. */
  resume: 9,
  /**
   * Worker -> pool: `[paused, id, ...]`, the answer to `pause`, after the results it held: the calls
   * running then. The pool may not have seen them start (it learns starts from results): now it has.
   */
  paused: 10,
  /**
   * Pool -> worker: `[cancel, id, serialized reason]`: a running call was aborted or timed out; abort
   * its `ctx.signal`. The worker answers `started` if the task takes no context (it cannot hear:
   * the pool ends the worker at once), else nothing: its result, within the grace period, frees it.
   */
  cancel: 11,
  /**
   * Worker -> pool: `[deaf, key]`, once per task per worker, before its first call runs: the
   * task's function takes no context, so a cancel cannot reach it; the pool ends the worker of
   * an aborted call of it at once instead of waiting `abortGraceMs` (a synchronous loop could
   * not even answer the cancel).
   */
  deaf: 12,
} as const;

/**
 * Bits of a call's `flags` in a `run` message.
 *
 * - `batch`: `input` is an array of inputs (map's chunk); answer with the array of results.
 * - `timed`: the call has a timeout or an abort signal. The pool learns that a
 *   call started from the results of the calls before it (pool-worker.ts), so
 *   the worker sends every result it holds before it starts a timed call: its
 *   start, and so its timeout or its abort, is then known when it happens,
 *   even if it never returns (result-outbox.ts, mayHoldBefore).
 */
export const CALL_FLAG = {
  batch: 1,
  timed: 2,
} as const;

/** The bits below this in a call's flags are CALL_FLAG's; above, `attempt - 1`. */
const ATTEMPT_SHIFT = 2;

/** A call's flags with its attempt (1 on the first run) above the CALL_FLAG bits. */
export function withAttempt(flags: number, attempt: number): number {
  return flags + (attempt - 1) * (1 << ATTEMPT_SHIFT);
}

/** `ctx.attempt` of a call, from its flags. */
export function attemptOf(flags: number): number {
  return (flags >>> ATTEMPT_SHIFT) + 1;
}

/** `ok` of a results entry that carries a progress value (see TAG.results). */
export const PROGRESS = 2;

/** Elements per call in a `run` message, after the tag. */
export const RUN_STRIDE = 4;
/** Elements per result in a `results` message, after the tag. */
export const RESULT_STRIDE = 4;

export type DefineMessage = [typeof TAG.define, key: number, module: string, name: string, label: string];
export type RunMessage = [typeof TAG.run, ...unknown[]];
export type DropMessage = [typeof TAG.drop, ...number[]];
export type CloseMessage = [typeof TAG.close];
export type CancelMessage = [typeof TAG.cancel, id: number, reason: unknown];
export type ReadyMessage = [typeof TAG.ready, threadId?: number];
export type ResultsMessage = [typeof TAG.results, ...unknown[]];
export type StartedMessage = [typeof TAG.started, ...number[]];
export type DroppedMessage = [typeof TAG.dropped, ...number[]];
export type PauseMessage = [typeof TAG.pause] | [typeof TAG.resume];
export type PausedMessage = [typeof TAG.paused, ...number[]];
export type DeafMessage = [typeof TAG.deaf, key: number];

export type PoolMessage = DefineMessage | RunMessage | DropMessage | CloseMessage | PauseMessage | CancelMessage;
export type WorkerMessage = ReadyMessage | ResultsMessage | StartedMessage | DroppedMessage | PausedMessage | DeafMessage;

/** A sampled call's measures on the wire: `[runMs, syncMs, cpuMs, queuedMs]` (cpuMs undefined where unreadable). */
export type WireSample = [number, number, number | undefined, number];

export function toSample([runMs, syncMs, cpuMs, queuedMs]: WireSample): CallSample {
  return { runMs, syncMs, cpuMs: cpuMs ?? undefined, queuedMs };
}

/** Each task's small integer key, and the `define` message that tells a worker about it. */
export class TaskKeys {
  /** Task objects are frozen and long-lived: a WeakMap finds their key without building a string. */
  #keys = new WeakMap<Task, number>();
  #definitions: DefineMessage[] = [];

  keyOf(task: Task): number {
    let key = this.#keys.get(task);
    if (key === undefined) {
      key = this.#definitions.length;
      this.#definitions.push([TAG.define, key, task.module, task.name, task.label]);
      this.#keys.set(task, key);
    }
    return key;
  }

  definition(key: number): DefineMessage {
    return this.#definitions[key]!;
  }
}
