/**
 * What measuring costs (issue 13: "tiny tasks pay at most 3 %"): tiny `run`
 * on the async backend with measurement on (the default) and off
 * (UNIFIED_EXECUTOR_MEASURE=0 when the executor is created). The async
 * backend is where it costs most: its tiny calls are the cheapest (~5 µs),
 * and it measures on the caller's own thread.
 *
 * Each sample is a fresh process (overhead-probe.ts), the two settings
 * interleaved: in one process, two executors share the JIT's view of the
 * same code, and which ran first moved the figures by ±20 %, ten times the
 * difference sought.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchConfig } from '../config.js';
import { interleaved, progress } from '../harness.js';
import { row, type Row } from '../results.js';

const PROBE = fileURLToPath(new URL('./overhead-probe.ts', import.meta.url));
const run = promisify(execFile);
/** Batches per process, of `config.tiny` tasks each: the median one is the process's figure. */
const BATCHES = 5;

/** The rows' case: kept out of section 1's table, shown in their own. */
export const OVERHEAD_CASE = 'measurement';
export const MEASURED = 'ours async, measured';
export const UNMEASURED = 'ours async, unmeasured';

async function probe(measured: boolean, config: BenchConfig): Promise<number> {
  const env = { ...process.env };
  if (measured) delete env.UNIFIED_EXECUTOR_MEASURE;
  else env.UNIFIED_EXECUTOR_MEASURE = '0';
  const args = ['--import', 'tsx', PROBE, String(config.tiny), String(config.tinyWarmup), String(BATCHES)];
  const { stdout } = await run(process.execPath, args, { env, timeout: 120_000 });
  return (JSON.parse(stdout.trim().split('\n').pop()!) as { rate: number }).rate;
}

export async function measurementOverhead(config: BenchConfig): Promise<Row[]> {
  const settings = [
    { name: MEASURED, measured: true },
    { name: UNMEASURED, measured: false },
  ];
  // Twice the usual repeats: the difference sought (a few %) is near the noise of one process.
  const repeats = config.repeats * 2;
  progress(`measurement overhead: tiny tasks on async, measured and not, ${repeats} fresh processes each`);
  const rates = await interleaved(settings, repeats, (s) => probe(s.measured, config));
  return [...rates].map(([s, samples]) =>
    row({ workload: 'tiny', case: OVERHEAD_CASE, family: 'async', name: s.name, ours: true, metric: 'tasks/s' }, samples),
  );
}
