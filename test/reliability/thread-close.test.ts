/**
 * Thread backend: close() after recycling and aborts must resolve. The
 * scenario runs in a child process so that a regression (a synchronous
 * infinite loop in the parent) fails this test instead of freezing the runner.
 */
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runScenario } from './scenario-process.js';

const script = fileURLToPath(new URL('../fixtures/thread-recycle-close.mjs', import.meta.url));
/** One round takes well under a second on an idle machine; the bug this guards against never ended one. */
const STALL_MS = 30_000;

// Bug: close() spun the parent's main thread at 100 % CPU forever. piscina's
// close() sets `closingUp`, after which `_addNewWorker()` does nothing; when
// a thread then became ready while piscina still held one of our no-op calls
// and our balancer placed it nowhere (every thread retiring under
// maxTasksPerWorker), piscina's `_onWorkerAvailable` looped "spawn a worker,
// try again" without end. Found by the property suite (hung scenarios all had
// maxTasksPerWorker: 1).
it('close() resolves after threads were recycled and a call aborted (30 rounds)', async () => {
  // A hang is a round that makes no progress, not a slow run: each round
  // starts a dozen threads, ~0.1 s on an idle machine but seconds on a loaded
  // one (two full suites at once took 100 s for the 30 rounds).
  const output = await runScenario(script, ['30'], STALL_MS, (code) => (code === null ? ' (close() hung?)' : ''));
  expect(output.trim().split('\n').at(-1)).toBe('ok 30');
}, 600_000);
