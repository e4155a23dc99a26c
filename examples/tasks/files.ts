// A task that takes a context (README "Task context"): hashes a file in
// chunks, reports how far it got, and stops when its signal aborts.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { TaskContext } from 'unified-executor';

export interface HashProgress {
  bytes: number;
  total: number;
}

const CHUNK = 1 << 20;
/** Report at most every this many bytes: a value per MiB is plenty for a bar. */
const REPORT_EVERY = 4 * CHUNK;

/**
 * SHA-256 of a file, read synchronously in 1 MiB chunks (a thread's event
 * loop never turns meanwhile). Between chunks it checks ctx.signal: on the
 * thread backend `aborted` turns true at once, through shared memory, even in
 * a loop like this one; it then stops, and its worker is kept.
 */
export function hashFile(path: string, ctx: TaskContext<HashProgress>): string {
  const fd = openSync(path, 'r');
  try {
    const total = fstatSync(fd).size;
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(CHUNK);
    let bytes = 0;
    let reported = 0;
    for (;;) {
      ctx.signal.throwIfAborted();
      const read = readSync(fd, buffer, 0, CHUNK, bytes);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
      bytes += read;
      if (bytes - reported >= REPORT_EVERY || bytes === total) {
        ctx.progress({ bytes, total });
        reported = bytes;
      }
    }
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}
