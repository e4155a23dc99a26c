/**
 * What a soak run must show, shared by `npm run soak` and the reduced test.
 * The bounds are generous on purpose: a leak of even a few hundred bytes per
 * task is tens of MiB over 200,000 tasks, far above GC noise.
 */
import type { SoakReport } from './soak-run.js';

/** Heap growth after warm-up allowed across the whole run (noise of GC and JIT). */
const HEAP_GROWTH_LIMIT_MB = 8;

export function soakProblems(report: SoakReport, total: number): string[] {
  const problems: string[] = [];
  if (report.total !== total) problems.push(`${report.total} results for ${total} inputs`);
  if (report.wrongResults > 0) problems.push(`${report.wrongResults} wrong or out-of-order results`);
  // map may pull one chunk (size 1 here) beyond its window.
  if (report.maxAhead > report.window + 1) problems.push(`pulled ${report.maxAhead} inputs ahead (window ${report.window})`);
  if (report.heapGrowthMb > HEAP_GROWTH_LIMIT_MB) problems.push(`heap grew ${report.heapGrowthMb} MiB after warm-up`);
  if (Object.keys(report.leakedResources).length > 0) problems.push(`handles left after close: ${JSON.stringify(report.leakedResources)}`);
  if (Object.keys(report.leakedListeners).length > 0) problems.push(`process listeners left after close: ${JSON.stringify(report.leakedListeners)}`);
  return problems;
}
