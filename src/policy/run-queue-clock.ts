/**
 * How long the calling thread has waited for a CPU so far: Linux's run delay,
 * the second field of /proc/thread-self/schedstat (nanoseconds the thread was
 * runnable but not running). Measured traits subtract it from a call's times:
 * on a busy machine a call that computes is preempted often, and without the
 * correction its CPU share drops below one half and it reads as blocking
 * (measured here: a 5 ms spin beside three busy processes on two cores had a
 * raw CPU share of 0.08 to 0.48, 1.0 once its 4 to 64 ms of queueing is taken out).
 *
 * The field is current when read: the kernel adds each wait when the thread
 * gets a CPU back (sched_info_arrive), unlike the first field, the CPU time,
 * which lags up to a scheduler tick for the thread that reads it.
 *
 * Each read also leaves the first field, the thread's CPU time, in `cpuMs`
 * (pool workers measure both from one read).
 *
 * The file is opened once and re-read at offset 0 (about 1.5 µs, against 20 µs
 * for a readFileSync); the descriptor names the thread that opened it, so a
 * clock belongs to one thread. Off Linux the clock reads undefined.
 */
import { createRequire } from 'node:module';

/**
 * node:fs, required rather than imported: an ES import of it builds its
 * whole namespace, which loads Node's streams (~1.5 ms of the library's import).
 */
const { closeSync, openSync, readSync } = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');

const SPACE = 0x20;
const ZERO = 0x30;
const NINE = 0x39;

export class RunQueueClock {
  #fd: number | undefined;
  #buffer = Buffer.alloc(64);
  #failed = false;
  /** The thread's CPU time at the last read, ms (lags up to a scheduler tick); undefined before one. */
  cpuMs: number | undefined;

  /** The thread's run delay so far, ms; undefined where it cannot be read. */
  read(): number | undefined {
    if (this.#failed) return undefined;
    try {
      this.#fd ??= openSync('/proc/thread-self/schedstat', 'r');
      const buffer = this.#buffer;
      const length = readSync(this.#fd, buffer, 0, buffer.length, 0);
      // Digits by hand: no string per read.
      let cpuNs = 0;
      let i = 0;
      for (; i < length && buffer[i]! >= ZERO && buffer[i]! <= NINE; i++) cpuNs = cpuNs * 10 + (buffer[i]! - ZERO);
      if (i >= length || buffer[i] !== SPACE) return undefined;
      let ns = 0;
      for (i++; i < length; i++) {
        const c = buffer[i]!;
        if (c < ZERO || c > NINE) break;
        ns = ns * 10 + (c - ZERO);
      }
      this.cpuMs = cpuNs / 1e6;
      return ns / 1e6;
    } catch {
      this.#failed = true;
      this.close();
      return undefined;
    }
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
