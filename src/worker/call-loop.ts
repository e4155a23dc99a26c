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
import { deserializeError, serializeError } from './serialize-error.js';
import { loadTaskFunction, loadedTaskFunction } from './task-loader.js';
import { findUncloneable } from './cloneable.js';
import { RunQueueClock } from '../policy/run-queue-clock.js';
import { cpuClock } from './cpu-clock.js';
import { attemptOf, CALL_FLAG, PROGRESS, RESULT_STRIDE, RUN_STRIDE, TAG, type PoolMessage, type ResultsMessage, type WireSample, type WorkerMessage } from './protocol.js';
import { CallContext, wantsContext, type ContextSink } from '../core/task-context.js';
import { TaskSignal } from '../core/task-signal.js';
import type { AbortFlags } from './abort-flags.js';

/** A task whose last call here ran (synchronously) under this, ms, is measured tiny: results may wait for its next call. */
const TINY_MS = 0.02;
/** Results wait at most this long (ms) for others to share their message (plus the one tiny call that may end it). */
const FLUSH_MS = 0.2;
/**
 * Progress values wait at most this long (ms) for others to share their
 * message, even while a synchronous loop keeps the event loop from turning:
 * a task reporting in a tight loop sends about one message per ms, not one per value.
 */
const PROGRESS_FLUSH_MS = 1;
/** Every call of a task is measured at first, then one in SAMPLE_EVERY (a thread's CPU clock is a file read). */
const SAMPLE_FIRST = 8;
const SAMPLE_EVERY = 32;

interface TaskDefinition {
  module: string;
  name: string;
  label: string;
  /** Calls started, for sampling. */
  calls: number;
  /** Its function declares a second parameter (read once, when first run here). */
  wantsContext?: boolean;
  /** Whether its last call (index 0), its last batch (index 1), ran under TINY_MS: measured tiny. */
  tiny: [boolean, boolean];
}

interface InboxCall {
  id: number;
  key: number;
  /** CALL_FLAG bits, and the attempt (attemptOf). */
  flags: number;
  input: unknown;
  /** Which inbound `run` message brought it. */
  message: number;
}

/**
 * A running call whose task takes a context: where its contexts' progress
 * goes, and their common abort signal (a cancel from the pool aborts it).
 */
class LoopCall extends TaskSignal implements ContextSink {
  /** Its result is in the outbox: later progress is dropped. */
  settled = false;
  readonly attempt: number;

  constructor(
    readonly loop: CallLoop,
    readonly call: InboxCall,
    readonly label: string,
  ) {
    super();
    this.attempt = attemptOf(call.flags);
  }

  progress(value: unknown, item: number): void {
    this.loop.progress(this, value, item);
  }

  /** Threads: reads the call's abort flag in shared memory (see abort-flags.ts). */
  poll = (): void => {
    this.loop.pollAbort(this);
  };
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
  /** A progress value sits in the outbox (see progress()). */
  #progressWaiting = false;
  /** When a message last carried progress values. */
  #lastProgressFlush = -Infinity;
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

  /** Running calls that take a context, by id: a cancel aborts their signal. */
  #withContext = new Map<number, LoopCall>();
  /** Cancels that came before their call (taken early from a thread's port): skipped when the call comes. */
  #cancelledEarly = new Set<number>();
  #maxId = 0;
  #flags: AbortFlags | undefined;
  /** Threads: takes waiting messages from the port now (a cancel's reason), in the middle of a synchronous task. */
  #takeMessages: (() => void) | undefined;

  /**
   * `flags` and `takeMessages`: threads only, where the pool can mark an abort
   * in shared memory that a synchronous loop sees when it reads ctx.signal.aborted.
   */
  constructor(post: Post, perWorker: number, flags?: AbortFlags, takeMessages?: () => void) {
    this.#post = post;
    this.#perWorker = perWorker;
    this.#flags = flags;
    this.#takeMessages = takeMessages;
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
          const id = message[i] as number;
          if (id > this.#maxId) this.#maxId = id;
          if (this.#cancelledEarly.size > 0 && this.#cancelledEarly.delete(id)) {
            this.#post([TAG.dropped, id]);
            continue;
          }
          this.#inbox.push({ id, key: message[i + 1] as number, flags: message[i + 2] as number, input: message[i + 3], message: seq });
        }
        this.#pump();
        break;
      }
      case TAG.cancel:
        this.#cancel(message[1], message[2]);
        break;
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

  /**
   * A running call was aborted or timed out. A task that takes a context has
   * its signal aborted (the pool waits `abortGraceMs` for its result); one that
   * does not cannot hear it, so the pool is told at once (`started`) and ends
   * this worker, as before contexts. A call not started yet is skipped.
   */
  #cancel(id: number, reason: unknown): void {
    const call = this.#withContext.get(id);
    if (call !== undefined) {
      call.abort(deserializeError(reason));
      return;
    }
    if (this.#active.has(id)) {
      this.#post([TAG.started, id]);
      return;
    }
    const at = this.#inbox.findIndex((waiting, index) => index >= this.#head && waiting?.id === id);
    if (at !== -1) {
      this.#inbox.splice(at, 1);
      this.#post([TAG.dropped, id]);
    } else if (id > this.#maxId) this.#cancelledEarly.add(id);
    // Else it settled: its result is on its way.
  }

  /** Threads: the pool marked this call aborted in shared memory; take the cancel (with its reason) from the port now. */
  pollAbort(call: LoopCall): void {
    if (call.aborted || this.#flags === undefined || !this.#flags.isSet(call.call.id)) return;
    this.#takeMessages?.();
  }

  /** A value from a context's progress(): cloned now (the task may change it next), sent with the results. */
  progress(call: LoopCall, value: unknown, item: number): void {
    if (call.settled) return;
    let sent = value;
    if ((typeof value === 'object' && value !== null) || typeof value === 'function' || typeof value === 'symbol') {
      try {
        sent = structuredClone(value);
      } catch (error) {
        const found = findUncloneable(value, 'value') ?? (error as Error)?.message ?? String(error);
        throw new TaskNotPortableError(
          `Task ${call.label} passed ctx.progress() a value that cannot be cloned to the caller: ${found}. ` +
            'Report plain data (objects, arrays, numbers, strings, typed arrays, Map, Set, Date)',
        );
      }
    }
    this.#outbox.push(call.call.id, PROGRESS, sent, item);
    this.#outboxKeys.push(call.call.key);
    this.#progressWaiting = true;
    // The first value in PROGRESS_FLUSH_MS goes now (a task may report once and then
    // compute for long); the values after it wait for the next turn, or that long, to share a message.
    if (performance.now() - this.#lastProgressFlush >= PROGRESS_FLUSH_MS) this.#flush();
    else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flushSoon);
    }
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
    if (definition.wantsContext === undefined) {
      definition.wantsContext = wantsContext(fn);
      if (!definition.wantsContext) this.#post([TAG.deaf, call.key]);
    }
    const context = definition.wantsContext ? this.#contextOf(call, definition) : undefined;
    const queuedBefore = sampled ? this.#runQueue.read() : undefined;
    const began = performance.now();
    const cpuBefore = sampled ? this.#cpu() : undefined;
    let result: unknown;
    let threw = false;
    this.#inCall = true;
    try {
      if (context !== undefined) result = runWithContext(fn, call.input, batch === 1, context, this.#flags === undefined ? undefined : context.poll);
      else result = batch ? runBatch(fn, call.input as unknown[]) : fn(call.input);
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

  /** The context sink of a call whose task takes one; the pool's cancel finds it by id until it settles. */
  #contextOf(call: InboxCall, definition: TaskDefinition): LoopCall {
    const context = new LoopCall(this, call, definition.label);
    this.#withContext.set(call.id, context);
    return context;
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
    if (this.#withContext.size > 0) {
      const context = this.#withContext.get(call.id);
      if (context !== undefined) {
        context.settled = true;
        this.#withContext.delete(call.id);
        this.#flags?.clear(call.id);
      }
    }
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
    if (this.#progressWaiting) {
      this.#progressWaiting = false;
      this.#lastProgressFlush = performance.now();
    }
    this.#outbox = [TAG.results];
    this.#outboxKeys = [];
    try {
      this.#post(message);
    } catch {
      // A result cannot be cloned (a function, a class instance with private
      // state...). Nothing was sent: send them one by one, and answer the
      // failing ones with TaskNotPortableError; the others go on. Progress
      // values were cloned when reported: they go as they are.
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

/** One call of a task that takes a context: one context per input (a batch item's progress carries its index). */
function runWithContext(fn: (input: unknown, context: CallContext) => unknown, input: unknown, batch: boolean, call: LoopCall, poll: (() => void) | undefined): unknown {
  if (!batch) return fn(input, new CallContext(call, 0, call, poll));
  const results = (input as unknown[]).map((item, k) => fn(item, new CallContext(call, k, call, poll)));
  return results.some(isThenable) ? Promise.all(results) : results;
}

/** A batch (map's chunk): plain values stay synchronous; any promise makes the whole batch one. */
function runBatch(fn: (input: unknown) => unknown, inputs: unknown[]): unknown {
  const results = inputs.map((input) => fn(input));
  return results.some(isThenable) ? Promise.all(results) : results;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
