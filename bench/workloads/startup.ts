/**
 * Workload 5: start-up to first result, and resident memory of a warm pool of
 * 2, per pool. Each sample is a fresh process (startup-probe.ts), so each
 * figure is that pool's alone; pools are interleaved across repeats.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchConfig } from '../config.js';
import { contenderSpecs, type ContenderSpec } from '../comparators.js';
import { interleaved, progress } from '../harness.js';
import { row, type Row } from '../results.js';

const PROBE = fileURLToPath(new URL('./startup-probe.ts', import.meta.url));
const run = promisify(execFile);

interface Sample {
  startupMs: number;
  memoryMb: number;
}

async function probe(spec: ContenderSpec, config: BenchConfig): Promise<Sample> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', PROBE, spec.name, String(config.workers)], { timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Sample;
}

export async function startupWorkload(config: BenchConfig): Promise<Row[]> {
  // The async peers start nothing; ours async is kept as the in-process baseline.
  const specs = contenderSpecs.filter((s) => s.family !== 'async' || s.ours);
  progress(`start-up and memory of ${specs.length} pools x ${config.startupRepeats}, each in a fresh process`);
  const samples = await interleaved(specs, config.startupRepeats, (spec) => probe(spec, config));
  const rows: Row[] = [];
  for (const [spec, parsed] of samples) {
    const fields = { workload: 'startup' as const, case: '', family: spec.family, name: spec.name, ours: spec.ours };
    rows.push(row({ ...fields, metric: 'ms' }, parsed.map((s) => s.startupMs)));
    rows.push(row({ ...fields, metric: 'MB' }, parsed.map((s) => s.memoryMb)));
  }
  return rows;
}
