/**
 * The workers of one pool and their lives: starting them (with the crash-loop
 * back-off), which ones take calls, retiring, releasing and ending them,
 * letting idle ones go after `idleTimeout`, and whether they hold the caller's
 * event loop. It knows nothing of calls; worker-pool.ts keeps those.
 */
import type { EventEmitter } from 'eventemitter3';
import type { ExecutorEvents } from '../../executor.js';
import type { PoolSettings } from './pool-settings.js';
import { PoolWorker } from './pool-worker.js';
import { StartBackoff } from './start-backoff.js';
import type { WorkerHandle, WorkerListener, WorkerSpawner } from './worker-handle.js';

export class WorkerSet {
  /** Every worker not yet exited. */
  readonly all = new Map<WorkerHandle, PoolWorker>();
  /** Ready workers that take calls: the dispatch candidates. */
  readonly ready: PoolWorker[] = [];
  starting = 0;
  readonly backoff = new StartBackoff();
  #spawner: WorkerSpawner;
  #settings: PoolSettings;
  #listener: WorkerListener;
  #events: EventEmitter<ExecutorEvents>;
  /** Calls waiting for a worker (the pool's). */
  #waiting: () => number;
  #open = true;
  /** What to check when workers die before they are ready. */
  get startHint(): string {
    return this.#spawner.startHint;
  }

  /** Whether workers hold the event loop: only while calls wait or run. */
  #active = false;
  #retryTimer?: NodeJS.Timeout;
  #idleTimer?: NodeJS.Timeout;
  #exitWaiters: (() => void)[] = [];

  constructor(
    spawner: WorkerSpawner,
    settings: PoolSettings,
    listener: WorkerListener,
    events: EventEmitter<ExecutorEvents>,
    waiting: () => number,
  ) {
    this.#waiting = waiting;
    this.#spawner = spawner;
    this.#settings = settings;
    this.#listener = listener;
    this.#events = events;
  }

  /** Live workers: starting, ready or retiring (not the ones being ended). */
  live(): number {
    let live = 0;
    for (const worker of this.all.values()) if (worker.state !== 'stopping') live++;
    return live;
  }

  /** Workers not ready yet (not stopped). */
  get startingWorkers(): PoolWorker[] {
    const list: PoolWorker[] = [];
    for (const worker of this.all.values()) if (worker.state === 'starting') list.push(worker);
    return list;
  }

  /** Calls already handed to workers that are still starting (they count as demand for more workers). */
  startingLines(): number {
    let calls = 0;
    for (const worker of this.all.values()) if (worker.state === 'starting') calls += worker.line.length;
    return calls;
  }

  /** Workers that may still come: starting ones, and room to start more. */
  coming(): number {
    return this.starting + (this.#open ? Math.max(0, this.#settings.maxWorkers - this.live()) : 0);
  }

  /** Starts workers while waiting calls need more than the starting ones will take, or below minWorkers. */
  grow(): void {
    if (!this.#open) return;
    const { maxWorkers, minWorkers, perWorker } = this.#settings;
    for (;;) {
      const live = this.live();
      const wanted = this.#waiting() > this.starting * perWorker || live < minWorkers;
      if (!wanted || live >= maxWorkers) return;
      if (this.backoff.active) {
        // Backing off: one probe worker at a time, not before its time.
        if (this.starting > 0) return;
        const wait = this.backoff.wait();
        if (wait > 0) {
          this.#retryTimer ??= setTimeout(() => {
            this.#retryTimer = undefined;
            this.grow();
          }, wait);
          return;
        }
      }
      this.#spawn();
    }
  }

  #spawn(): void {
    const handle = this.#spawner.spawn(this.#listener);
    this.all.set(handle, new PoolWorker(handle));
    this.starting++;
    if (!this.#active) handle.reference(false);
    // A thread's id is known only at `ready` (see markReady).
    if (handle.id !== 0 && this.#spawner.kind === 'process') this.#events.emit('workerSpawn', { backend: 'process', id: handle.id });
  }

  /** It said `ready`: it takes calls now. False if it was not starting. */
  markReady(worker: PoolWorker): boolean {
    if (worker.state !== 'starting') return false;
    worker.state = 'ready';
    worker.readyAt = worker.lastHeard = performance.now();
    this.starting--;
    this.backoff.succeeded();
    if (this.#spawner.kind === 'thread') this.#events.emit('workerSpawn', { backend: 'thread', id: worker.handle.id });
    this.ready.push(worker);
    return true;
  }

  /** Takes no new calls; leaves once its line is empty. */
  retire(worker: PoolWorker): void {
    if (worker.state === 'ready' || worker.state === 'starting') worker.state = 'retiring';
    const at = this.ready.indexOf(worker);
    if (at !== -1) this.ready.splice(at, 1);
  }

  /** Graceful: the worker exits once released. */
  release(worker: PoolWorker): void {
    this.retire(worker);
    worker.state = 'stopping';
    worker.handle.release();
  }

  /** Now. Calls it still runs fail when it exits. */
  stop(worker: PoolWorker, reason: string): void {
    this.retire(worker);
    worker.state = 'stopping';
    worker.endedBy ??= reason;
    worker.handle.kill();
  }

  /**
   * A worker exited: forget it. Returns it, and whether that was a failed
   * start (it died before `ready` without being asked to).
   */
  forget(handle: WorkerHandle): { worker: PoolWorker; failedStart: boolean } | undefined {
    const worker = this.all.get(handle);
    if (!worker) return undefined;
    const failedStart = worker.readyAt === 0 && worker.state !== 'stopping';
    if (worker.readyAt === 0) this.starting--;
    this.all.delete(handle);
    this.retire(worker);
    worker.state = 'stopping';
    return { worker, failedStart };
  }

  /** After an exit was handled: wake close()/destroy() once none is left. */
  exited(): void {
    if (this.all.size === 0) for (const resolve of this.#exitWaiters.splice(0)) resolve();
  }

  /** No more workers start; timers stop. */
  shutDown(): void {
    this.#open = false;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#idleTimer);
  }

  async allExited(): Promise<void> {
    if (this.all.size > 0) await new Promise<void>((resolve) => this.#exitWaiters.push(resolve));
    await this.#spawner.shutdown?.();
  }

  /** Idle workers above `minWorkers` leave after `idleTimeout`; one timer serves them all. */
  armIdleTimer(delay = this.#settings.idleTimeout): void {
    if (this.#idleTimer || !Number.isFinite(this.#settings.idleTimeout) || !this.#open) return;
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = undefined;
      this.#sweepIdle();
    }, delay);
    this.#idleTimer.unref();
  }

  #sweepIdle(): void {
    const now = performance.now();
    let live = this.live();
    let next = Number.POSITIVE_INFINITY;
    for (const worker of [...this.ready]) {
      if (worker.line.length > 0 || live <= this.#settings.minWorkers) continue;
      const left = worker.idleSince + this.#settings.idleTimeout - now;
      // 1 ms: timers may fire a hair early relative to performance.now().
      if (left <= 1) {
        this.release(worker);
        live--;
      } else next = Math.min(next, left);
    }
    if (next !== Number.POSITIVE_INFINITY) this.armIdleTimer(next);
  }

  /** Workers hold the caller's event loop only while calls wait or run (like piscina's unref of idle workers). */
  reference(active: boolean): void {
    if (active === this.#active) return;
    this.#active = active;
    for (const worker of this.all.values()) if (worker.state !== 'stopping') worker.handle.reference(active);
  }
}
