/**
 * The worker side of a pool, the same in a thread and in a child process: it
 * takes calls in the order the pool sent them, runs at most `perWorker` at
 * once, and sends results back in batches.
 *
 *   [run ...calls] -> inbox (FIFO) -> start while fewer than perWorker run -> task function
 *   results -> outbox -> one `results` message: at the end of a pump, or
 *              before the next call starts (see #mayHoldResultsBefore)
 *
 * The pool sends calls ahead of the ones running, so the worker never waits
 * for a round trip between calls. It knows which calls run from the results:
 * a worker starts its calls in order as slots free, so when a result arrives
 * the next call in line has started. Two promises rest on the outbox going
 * out in time (API.md "Slots, dispatch ahead, and priority"):
 *
 * - a finished result is never held behind a call that may run long: a
 *   synchronous call blocks this thread, and the outbox with it;
 * - a call with a timeout or an abort signal (CALL_FLAG.timed) has its start
 *   heard as it happens: were results held behind it, a call that never
 *   returns would never be seen to start, and its timeout never begin.
 *
 * So the outbox goes out before every call, except between calls that are
 * safe to batch: not timed, of a task whose last call here ran under TINY_MS
 * (measured tiny), from the same inbound `run` message as the first result
 * held, within FLUSH_MS of that result. What remains: a task measured tiny
 * whose next call suddenly runs long, without a timeout or signal, holds the
 * results of the calls that ended in the FLUSH_MS before it, until it ends
 * (README "Calls sent ahead").
 */
import { TaskNotPortableError } from '../errors.js';
import { serializeError } from './serialize-error.js';
import { loadTaskFunction, loadedTaskFunction } from './task-loader.js';
import { findUncloneable } from './cloneable.js';
import { RunQueueClock } from '../policy/run-queue-clock.js';
import { cpuClock } from './cpu-clock.js';
import { CALL_FLAG, RESULT_STRIDE, RUN_STRIDE, TAG, type PoolMessage, type ResultsMessage, type WireSample, type WorkerMessage } from './protocol.js';

/** A task whose last call here ran (synchronously) under this, ms, is measured tiny: results may wait for its next call. */
const TINY_MS = 0.02;
/** Results wait at most this long (ms) for others to share their message (plus the one tiny call that may end it). */
const FLUSH_MS = 0.2;
/** Every call of a task is measured at first, then one in SAMPLE_EVERY (a thread's CPU clock is a file read). */
const SAMPLE_FIRST = 8;
const SAMPLE_EVERY = 32;

interface TaskDefinition {
  module: string;
  name: string;
  label: string;
  /** Calls started, for sampling. */
  calls: number;
  /** Whether its last call (index 0), its last batch (index 1), ran under TINY_MS: measured tiny. */
  tiny: [boolean, boolean];
}

interface InboxCall {
  id: number;
  key: number;
  /** CALL_FLAG bits. */
  flags: number;
  input: unknown;
  /** Which inbound `run` message brought it. */
  message: number;
}

export type Post = (message: WorkerMessage) => void;

export class CallLoop {
  #post: Post;
  #perWorker: number;
  #definitions: TaskDefinition[] = [];
  #inbox: InboxCall[] = [];
  #head = 0;
  /** Calls started and not settled (promises pending). */
  #active = new Set<number>();
  #outbox: ResultsMessage = [TAG.results];
  #outboxKeys: number[] = [];
  /** When the oldest result in the outbox was recorded, and the inbound message of its call. */
  #outboxSince = 0;
  #outboxMessage = 0;
  /** Inbound `run` messages so far. */
  #messages = 0;
  #pumping = false;
  /** executor.pause(): calls wait in the inbox until `resume`. */
  #paused = false;
  #flushScheduled = false;
  #flushSoon = () => {
    this.#flushScheduled = false;
    this.#flush();
  };
  /** This thread's wait for a CPU: a busy machine must not make a computing call look blocked. */
  #runQueue = new RunQueueClock();
  /**
   * Inside a task function's synchronous part. Still true when this thread
   * runs anything else means the runtime cut the call short without an
   * exception: Deno does that to a thread's task that runs out of heap.
   */
  #inCall = false;
  #cpu = cpuClock(this.#runQueue);

  constructor(post: Post, perWorker: number) {
    this.#post = post;
    this.#perWorker = perWorker;
  }

  /** A call was cut short by the runtime (see #inCall): it will never settle. */
  get interrupted(): boolean {
    return this.#inCall;
  }

  receive(message: PoolMessage): void {
    switch (message[0]) {
      case TAG.run: {
        const seq = ++this.#messages;
        for (let i = 1; i < message.length; i += RUN_STRIDE) {
          this.#inbox.push({ id: message[i] as number, key: message[i + 1] as number, flags: message[i + 2] as number, input: message[i + 3], message: seq });
        }
        this.#pump();
        break;
      }
      case TAG.define:
        this.#definitions[message[1]] = { module: message[2], name: message[3], label: message[4], calls: 0, tiny: [false, false] };
        break;
      case TAG.drop:
        this.#drop(message.slice(1) as number[]);
        break;
      case TAG.pause:
        // The pool learns starts from results: it hears the results first, then which calls run.
        this.#paused = true;
        if (this.#outbox.length > 1) this.#flush();
        this.#post([TAG.paused, ...this.#active]);
        break;
      case TAG.resume:
        this.#paused = false;
        this.#pump();
        break;
    }
  }

  /**
   * Aborted before the pool saw them start. Each gets one answer, so the pool
   * knows when its slot is free: skipped (`dropped`), already running
   * (`started`: the pool ends this worker), or settled (its result).
   */
  #drop(ids: number[]): void {
    const running: number[] = [];
    const dropped: number[] = [];
    for (const id of ids) {
      const at = this.#inbox.findIndex((call, index) => index >= this.#head && call.id === id);
      if (at !== -1) {
        this.#inbox.splice(at, 1);
        dropped.push(id);
      } else if (this.#active.has(id)) running.push(id);
    }
    if (running.length > 0) this.#post([TAG.started, ...running]);
    if (dropped.length > 0) this.#post([TAG.dropped, ...dropped]);
  }

  /** Starts waiting calls while slots are free; sends the results at the end. */
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    const inbox = this.#inbox;
    while (!this.#paused && this.#active.size < this.#perWorker && this.#head < inbox.length) {
      const call = inbox[this.#head]!;
      inbox[this.#head++] = undefined as unknown as InboxCall;
      if (this.#outbox.length > 1 && !this.#mayHoldResultsBefore(call)) this.#flush();
      this.#start(call);
    }
    if (this.#head === inbox.length) {
      inbox.length = 0;
      this.#head = 0;
    }
    this.#pumping = false;
    if (this.#outbox.length === 1) return;
    // Nothing else running: the results go now. Otherwise calls still pending
    // may settle in this same turn and share the message.
    if (this.#active.size === 0) this.#flush();
    else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flushSoon);
    }
  }

  /**
   * Whether the results in the outbox may wait for `next` to run (else they go
   * first, and the pool hears of next's start as it happens). Only when next is
   * safe to wait for: no timeout or signal, its task measured tiny, from the
   * same inbound message, and the oldest result not older than FLUSH_MS.
   */
  #mayHoldResultsBefore(next: InboxCall): boolean {
    if ((next.flags & CALL_FLAG.timed) !== 0 || next.message !== this.#outboxMessage) return false;
    if (!this.#definitions[next.key]!.tiny[next.flags & CALL_FLAG.batch]) return false;
    return performance.now() - this.#outboxSince < FLUSH_MS;
  }

  #start(call: InboxCall): void {
    const definition = this.#definitions[call.key]!;
    const fn = loadedTaskFunction(definition.module, definition.name);
    if (fn === undefined) {
      // The first call of a task in this worker: import it, then run it.
      this.#active.add(call.id);
      loadTaskFunction(definition.module, definition.name).then(
        () => {
          this.#active.delete(call.id);
          // Its first call here: not measured, so what other calls left in the outbox goes first.
          this.#flush();
          this.#start(call);
          this.#pump();
        },
        (error: unknown) => this.#settled(call, false, serializeError(error), performance.now(), undefined, 0),
      );
      return;
    }
    const batch = call.flags & CALL_FLAG.batch;
    const sampled = ++definition.calls <= SAMPLE_FIRST || definition.calls % SAMPLE_EVERY === 0;
    const queuedBefore = sampled ? this.#runQueue.read() : undefined;
    const began = performance.now();
    const cpuBefore = sampled ? this.#cpu() : undefined;
    let result: unknown;
    let threw = false;
    this.#inCall = true;
    try {
      result = batch ? runBatch(fn, call.input as unknown[]) : fn(call.input);
    } catch (error) {
      result = error;
      threw = true;
    }
    this.#inCall = false;
    const syncMs = performance.now() - began;
    // Its synchronous part is what would hold results behind the task's next call.
    definition.tiny[batch] = syncMs < TINY_MS;
    if (threw) {
      this.#record(call, false, serializeError(result), syncMs, syncMs, cpuBefore, sampled, this.#queued(queuedBefore));
      return;
    }
    if (!isThenable(result)) {
      this.#record(call, true, result, syncMs, syncMs, cpuBefore, sampled, this.#queued(queuedBefore));
      return;
    }
    const queuedMs = this.#queued(queuedBefore);
    this.#active.add(call.id);
    result.then(
      (value) => this.#settled(call, true, value, began, sampled ? cpuBefore : undefined, syncMs, sampled, queuedMs),
      (error: unknown) => this.#settled(call, false, serializeError(error), began, sampled ? cpuBefore : undefined, syncMs, sampled, queuedMs),
    );
  }

  #settled(call: InboxCall, ok: boolean, value: unknown, began: number, cpuBefore: number | undefined, syncMs: number, sampled = false, queuedMs = 0): void {
    this.#active.delete(call.id);
    this.#record(call, ok, value, performance.now() - began, syncMs, cpuBefore, sampled, queuedMs);
    this.#pump();
  }

  /** The thread's wait for a CPU since `before` (its synchronous part), ms. */
  #queued(before: number | undefined): number {
    if (before === undefined) return 0;
    const after = this.#runQueue.read();
    return after === undefined ? 0 : Math.max(0, after - before);
  }

  /** A settled call's result into the outbox (`runMs`: from its start to now). */
  #record(
    call: InboxCall,
    ok: boolean,
    value: unknown,
    runMs: number,
    syncMs: number,
    cpuBefore: number | undefined,
    sampled: boolean,
    queuedMs = 0,
  ): void {
    let sample: 0 | WireSample = 0;
    if (sampled) {
      const cpuAfter = cpuBefore === undefined ? undefined : this.#cpu();
      sample = [runMs, syncMs, cpuAfter === undefined ? undefined : cpuAfter - cpuBefore!, queuedMs];
    }
    if (this.#outbox.length === 1) {
      // The oldest result held: how long the outbox may wait counts from it.
      this.#outboxSince = performance.now();
      this.#outboxMessage = call.message;
    }
    this.#outbox.push(call.id, ok ? 1 : 0, value, sample);
    this.#outboxKeys.push(call.key);
  }

  #flush(): void {
    const message = this.#outbox;
    if (message.length === 1) return;
    const keys = this.#outboxKeys;
    this.#outbox = [TAG.results];
    this.#outboxKeys = [];
    try {
      this.#post(message);
    } catch {
      // A result cannot be cloned (a function, a class instance with private
      // state...). Nothing was sent: send them one by one, and answer the
      // failing ones with TaskNotPortableError; the others go on.
      for (let i = 1, n = 0; i < message.length; i += RESULT_STRIDE, n++) {
        const id = message[i];
        try {
          this.#post([TAG.results, id, message[i + 1], message[i + 2], message[i + 3]]);
        } catch (error) {
          this.#post([TAG.results, id, 0, serializeError(this.#notPortable(keys[n]!, message[i + 2], error)), 0]);
        }
      }
    }
  }

  #notPortable(key: number, value: unknown, error: unknown): TaskNotPortableError {
    const label = this.#definitions[key]?.label ?? 'unknown';
    const found = findUncloneable(value, 'result') ?? (error as Error)?.message ?? String(error);
    return new TaskNotPortableError(
      `Task ${label} returned a value that cannot be cloned back to the caller: ${found}. ` +
        'Return plain data (objects, arrays, numbers, strings, typed arrays, Map, Set, Date)',
    );
  }
}

/** A batch (map's chunk): plain values stay synchronous; any promise makes the whole batch one. */
function runBatch(fn: (input: unknown) => unknown, inputs: unknown[]): unknown {
  const results = inputs.map((input) => fn(input));
  return results.some(isThenable) ? Promise.all(results) : results;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
