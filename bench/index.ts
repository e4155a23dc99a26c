/**
 * The benchmark suite (issue 6): every backend beside its raw engine and its
 * peers, the guide's I/O classes, map with automatic chunks, start-up and
 * memory, and the policy's regret. Markdown to stdout; JSON and an SVG chart
 * to bench/results/.
 *
 *   npm run bench               full run (about 8 minutes on 2 cores)
 *   npm run bench -- --quick    every contender once, small sizes (under a minute)
 *   npm run bench -- --runtimes tiny-task throughput per runtime (Node lines, Bun, Deno): bench/runtimes.ts
 *   npm run bench -- --pacing [--quick]  section 7 alone (pacing: no-options cost, rate-limit accuracy)
 *   npm run bench -- --async [--quick]   section 1's async tables alone (issue 19's async figures)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { checkAims } from './aims.js';
import { distributedSection } from './distributed.js';
import { benchConfig } from './config.js';
import { progress } from './harness.js';
import { svgChart } from './output/chart.js';
import { markdownReport, type RunInfo } from './output/markdown.js';
import { policyRegret } from './regret.js';
import { runtimesBench } from './runtimes.js';
import type { Row } from './results.js';
import { ioWorkloads } from './workloads/io.js';
import { measurementOverhead } from './workloads/overhead.js';
import { pacingSection } from './workloads/pacing.js';
import { progressCost } from './workloads/progress.js';
import { poolFamily } from './workloads/pools.js';
import { childPids, childrenGone } from './workloads/proc.js';
import { importWorkload } from './workloads/import.js';
import { payloadWorkload } from './workloads/payload.js';
import { startupWorkload } from './workloads/startup.js';
import { asyncSection } from './workloads/async-section.js';

const quick = process.argv.includes('--quick');
const config = benchConfig(quick);
const resultsDir = new URL('./results/', import.meta.url);

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const began = performance.now();
  const rows: Row[] = [];
  for (const family of ['async', 'thread', 'process'] as const) rows.push(...(await poolFamily(family, config)));
  rows.push(...(await measurementOverhead(config)));
  rows.push(...(await progressCost(config)));
  rows.push(...(await ioWorkloads(config)));
  rows.push(...(await startupWorkload(config)));
  rows.push(...(await importWorkload(config)));
  rows.push(...(await payloadWorkload(config)));
  progress('distributed backend (when redis-server is installed)');
  const scaleOut = await distributedSection(quick);
  const pacing = await pacingSection(config);

  const leftover = await childrenGone();
  if (leftover.length > 0) throw new Error(`Child processes left running after every pool closed: ${leftover.join(', ')}`);

  const regret = await policyRegret(rows, config);
  const aims = checkAims(rows, regret, config);
  const info: RunInfo = {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    node: process.versions.node,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
    loadBefore,
    loadAfter: loadavg(),
    durationS: (performance.now() - began) / 1000,
  };
  // Sections 6 and 7 go after the five local workloads, before 8 (loading), 9 (large inputs), the regret and the aims.
  const section6 = scaleOut && `\n### 6. Scale out: the distributed backend on local Redis\n\n${scaleOut}`;
  const section7 = `\n### 7. Pacing: no cost without the options, and rate-limit accuracy\n\n${pacing}`;
  const local = markdownReport(rows, regret, aims, config, info);
  const anchor = local.includes('\n### 8. ') ? '\n### 8. ' : '\n### Policy regret';
  const report = local.replace(anchor, `${section6 || ''}${section7}${anchor}`);
  process.stdout.write(report);

  // Quick runs never overwrite the committed results of a full run.
  const stem = quick ? 'quick' : 'latest';
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(new URL(`${stem}.json`, resultsDir), JSON.stringify({ info, config, rows, regret, aims }, null, 2) + '\n');
  writeFileSync(new URL(`${stem}.md`, resultsDir), report);
  const subtitle = `${info.date}, Node ${info.node}, ${info.cpus} cores, load ${info.loadBefore[0]!.toFixed(2)} before; ${config.quick ? 'quick mode' : `median of ${config.repeats}`}; blue: ours`;
  writeFileSync(new URL(`${stem}.svg`, resultsDir), svgChart(rows, regret, subtitle));
  progress(`wrote bench/results/${stem}.{json,md,svg}`);
}

try {
  if (process.argv.includes('--runtimes')) await runtimesBench(process.argv.slice(2));
  else if (process.argv.includes('--pacing')) process.stdout.write(await pacingSection(config));
  else if (process.argv.includes('--async')) process.stdout.write(await asyncSection(config));
  else await main();
} finally {
  // Belt and braces: name any child still alive (none should be).
  const alive = childPids();
  if (alive.length > 0) progress(`warning: children still alive: ${alive.join(', ')}`);
}
