/**
 * `map` over any backend: pulls inputs lazily, keeps at most `concurrency`
 * items pulled-but-not-yielded (plus the chunk being filled), yields in input
 * order unless `ordered: false`, and on the first error or abort stops
 * pulling, cancels what it started and throws.
 */
import { setMaxListeners } from 'node:events';
import type { MapOptions } from '../executor.js';
import { mapInputProblem } from './run-options.js';
import { follow, unfollow } from './shared-signal.js';

export interface ChunkRunner<I, O> {
  label: string;
  /** The default window: calls the backend keeps in flight. */
  concurrency: number;
  /** An error if the task cannot be submitted at all (closed executor, not portable). */
  check(): Error | undefined;
  /** `index`: the item's place in the input (for `onProgress`). */
  runOne(input: I, signal: AbortSignal, index: number): Promise<O>;
  runChunk(inputs: I[], signal: AbortSignal, first: number): Promise<O[]>;
}

type Outcome<O> = { ok: true; values: O[] } | { ok: false; error: unknown };

interface InFlight<O> {
  size: number;
  outcome: Promise<Outcome<O>>;
  done: boolean;
}

/** Smallest and largest chunk for `chunkSize: 'auto'`. */
const AUTO_MIN = 1;
const AUTO_MAX = 512;
/**
 * 'auto' grows chunks until one chunk takes about this long (ms) to run:
 * long enough that per-message overhead (tens of µs) is amortised, short
 * enough that an abort or an error wastes little work.
 */
const AUTO_TARGET_MS = 4;

export async function* mapTasks<I, O>(
  runner: ChunkRunner<I, O>,
  inputs: Iterable<I> | AsyncIterable<I>,
  options: MapOptions,
): AsyncGenerator<O, void, undefined> {
  const bad = mapInputProblem(inputs, options, runner.label);
  if (bad) throw bad;
  const ordered = options.ordered ?? true;
  const window = options.concurrency ?? runner.concurrency;
  if (!Number.isInteger(window) || window < 1) {
    throw new TypeError(`Expected \`concurrency\` of map(${runner.label}) to be an integer from 1 and up, got \`${String(window)}\``);
  }
  const requested = options.chunkSize ?? 1;
  if (requested !== 'auto' && !(Number.isInteger(requested) && requested >= 1)) {
    throw new TypeError(`Expected \`chunkSize\` of map(${runner.label}) to be an integer from 1 and up or 'auto', got \`${String(requested)}\``);
  }
  const refused = runner.check();
  if (refused) throw refused;

  const controller = new AbortController();
  // Every task in flight listens on this one signal: up to `window` listeners
  // is expected, not a leak (Node warns past 10 by default).
  setMaxListeners(0, controller.signal);
  const userSignal = options.signal;
  const onAbort = { handleEvent: () => controller.abort(userSignal!.reason) };
  if (userSignal?.aborted) throw userSignal.reason;
  if (userSignal) follow(userSignal, onAbort);

  const iterator =
    Symbol.asyncIterator in inputs
      ? (inputs as AsyncIterable<I>)[Symbol.asyncIterator]()
      : (inputs as Iterable<I>)[Symbol.iterator]();
  let exhausted = false;
  let chunkSize = requested === 'auto' ? AUTO_MIN : requested;
  const adaptive = requested === 'auto';

  const inFlight: InFlight<O>[] = [];
  let pulled = 0; // items pulled and not yet yielded

  let nextIndex = 0; // the input index of the next item pulled
  const start = (chunk: I[]) => {
    const began = performance.now();
    const first = nextIndex;
    nextIndex += chunk.length;
    const promise =
      chunk.length === 1 && chunkSize === 1
        ? runner.runOne(chunk[0]!, controller.signal, first).then((v) => [v])
        : runner.runChunk(chunk, controller.signal, first);
    const entry: InFlight<O> = {
      size: chunk.length,
      done: false,
      outcome: promise.then(
        (values) => {
          entry.done = true;
          if (adaptive) chunkSize = nextAutoChunk(chunkSize, performance.now() - began);
          return { ok: true, values } as const;
        },
        (error) => {
          entry.done = true;
          return { ok: false, error } as const;
        },
      ),
    };
    inFlight.push(entry);
    pulled += chunk.length;
  };

  try {
    while (true) {
      // Fill the window: never more than `window` items pulled-but-unyielded, plus one chunk.
      while (!exhausted && pulled < window && !controller.signal.aborted) {
        const chunk: I[] = [];
        while (chunk.length < chunkSize) {
          const next = await iterator.next();
          if (next.done) {
            exhausted = true;
            break;
          }
          chunk.push(next.value);
        }
        if (chunk.length > 0) start(chunk);
      }
      if (controller.signal.aborted) throw controller.signal.reason;
      if (inFlight.length === 0) return;

      let entry: InFlight<O>;
      let outcome: Outcome<O>;
      if (ordered) {
        entry = inFlight[0]!;
        outcome = await entry.outcome;
      } else {
        [entry, outcome] = await Promise.race(inFlight.map((e) => e.outcome.then((o) => [e, o] as const)));
      }
      inFlight.splice(inFlight.indexOf(entry), 1);
      if (!outcome.ok) throw outcome.error;
      pulled -= entry.size;
      for (const value of outcome.values) yield value;
    }
  } finally {
    if (userSignal) unfollow(userSignal, onAbort);
    // On error, abort, or a consumer that stopped early: cancel what is still
    // running and wait for it, so nothing outlives the loop.
    if (inFlight.some((e) => !e.done)) {
      controller.abort(new Error(`map(${runner.label}) stopped`));
      await Promise.all(inFlight.map((e) => e.outcome));
    }
    if (!exhausted) await iterator.return?.();
  }
}

function nextAutoChunk(current: number, chunkMs: number): number {
  if (chunkMs < AUTO_TARGET_MS / 2) return Math.min(AUTO_MAX, current * 2);
  if (chunkMs > AUTO_TARGET_MS * 2) return Math.max(AUTO_MIN, Math.floor(current / 2));
  return current;
}
