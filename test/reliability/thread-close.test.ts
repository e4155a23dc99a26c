/**
 * Thread backend: close() after recycling and aborts must resolve. The
 * scenario runs in a child process so that a regression (a synchronous
 * infinite loop in the parent) fails this test instead of freezing the runner.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const script = fileURLToPath(new URL('../fixtures/thread-recycle-close.mjs', import.meta.url));

// Bug: close() spun the parent's main thread at 100 % CPU forever. piscina's
// close() sets `closingUp`, after which `_addNewWorker()` does nothing; when
// a thread then became ready while piscina still held one of our no-op calls
// and our balancer placed it nowhere (every thread retiring under
// maxTasksPerWorker), piscina's `_onWorkerAvailable` looped "spawn a worker,
// try again" without end. Found by the property suite (hung scenarios all had
// maxTasksPerWorker: 1).
it('close() resolves after threads were recycled and a call aborted (30 rounds)', async () => {
  const output = await new Promise<string>((resolve, reject) => {
    // 60 s: the rounds take ~3 s; only a hang comes near it.
    execFile(process.execPath, [script, '30'], { timeout: 60_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
  expect(output.trim()).toBe('ok 30');
}, 70_000);
