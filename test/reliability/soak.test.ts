/**
 * The soak in `npm test`, at a reduced size (SOAK_TASKS, default 20,000 per
 * backend; `npm run soak` runs 200,000): results complete and in order, input
 * pulled no further than the map window, heap flat after warm-up, and no
 * handle or process listener left once the executor is closed.
 */
import { describe, expect, it } from 'vitest';
import { describeReport, soak } from './soak-run.js';
import { soakProblems } from './soak-limits.js';

const TOTAL = Number(process.env.SOAK_TASKS ?? 20_000);

describe.each(['async', 'thread', 'process'] as const)('soak on the %s backend', (backend) => {
  it(`${TOTAL} tiny tasks through map: flat heap, bounded pulling, nothing left after close`, { timeout: 120_000 }, async () => {
    const report = await soak(backend, TOTAL);
    process.stdout.write(`[soak] ${describeReport(report)}\n`);
    expect(soakProblems(report, TOTAL)).toEqual([]);
  });
});
