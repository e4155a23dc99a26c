/**
 * Section 1's async family alone (`npm run bench -- --async [--quick]`): the
 * two async tables (a plain value, and PROMISE_CASE), same sizes and repeats
 * as the full run, in a minute or so instead of the whole bench. Each row's
 * median, and ours against raw p-queue in the same run.
 */
import type { BenchConfig } from '../config.js';
import { loadavg } from 'node:os';
import { poolFamily, PROMISE_CASE } from './pools.js';

export async function asyncSection(config: BenchConfig): Promise<string> {
  const load = loadavg()[0]!.toFixed(2);
  const rows = (await poolFamily('async', config)).filter((r) => r.workload !== 'cpu');
  const pq = (which: string) => rows.find((r) => r.workload === 'tiny' && r.case === which && r.name.startsWith('p-queue'))?.summary.median;
  const lines = [
    `### Async family: ${config.asyncTiny} tiny tasks, median of ${config.repeats} (load ${load} before, ${loadavg()[0]!.toFixed(2)} after)`,
    '',
    '| workload | case | contender | tasks/s (median) | vs p-queue, same case |',
    '|---|---|---|---:|---:|',
  ];
  for (const r of rows) {
    const peer = r.workload === 'tiny' ? pq(r.case) : undefined;
    const ratio = peer === undefined ? '' : `${(r.summary.median / peer).toFixed(2)}x`;
    lines.push(`| ${r.workload} | ${r.case || 'plain value'} | ${r.name} | ${Math.round(r.summary.median).toLocaleString('en-US')} | ${ratio} |`);
  }
  return `${lines.join('\n')}\n\n(${PROMISE_CASE}: \`async (x) => x\`, ours and raw p-queue only.)\n`;
}
