/**
 * A worker's outgoing batch (call-loop.ts): results and progress values wait
 * here to share one `results` message, and this is where the rule lives for
 * how long they may wait (API.md "Slots, dispatch ahead, and priority": a
 * finished result is never held behind a call that may run long, and a timed
 * call's start is heard as it happens).
 */
import { TaskNotPortableError } from '../errors.js';
import { serializeError } from './serialize-error.js';
import { findUncloneable } from './cloneable.js';
import { CALL_FLAG, PROGRESS, RESULT_STRIDE, TAG, type ResultsMessage, type WireSample, type WorkerMessage } from './protocol.js';

export type Post = (message: WorkerMessage) => void;

/** Results wait at most this long (ms) for others to share their message (plus the one tiny call that may end it). */
const FLUSH_MS = 0.2;
/**
 * Progress values wait at most this long (ms) for others to share their
 * message, even while a synchronous loop keeps the event loop from turning:
 * a task reporting in a tight loop sends about one message per ms, not one per value.
 */
const PROGRESS_FLUSH_MS = 1;

export class ResultOutbox {
  #post: Post;
  /** A task's label by key, for the error of a value that cannot be cloned. */
  #labelOf: (key: number) => string;
  #message: ResultsMessage = [TAG.results];
  /** The task key of each entry, in order. */
  #keys: number[] = [];
  /** When the oldest result held was recorded, and the inbound message of its call. */
  #since = 0;
  #inbound = 0;
  /** A progress value is held (see progress()). */
  #progressWaiting = false;
  /** When a message last carried progress values. */
  #lastProgressFlush = -Infinity;
  #flushScheduled = false;
  #flushSoon = () => {
    this.#flushScheduled = false;
    this.flush();
  };

  constructor(post: Post, labelOf: (key: number) => string) {
    this.#post = post;
    this.#labelOf = labelOf;
  }

  get empty(): boolean {
    return this.#message.length === 1;
  }

  /** A settled call's result; `inbound`: the `run` message that brought the call. */
  add(id: number, key: number, ok: boolean, value: unknown, sample: 0 | WireSample, inbound: number): void {
    if (this.#message.length === 1) {
      // The oldest result held: how long the outbox may wait counts from it.
      this.#since = performance.now();
      this.#inbound = inbound;
    }
    this.#message.push(id, ok ? 1 : 0, value, sample);
    this.#keys.push(key);
  }

  /** A value from a context's progress(): cloned now (the task may change it next), sent with the results. */
  progress(id: number, key: number, label: string, value: unknown, item: number): void {
    let sent = value;
    if ((typeof value === 'object' && value !== null) || typeof value === 'function' || typeof value === 'symbol') {
      try {
        sent = structuredClone(value);
      } catch (error) {
        const found = findUncloneable(value, 'value') ?? (error as Error)?.message ?? String(error);
        throw new TaskNotPortableError(
          `Task ${label} passed ctx.progress() a value that cannot be cloned to the caller: ${found}. ` +
            'Report plain data (objects, arrays, numbers, strings, typed arrays, Map, Set, Date)',
        );
      }
    }
    this.#message.push(id, PROGRESS, sent, item);
    this.#keys.push(key);
    this.#progressWaiting = true;
    // The first value in PROGRESS_FLUSH_MS goes now (a task may report once and then
    // compute for long); the values after it wait for the next turn, or that long, to share a message.
    if (performance.now() - this.#lastProgressFlush >= PROGRESS_FLUSH_MS) this.flush();
    else this.flushSoon();
  }

  /** On the next turn: calls still pending may settle in this one and share the message. */
  flushSoon(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(this.#flushSoon);
  }

  /**
   * Whether what is held may wait for a call to run (else it goes first, and
   * the pool hears of that call's start as it happens). Only when the call is
   * safe to wait for: no timeout or signal, its task measured tiny (`tiny`),
   * from the same inbound message, and the oldest result not older than FLUSH_MS.
   */
  mayHoldBefore(flags: number, inbound: number, tiny: boolean): boolean {
    if ((flags & CALL_FLAG.timed) !== 0 || inbound !== this.#inbound || !tiny) return false;
    return performance.now() - this.#since < FLUSH_MS;
  }

  flush(): void {
    const message = this.#message;
    if (message.length === 1) return;
    const keys = this.#keys;
    if (this.#progressWaiting) {
      this.#progressWaiting = false;
      this.#lastProgressFlush = performance.now();
    }
    this.#message = [TAG.results];
    this.#keys = [];
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
    const found = findUncloneable(value, 'result') ?? (error as Error)?.message ?? String(error);
    return new TaskNotPortableError(
      `Task ${this.#labelOf(key)} returned a value that cannot be cloned back to the caller: ${found}. ` +
        'Return plain data (objects, arrays, numbers, strings, typed arrays, Map, Set, Date)',
    );
  }
}
