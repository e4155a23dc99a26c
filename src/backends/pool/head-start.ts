/**
 * A pool's first workers start when the executor is created, not when the
 * pool's code has loaded (issue 19, start-up). The pool's code is a chunk of
 * its own, imported on first use (backends/lazy-backend.ts); a worker takes
 * tens of ms to boot on its own thread or process, and loading the chunk takes
 * the caller's thread several ms. Started first, the boot and the load overlap,
 * as they do in piscina, whose threads start in its constructor.
 *
 *   createExecutor -> HeadStart: spawner.spawn() x minWorkers (or one, for a call that comes while loading)
 *     each early worker's messages and exit are kept, in order
 *   the pool's code lands -> WorkerSet calls spawn(listener) -> it gets an early worker:
 *     what was kept is handed to the pool's listener, then everything goes straight there
 *   early workers the pool did not take (its first calls were aborted) -> released
 *
 * It is a WorkerSpawner like any other, so the pool neither knows nor cares
 * which of its workers started early.
 */
import type { WorkerMessage } from '../../worker/protocol.js';
import type { WorkerExit, WorkerHandle, WorkerListener, WorkerSpawner } from './worker-handle.js';

export class HeadStart implements WorkerSpawner {
  readonly kind: 'process' | 'thread';
  readonly startHint: string;
  #spawner: WorkerSpawner;
  /** Started early, not yet taken by the pool, oldest first. */
  #early: EarlyWorker[] = [];
  /** The pool has taken over (settle()): no more early starts. */
  #settled = false;
  #shutdown: Promise<void> | undefined;

  constructor(spawner: WorkerSpawner, count: number) {
    this.#spawner = spawner;
    this.kind = spawner.kind;
    this.startHint = spawner.startHint;
    for (let i = 0; i < count; i++) this.#startOne();
  }

  /**
   * A call came before the pool's code: the pool will start a worker for it
   * (it has none below minWorkers), so start one now unless one is starting.
   */
  demand(): void {
    if (!this.#settled && this.#early.length === 0) this.#startOne();
  }

  spawn(listener: WorkerListener): WorkerHandle {
    const early = this.#early.shift();
    if (early === undefined) return this.#spawner.spawn(listener);
    early.adopt(listener);
    return early.handle;
  }

  /**
   * The pool is made and has taken the workers it wanted (its first spawns run
   * in microtasks after it is made): the rest, started for calls that were
   * aborted meanwhile, are released.
   */
  settle(): void {
    this.#settled = true;
    for (const early of this.#early.splice(0)) early.handle.release();
  }

  /** The pool was never made (closed while loading, its code failed to load), or it is shutting down. Once. */
  shutdown(): Promise<void> {
    this.#settled = true;
    for (const early of this.#early.splice(0)) early.handle.kill();
    this.#shutdown ??= this.#spawner.shutdown?.() ?? Promise.resolve();
    return this.#shutdown;
  }

  #startOne(): void {
    const early = new EarlyWorker();
    early.handle = this.#spawner.spawn(early);
    // Not the caller's event loop's to keep until a pool takes it: the import of
    // the pool's code does that meanwhile, and the pool then decides (worker-set.ts).
    early.handle.reference(false);
    this.#early.push(early);
  }
}

type Kept = { message: WorkerMessage; exit?: undefined } | { exit: WorkerExit; message?: undefined };

/** A worker's listener until the pool adopts it: keeps what the worker says. */
class EarlyWorker implements WorkerListener {
  handle!: WorkerHandle;
  #kept: Kept[] = [];
  #listener: WorkerListener | undefined;

  message(handle: WorkerHandle, message: WorkerMessage): void {
    if (this.#listener && this.#kept.length === 0) this.#listener.message(handle, message);
    else this.#kept.push({ message });
  }

  exit(handle: WorkerHandle, exit: WorkerExit): void {
    if (this.#listener && this.#kept.length === 0) this.#listener.exit(handle, exit);
    else this.#kept.push({ exit });
  }

  /**
   * From now on `listener` hears this worker. What was kept reaches it in a
   * microtask: the pool registers the handle spawn() returned first (a worker
   * event arrives in a task of its own, so none can come in between).
   */
  adopt(listener: WorkerListener): void {
    if (this.#kept.length === 0) {
      this.#listener = listener;
      return;
    }
    // Kept events stay ahead of any that come before the microtask runs (none can: see above).
    this.#listener = listener;
    queueMicrotask(() => {
      const kept = this.#kept;
      this.#kept = [];
      for (const event of kept) {
        if (event.exit) listener.exit(this.handle, event.exit);
        else listener.message(this.handle, event.message!);
      }
    });
  }
}
