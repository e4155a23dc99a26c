/**
 * Workload 7: what importing the package costs, beside piscina (issue 19:
 * "`import('unified-executor')` no slower than `import('piscina')`"). Each
 * sample is a fresh Node process that loads one package, through `import()`
 * or `require()`, and prints how long that took (wall, ms); the four are
 * interleaved across repeats.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchConfig } from '../config.js';
import { interleaved, progress } from '../harness.js';
import { row, type Row } from '../results.js';

const run = promisify(execFile);
/** The repository: both packages resolve from here (ours by its own name, piscina from node_modules). */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ImportCase {
  name: string;
  ours: boolean;
  specifier: 'unified-executor' | 'piscina';
  /** 'esm': `await import()`; 'cjs': `require()`. */
  how: 'esm' | 'cjs';
}

export const IMPORT_CASES: ImportCase[] = [
  { name: 'ours, import()', ours: true, specifier: 'unified-executor', how: 'esm' },
  { name: 'piscina, import()', ours: false, specifier: 'piscina', how: 'esm' },
  { name: 'ours, require()', ours: true, specifier: 'unified-executor', how: 'cjs' },
  { name: 'piscina, require()', ours: false, specifier: 'piscina', how: 'cjs' },
];

async function probe(c: ImportCase): Promise<number> {
  const load = c.how === 'esm' ? `await import('${c.specifier}')` : `require('${c.specifier}')`;
  const source = `const t = performance.now(); ${load}; console.log(performance.now() - t);`;
  const { stdout } = await run(process.execPath, ['--input-type', c.how === 'esm' ? 'module' : 'commonjs', '-e', source], { cwd: ROOT, timeout: 60_000 });
  return Number(stdout.trim().split('\n').pop());
}

export async function importWorkload(config: BenchConfig): Promise<Row[]> {
  progress(`import cost: ${IMPORT_CASES.length} cases x ${config.importRepeats}, each in a fresh process`);
  const samples = await interleaved(IMPORT_CASES, config.importRepeats, probe);
  return [...samples].map(([c, ms]) =>
    row({ workload: 'import', case: c.how, family: 'thread', name: c.name, ours: c.ours, metric: 'ms' }, ms),
  );
}
