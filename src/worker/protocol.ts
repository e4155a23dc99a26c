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
  /** Pool -> worker: `[run, id, key, flags (CALL_FLAG bits), input, id, key, flags, input, ...]`, run in this order. */
  run: 1,
  /** Worker -> pool: `[ready, threadId]` (`[ready]` from a child), once it listens for calls. */
  ready: 2,
  /** Worker -> pool: `[results, id, ok (0|1), value or serialized error, sample (0 or [runMs, syncMs, cpuMs, queuedMs]), ...]`. */
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
} as const;

/**
 * Bits of a call's `flags` in a `run` message.
 *
 * - `batch`: `input` is an array of inputs (map's chunk); answer with the array of results.
 * - `timed`: the call has a timeout or an abort signal. The pool learns that a
 *   call started from the results of the calls before it (pool-worker.ts), so
 *   the worker sends every result it holds before it starts a timed call: its
 *   start, and so its timeout or its abort, is then known when it happens,
 *   even if it never returns (call-loop.ts, #mayHoldResultsBefore).
 */
export const CALL_FLAG = {
  batch: 1,
  timed: 2,
} as const;

/** Elements per call in a `run` message, after the tag. */
export const RUN_STRIDE = 4;
/** Elements per result in a `results` message, after the tag. */
export const RESULT_STRIDE = 4;

export type DefineMessage = [typeof TAG.define, key: number, module: string, name: string, label: string];
export type RunMessage = [typeof TAG.run, ...unknown[]];
export type DropMessage = [typeof TAG.drop, ...number[]];
export type CloseMessage = [typeof TAG.close];
export type ReadyMessage = [typeof TAG.ready, threadId?: number];
export type ResultsMessage = [typeof TAG.results, ...unknown[]];
export type StartedMessage = [typeof TAG.started, ...number[]];
export type DroppedMessage = [typeof TAG.dropped, ...number[]];
export type PauseMessage = [typeof TAG.pause] | [typeof TAG.resume];
export type PausedMessage = [typeof TAG.paused, ...number[]];

export type PoolMessage = DefineMessage | RunMessage | DropMessage | CloseMessage | PauseMessage;
export type WorkerMessage = ReadyMessage | ResultsMessage | StartedMessage | DroppedMessage | PausedMessage;

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
