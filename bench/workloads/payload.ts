/**
 * Workload 8: large inputs (issue 19): calls with a 1 MiB Uint8Array input
 * each, copied, on a pool of 2 threads, ours beside piscina. Each sample is
 * a fresh process (payload-probe.ts), the two alternated across repeats.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchConfig } from '../config.js';
import { contenderSpecs } from '../comparators.js';
import { interleaved, progress } from '../harness.js';
import { row, type Row } from '../results.js';

const PROBE = fileURLToPath(new URL('./payload-probe.ts', import.meta.url));
const run = promisify(execFile);
export const PAYLOAD_CONTENDERS = ['ours thread', 'piscina, all at once'];

interface Sample {
  ms: number;
  peakRssMb: number;
}

export async function payloadWorkload(config: BenchConfig): Promise<Row[]> {
  const { calls, warmup, bytes, repeats } = config.payload;
  const specs = contenderSpecs.filter((s) => PAYLOAD_CONTENDERS.includes(s.name));
  progress(`large inputs: ${calls} calls of ${bytes / 2 ** 20} MiB on ${config.workers} threads x ${repeats}, each in a fresh process`);
  const samples = await interleaved(specs, repeats, async (spec) => {
    const args = ['--import', 'tsx', PROBE, spec.name, String(config.workers), String(calls), String(warmup), String(bytes)];
    const { stdout } = await run(process.execPath, args, { timeout: 300_000, maxBuffer: 2 ** 20 });
    return JSON.parse(stdout.trim().split('\n').pop()!) as Sample;
  });
  const rows: Row[] = [];
  for (const [spec, parsed] of samples) {
    const fields = { workload: 'payload' as const, case: '', family: spec.family, name: spec.name, ours: spec.ours };
    rows.push(row({ ...fields, metric: 'tasks/s' }, parsed.map((s) => calls / (s.ms / 1000))));
    rows.push(row({ ...fields, metric: 'MB' }, parsed.map((s) => s.peakRssMb)));
  }
  return rows;
}
