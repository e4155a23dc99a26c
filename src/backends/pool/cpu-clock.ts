/**
 * The CPU time of the thread a worker runs on, for measured traits. Node 20
 * has no `process.threadCpuUsage()`:
 * - on Linux, the thread's own counter (`/proc/thread-self/schedstat`:
 *   nanoseconds on a CPU, first field), in a thread and in a child's main
 *   thread alike: `process.cpuUsage()` would also count the other threads
 *   (in a thread: the parent's; in a fresh child: V8's helper threads, which
 *   made a batch of timer waits read 57 % CPU). It lags up to a scheduler
 *   tick for the reading thread; profiles take medians;
 * - elsewhere: `process.cpuUsage()` in a child, undefined in a thread (the
 *   profile then goes by the call's synchronous time alone).
 */
import { readFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const SCHEDSTAT = '/proc/thread-self/schedstat';

/** Returns a clock: this thread's CPU time so far in ms, or undefined where it cannot be read. */
export function cpuClock(): () => number | undefined {
  const read = () => {
    const text = readFileSync(SCHEDSTAT, 'latin1');
    return Number(text.slice(0, text.indexOf(' '))) / 1e6;
  };
  try {
    read();
    return read;
  } catch {
    if (!isMainThread) return () => undefined;
    return () => {
      const usage = process.cpuUsage();
      return (usage.user + usage.system) / 1000;
    };
  }
}
