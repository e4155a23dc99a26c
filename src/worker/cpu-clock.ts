/**
 * The CPU time of the thread a worker runs on, for measured traits. Node 20
 * has no `process.threadCpuUsage()`:
 * - on Linux, the thread's own counter (`/proc/thread-self/schedstat`:
 *   nanoseconds on a CPU, first field), in a thread and in a child's main
 *   thread alike: `process.cpuUsage()` would also count the other threads
 *   (in a thread: the parent's; in a fresh child: V8's helper threads, which
 *   made a batch of timer waits read 57 % CPU). It lags up to a scheduler
 *   tick for the reading thread; profiles take medians. It is the same read
 *   as the run delay's (RunQueueClock), so one file descriptor, no string;
 * - elsewhere: `process.cpuUsage()` in a child, undefined in a thread (the
 *   profile then goes by the call's synchronous time alone).
 */
import type { RunQueueClock } from '../policy/run-queue-clock.js';
import { workerThreads } from './builtins.js';

/** Returns a clock: this thread's CPU time so far in ms, or undefined where it cannot be read. */
export function cpuClock(schedstat: RunQueueClock): () => number | undefined {
  // Off Linux only: a pool's child loads worker_threads to ask (builtins.ts).
  let mainThread: boolean | undefined;
  return () => {
    if (schedstat.read() !== undefined) return schedstat.cpuMs;
    mainThread ??= workerThreads().isMainThread;
    if (!mainThread) return undefined;
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  };
}
