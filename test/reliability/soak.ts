/**
 * `npm run soak`: 200,000 tiny tasks through `map` on each backend (override
 * with SOAK_TASKS), heap and RSS sampled after warm-up, handles and listeners
 * compared with the baseline after close. Exits non-zero on a leak, a wrong
 * result or unbounded input pulling. Figures go to RELIABILITY.md.
 */
import { describeReport, soak, type SoakBackend } from './soak-run.js';
import { soakProblems } from './soak-limits.js';

const total = Number(process.env.SOAK_TASKS ?? 200_000);
const backends: SoakBackend[] = ['async', 'thread', 'process'];
let failed = false;
for (const backend of backends) {
  const report = await soak(backend, total);
  console.log(describeReport(report));
  console.log(`  heap MiB: ${report.heapMb.join(' ')}`);
  console.log(`  RSS MiB:  ${report.rssMb.join(' ')}`);
  const problems = soakProblems(report, total);
  for (const problem of problems) console.error(`  PROBLEM: ${problem}`);
  failed ||= problems.length > 0;
}
process.exitCode = failed ? 1 : 0;
