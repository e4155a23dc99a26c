/**
 * Property-based sequences: random interleavings of run, map, abort, timeout,
 * task errors, worker crashes and kills, close and destroy, on every backend.
 * After each sequence every promise has settled with a result or a typed
 * error, the counters add up, and no worker or unhandled error is left.
 * Shrunk counterexamples live on as plain tests in property-regressions.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localBackends } from '../contract/backends-under-test.js';
import { play, scenario } from './sequences.js';

// Sized for the time budget on a loaded two-core machine: pool sequences fork
// workers (and replace killed ones), so they get fewer runs than async.
// RELIABILITY_SCALE=10 runs ten times as many when hunting for bugs.
const SCALE = Number(process.env.RELIABILITY_SCALE ?? 1);
const RUNS = { async: 100 * SCALE, thread: 40 * SCALE, process: 40 * SCALE } as const;

describe.each(localBackends)('random sequences on the $name backend', ({ name }) => {
  it('keep every invariant', { timeout: 120_000 * SCALE }, async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const problems = await play(name, s);
        expect(problems).toEqual([]);
      }),
      { numRuns: RUNS[name], interruptAfterTimeLimit: 60_000 * SCALE },
    );
  });
});
