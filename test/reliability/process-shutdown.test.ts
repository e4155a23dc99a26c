/**
 * Process backend: a child the parent lets go of while it is still starting
 * must exit quietly. Found by the soak run (about one close() in twenty).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createExecutor, type WorkerExitEvent } from 'unified-executor';

const lateReady = new URL('../fixtures/late-ready.mjs', import.meta.url).href;

// Bug: the child sends `ready` once it has loaded, guarded by
// `process.connected`; a parent that disconnected a moment before is seen
// only on the child's next event-loop turn, so the write failed with EPIPE,
// emitted as an unhandled 'error' on the child's process: the child died
// with exit code 1 and printed a stack trace on the user's stderr.
it('a child released by close() just before it says ready exits by itself, without an error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ue-late-ready-'));
  const marker = join(dir, 'marker');
  const executor = createExecutor({
    backend: 'process',
    maxWorkers: 1,
    minWorkers: 1,
    execArgv: ['--import', lateReady],
    env: { ...process.env, RELIABILITY_MARKER: marker },
  });
  try {
    const exited = new Promise<WorkerExitEvent>((resolve) => executor.once('workerExit', resolve));
    // The child is between its check and its write (the fixture holds it there for 500 ms).
    while (!existsSync(marker)) await new Promise((resolve) => setTimeout(resolve, 5));
    await executor.close();
    const exit = await exited;
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
  } finally {
    await executor.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});
