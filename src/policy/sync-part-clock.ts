/**
 * The clocks read around a sampled call's synchronous part, the same on the
 * async backend (the caller's thread) and in a pool's worker (call loop): the
 * thread's wait for a CPU (RunQueueClock), which profiles take out of the
 * call's times, and a CPU clock the caller picks (the process's time on the
 * async backend, the thread's own in a worker). Only sampled calls read them:
 * an unsampled call pays nothing here.
 */
import { RunQueueClock } from './run-queue-clock.js';

/** The clocks as they read before a synchronous part; undefined where one cannot be read. */
export interface ClockStart {
  readonly queuedMs: number | undefined;
  readonly cpuMs: number | undefined;
}

export class SyncPartClock {
  /** This thread's wait for a CPU so far (one clock per thread: see RunQueueClock). */
  readonly runQueue: RunQueueClock;
  readonly #cpuMs: () => number | undefined;

  /** `cpuMs`: the CPU time so far, ms, or undefined where it cannot be read. */
  constructor(cpuMs: (runQueue: RunQueueClock) => () => number | undefined, runQueue = new RunQueueClock()) {
    this.runQueue = runQueue;
    this.#cpuMs = cpuMs(runQueue);
  }

  /** Before the synchronous part. */
  start(): ClockStart {
    return { queuedMs: this.runQueue.read(), cpuMs: this.#cpuMs() };
  }

  /** The thread's wait for a CPU since `start`, ms (0 where it cannot be read, or for no start: an unsampled call). */
  queuedSince(start: ClockStart | undefined): number {
    if (start?.queuedMs === undefined) return 0;
    const now = this.runQueue.read();
    return now === undefined ? 0 : Math.max(0, now - start.queuedMs);
  }

  /** CPU time since `start`, ms; undefined where it cannot be read (or for no start). */
  cpuSince(start: ClockStart | undefined): number | undefined {
    if (start?.cpuMs === undefined) return undefined;
    const now = this.#cpuMs();
    return now === undefined ? undefined : now - start.cpuMs;
  }

  close(): void {
    this.runQueue.close();
  }
}
