/**
 * A backend whose code is loaded on first use: `import('unified-executor')`
 * loads the core and the async backend only, and the pools and the
 * distributed backend are separate chunks (tsup code splitting) that a
 * LazyBackend imports when an executor first needs one. createExecutor stays
 * synchronous: the backend's import starts at once, and what the executor
 * must know before it lands (slots, first capacity, which tasks it refuses)
 * comes from the backend's facts, a small module of its own. The executor
 * holds its calls while `loading` (they count as queued there), so each is
 * handed to the backend itself, and its result reaches the executor as
 * directly as it would without the wrapper (a pool's `taskEnd` must come
 * before its next `taskStart`: pool/worker-pool.ts #onResults).
 *
 *   createExecutor -> LazyBackend(facts, early) -> import(chunk) -> factory(context): the backend
 *     the executor's calls wait for `loading`, then go to the backend
 *     close/destroy before it is there -> the backend is never made
 *
 * `early`: what a backend starts before its code is there (a pool's first
 * workers: pool/head-start.ts), told of calls that come meanwhile, and told
 * when the backend is made or will never be.
 */
import { ExecutorClosedError } from '../errors.js';
import type { TaskBackend } from '../executor.js';
import type { ExecutorOptions } from '../options.js';
import type { Task, TaskFunction } from '../task.js';
import { settleOnAbort } from '../core/task-signal.js';
import type { Backend, BackendContext, BackendFactory, CancelSignal, TaskCall } from './backend.js';

/** What a backend answers before its code is loaded (the same as it answers once it is). */
export interface BackendFacts {
  readonly kind: TaskBackend;
  readonly concurrency: number;
  /** @see Backend.capacity (until the backend is there; it answers itself after). */
  readonly capacity?: number;
  readonly mapWindow?: number;
  readonly reportsStart?: boolean;
  readonly retriesItself?: boolean;
  /** Throws, as the backend's own `accept` would, for a task it can never run. */
  accept(task: Task | TaskFunction): void;
}

/** What a backend starts before its code has loaded (pool/head-start.ts). */
export interface EarlyStart {
  /** A call came while the code loads. */
  demand(): void;
  /** The backend is made and has taken what it wanted of the early start. */
  settle(): void;
  /** The backend will never be made (closed while loading, or its code failed to load). */
  shutdown(): Promise<void>;
}

/**
 * A factory that makes a LazyBackend: `facts` from the executor's options
 * (they throw here for bad ones, so createExecutor still does), `load` the
 * backend's own factory, by dynamic import().
 */
export function lazyBackend(facts: (options: ExecutorOptions) => BackendFacts, load: () => Promise<BackendFactory>): BackendFactory {
  return (context) => new LazyBackend(context, facts(context.options), load);
}

// Required<>: a member added to Backend must be passed on here too, or this does not compile.
export class LazyBackend implements Required<Omit<Backend, 'runNow' | 'loading'>> {
  readonly kind: TaskBackend;
  readonly concurrency: number;
  readonly reportsStart: boolean;
  readonly retriesItself: boolean;
  #facts: BackendFacts;
  #backend: Backend | undefined;
  /** The backend once made; undefined if close() or destroy() came first. */
  #ready: Promise<Backend | undefined>;
  #state: 'open' | 'closed' = 'open';
  /** executor.pause() came before the backend: it is made paused. */
  #paused = false;
  /** @see Backend.loading */
  loading: Promise<void> | undefined;

  #early: EarlyStart | undefined;

  constructor(context: BackendContext, facts: BackendFacts, load: () => Promise<BackendFactory>, early?: EarlyStart) {
    this.#facts = facts;
    this.#early = early;
    this.kind = facts.kind;
    this.concurrency = facts.concurrency;
    this.reportsStart = facts.reportsStart === true;
    this.retriesItself = facts.retriesItself === true;
    // Made as soon as its code is there, not at the first call: a pool starts its minWorkers now, as before.
    this.#ready = load().then(
      (factory) => {
        if (this.#state !== 'open') return undefined;
        this.#backend = factory(context);
        if (this.#paused) this.#backend.pause?.();
        // After the backend's first spawns, which run in microtasks (the pool's grow, the calls handed over below).
        if (early) setImmediate(() => early.settle());
        return this.#backend;
      },
      (error: unknown) => {
        void early?.shutdown();
        throw error;
      },
    );
    // A failed import reaches the calls that come after it (execute); loading, close() and destroy() must not throw it.
    this.loading = this.#ready.then(
      () => void (this.loading = undefined),
      () => void (this.loading = undefined),
    );
  }

  get capacity(): number {
    const backend = this.#backend;
    if (backend === undefined) return this.#facts.capacity ?? this.concurrency;
    return backend.capacity ?? backend.concurrency;
  }

  get mapWindow(): number {
    return this.#backend?.mapWindow ?? this.#facts.mapWindow ?? this.concurrency;
  }

  accept(task: Task | TaskFunction): void {
    if (this.#backend) this.#backend.accept(task);
    else this.#facts.accept(task);
  }

  execute(call: TaskCall, signal: CancelSignal): Promise<unknown> {
    if (this.#backend) return this.#backend.execute(call, signal);
    if (signal.aborted) return Promise.reject(signal.reason);
    const later = this.#ready.then((backend) => {
      if (signal.aborted) return undefined;
      if (backend === undefined) throw new ExecutorClosedError(`Cannot run task ${call.label}: the ${this.kind} backend is closed`);
      return backend.execute(call, signal);
    });
    return settleOnAbort(later, signal);
  }

  awaitsLoad(): void {
    if (this.#backend === undefined) this.#early?.demand();
  }

  pause(): void {
    this.#paused = true;
    this.#backend?.pause?.();
  }

  resume(): void {
    this.#paused = false;
    this.#backend?.resume?.();
  }

  workers(): number {
    return this.#backend?.workers() ?? 0;
  }

  async close(): Promise<void> {
    this.#state = 'closed';
    const backend = await this.#ready.catch(() => undefined);
    await (backend ? backend.close() : this.#early?.shutdown());
  }

  async destroy(): Promise<void> {
    this.#state = 'closed';
    const backend = await this.#ready.catch(() => undefined);
    await (backend ? backend.destroy() : this.#early?.shutdown());
  }
}
