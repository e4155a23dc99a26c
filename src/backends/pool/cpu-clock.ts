/**
 * The CPU time of the thread a worker runs on, for measured traits. Node 20
 * has no `process.threadCpuUsage()`:
 * - in a child process, `process.cpuUsage()` (the whole process: its main
 *   thread runs the tasks; V8's and libuv's helper threads add a little);
 * - in a worker thread, `process.cpuUsage()` would count the parent and every
 *   other thread, so Linux's per-thread counter is read instead
 *   (`/proc/thread-self/schedstat`: nanoseconds on a CPU, first field);
 * - elsewhere (a thread off Linux): undefined, and the profile goes by the
 *   call's synchronous time alone.
 */
import { readFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const SCHEDSTAT = '/proc/thread-self/schedstat';

/** Returns a clock: this thread's CPU time so far in ms, or undefined where it cannot be read. */
export function cpuClock(): () => number | undefined {
  if (isMainThread) {
    return () => {
      const usage = process.cpuUsage();
      return (usage.user + usage.system) / 1000;
    };
  }
  const read = () => {
    const text = readFileSync(SCHEDSTAT, 'latin1');
    return Number(text.slice(0, text.indexOf(' '))) / 1e6;
  };
  try {
    read();
    return read;
  } catch {
    return () => undefined;
  }
}
