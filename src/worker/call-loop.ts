/**
 * The worker side of a pool, the same in a thread and in a child process: it
 * takes calls in the order the pool sent them, runs at most `perWorker` at
 * once, and sends results back in batches.
 *
 *   [run ...calls] -> inbox (FIFO) -> start while fewer than perWorker run -> task function
 *   results -> outbox (result-outbox.ts) -> one `results` message: at the end of a pump, or
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
 * safe to batch: not timed, of a task measured tiny and not seen long lately
 * (task-speed.ts), from the same inbound `run` message as the first result
 * held, within FLUSH_MS of that result (result-outbox.ts). What remains: a
 * task measured tiny whose next call suddenly runs long, without a timeout or
 * signal, holds the results of the calls that ended in the FLUSH_MS before it,
 * until it ends; once per task and worker, as that call marks the task seen
 * long (README "Calls sent ahead").
 */
import { deserializeError, serializeError } from './serialize-error.js';
import { loadTaskFunction, loadedTaskFunction } from './task-loader.js';
import { RunQueueClock } from '../policy/run-queue-clock.js';
import { SyncPartClock, type ClockStart } from '../policy/sync-part-clock.js';
import { cpuClock } from './cpu-clock.js';
import { CALL_FLAG, RUN_STRIDE, TAG, type PoolMessage, type WireSample } from './protocol.js';
import { wantsContext } from '../core/task-context.js';
import type { AbortFlags } from './abort-flags.js';
import { isThenable, LoopCall, runBatch, runWithContext, type InboxCall, type LoopCallHost } from './loop-call.js';
import { ResultOutbox, type Post } from './result-outbox.js';
import { TaskSpeed, ThreadWaits } from './task-speed.js';

export type { Post } from './result-outbox.js';

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
  /** Whether results may wait for its next call: measured tiny, not seen long lately. */
  speed: TaskSpeed;
}

export class CallLoop implements LoopCallHost {
  #post: Post;
  #perWorker: number;
  #definitions: TaskDefinition[] = [];
  #inbox: InboxCall[] = [];
  #head = 0;
  /** Calls started and not settled (promises pending). */
  #active = new Set<number>();
  #outbox: ResultOutbox;
  /** Inbound `run` messages so far. */
  #messages = 0;
  #pumping = false;
  /** executor.pause(): calls wait in the inbox until `resume`. */
  #paused = false;
  /** This thread's wait for a CPU: a busy machine must not make a computing call look blocked. */
  #runQueue = new RunQueueClock();
  /**
   * Inside a task function's synchronous part. Still true when this thread
   * runs anything else means the runtime cut the call short without an
   * exception: Deno does that to a thread's task that runs out of heap.
   */
  #inCall = false;
  /** A sampled call's clocks: the run queue's, and this thread's CPU time. */
  #clock = new SyncPartClock(cpuClock, this.#runQueue);
  /** This thread's wait for a CPU during a call: a call that looks long may only have been stopped by the OS. */
  #waits = new ThreadWaits(this.#runQueue);

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
    this.#outbox = new ResultOutbox(post, (key) => this.#definitions[key]?.label ?? 'unknown');
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
        this.#definitions[message[1]] = { module: message[2], name: message[3], label: message[4], calls: 0, speed: new TaskSpeed() };
        break;
      case TAG.drop:
        this.#drop(message.slice(1) as number[]);
        break;
      case TAG.pause:
        // The pool learns starts from results: it hears the results first, then which calls run.
        this.#paused = true;
        this.#outbox.flush();
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
    this.#outbox.progress(call.call.id, call.call.key, call.label, value, item);
  }

  /** Starts waiting calls while slots are free; sends the results at the end. */
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    const inbox = this.#inbox;
    while (!this.#paused && this.#active.size < this.#perWorker && this.#head < inbox.length) {
      const call = inbox[this.#head]!;
      inbox[this.#head++] = undefined as unknown as InboxCall;
      if (!this.#outbox.empty && !this.#mayHoldResultsBefore(call)) this.#outbox.flush();
      this.#start(call);
    }
    if (this.#head === inbox.length) {
      inbox.length = 0;
      this.#head = 0;
    }
    this.#pumping = false;
    if (this.#outbox.empty) return;
    // Nothing else running: the results go now. Otherwise calls still pending
    // may settle in this same turn and share the message.
    if (this.#active.size === 0) this.#outbox.flush();
    else this.#outbox.flushSoon();
  }

  /**
   * Whether the results in the outbox may wait for `next` to run (else they go
   * first, and the pool hears of next's start as it happens). Only when next is
   * safe to wait for: no timeout or signal, its task measured tiny, from the
   * same inbound message, and the oldest result not older than FLUSH_MS.
   */
  #mayHoldResultsBefore(next: InboxCall): boolean {
    return this.#outbox.mayHoldBefore(next.flags, next.message, this.#definitions[next.key]!.speed.tiny(next.flags & CALL_FLAG.batch));
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
          this.#outbox.flush();
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
    const clocks = sampled ? this.#clock.start() : undefined;
    const began = performance.now();
    this.#waits.callStarts(began);
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
    definition.speed.record(batch, syncMs, this.#waits);
    if (threw) {
      this.#record(call, false, serializeError(result), syncMs, syncMs, clocks, sampled, this.#clock.queuedSince(clocks));
      return;
    }
    if (!isThenable(result)) {
      this.#record(call, true, result, syncMs, syncMs, clocks, sampled, this.#clock.queuedSince(clocks));
      return;
    }
    const queuedMs = this.#clock.queuedSince(clocks);
    this.#active.add(call.id);
    result.then(
      (value) => this.#settled(call, true, value, began, clocks, syncMs, sampled, queuedMs),
      (error: unknown) => this.#settled(call, false, serializeError(error), began, clocks, syncMs, sampled, queuedMs),
    );
  }

  /** The context sink of a call whose task takes one; the pool's cancel finds it by id until it settles. */
  #contextOf(call: InboxCall, definition: TaskDefinition): LoopCall {
    const context = new LoopCall(this, call, definition.label);
    this.#withContext.set(call.id, context);
    return context;
  }

  #settled(call: InboxCall, ok: boolean, value: unknown, began: number, clocks: ClockStart | undefined, syncMs: number, sampled = false, queuedMs = 0): void {
    this.#active.delete(call.id);
    this.#record(call, ok, value, performance.now() - began, syncMs, clocks, sampled, queuedMs);
    this.#pump();
  }

  /** A settled call's result into the outbox (`runMs`: from its start to now). */
  #record(
    call: InboxCall,
    ok: boolean,
    value: unknown,
    runMs: number,
    syncMs: number,
    clocks: ClockStart | undefined,
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
      sample = [runMs, syncMs, this.#clock.cpuSince(clocks), queuedMs];
    }
    this.#outbox.add(call.id, call.key, ok, value, sample, call.message);
  }
}
