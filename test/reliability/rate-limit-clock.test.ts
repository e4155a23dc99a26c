/**
 * The rate limit never leaves a task queued forever, however far apart the
 * limiter's reads of the clock are. The scenario runs in a child process with
 * a clock that moves on every read (test/fixtures/rate-limit-slow-clock.mjs):
 * the real clock, made coarser, not a mock of the executor.
 */
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runScenario } from './scenario-process.js';

const script = fileURLToPath(new URL('../fixtures/rate-limit-slow-clock.mjs', import.meta.url));
/** A round takes ~0.2 s (the clock runs fast, so windows pass sooner); one that hung never ended. */
const STALL_MS = 15_000;

// Bug (issue 21: the pacing contract test on the thread backend timed out
// once at 60 s in a full parallel run; `npm run bench -- --quick` hung once in
// rate-limit accuracy): RateLimiter looked at the budget twice per decision,
// once to choose between waking the held queues and arming the timer, then
// again to tell whether they were held. A token that left the window between
// the two looks (microseconds apart, but a busy machine can take the CPU away
// there) made the second say "not held": no wake, no timer, and with no task
// running or about to start, nothing ever looked again. With a clock that
// moves 1 ms per read, the old code stopped within 25 rounds in 5 runs of 6
// on async (the process exits with code 13: nothing keeps the event loop alive),
// and in the first round in 4 runs of 4 on process (2 of 4 on thread).
it.each([
  { backend: 'async', rounds: 40 },
  { backend: 'process', rounds: 4 },
])('100 rate-limited tasks finish under a clock that moves on every read ($backend, $rounds rounds)', async ({ backend, rounds }) => {
  // 13: the event loop ran dry with the round's promise pending: tasks queued with no timer left to start them.
  const output = await runScenario(script, [String(rounds), '1', backend], STALL_MS, (code) =>
    code === null ? ' (tasks left queued?)' : code === 13 ? ' (tasks left queued with nothing to start them)' : '',
  );
  expect(output.trim().split('\n').at(-1)).toBe(`ok ${rounds}`);
}, 120_000);
