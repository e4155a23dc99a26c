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

/**
 * Start-up to first result in a plain `node` process, as an app runs in
 * production: section 5 runs its probe under `--import tsx`, where every
 * module a pool loads after start passes tsx's loader hooks (ours loads its
 * pool's code on first use; the peers' code is loaded before the clock). Here
 * everything is imported before the clock too, and the clock runs from
 * creating the pool of 2 to the first result of a tiny task. Then 20 more
 * calls, so no thread is ended while it still loads its entry (a Node 20
 * abort in piscina's worker), and the pool is closed.
 */
export interface StartupCase {
  name: string;
  ours: boolean;
  family: 'thread' | 'process';
  source: string;
}

const WORK = JSON.stringify(new URL('../tasks/work.mjs', import.meta.url).href);
const FORK_CHILD = JSON.stringify(fileURLToPath(new URL('../process/fork-child.mjs', import.meta.url)));
const timed = (create: string, first: string, warm: string, close: string) =>
  `${create}; await ${first}; const ms = performance.now() - t; for (let i = 0; i < 20; i++) await ${warm}; await ${close}; console.log(ms);`;

export const STARTUP_CASES: StartupCase[] = [
  {
    name: 'ours thread',
    ours: true,
    family: 'thread',
    source:
      `const { createExecutor, defineTask } = await import('unified-executor'); const task = defineTask(${WORK}, 'default'); const t = performance.now(); ` +
      timed(`const e = createExecutor({ backend: 'thread', minWorkers: 2, maxWorkers: 2 })`, 'e.run(task, 1)', 'e.run(task, i)', 'e.close()'),
  },
  {
    name: 'piscina, all at once',
    ours: false,
    family: 'thread',
    source:
      `const { Piscina } = await import('piscina'); const t = performance.now(); ` +
      timed(`const p = new Piscina({ filename: ${WORK}, minThreads: 2, maxThreads: 2 })`, "p.run(1, { name: 'default' })", "p.run(i, { name: 'default' })", 'p.close()'),
  },
  {
    name: 'ours process',
    ours: true,
    family: 'process',
    source:
      `const { createExecutor, defineTask } = await import('unified-executor'); const task = defineTask(${WORK}, 'default'); const t = performance.now(); ` +
      timed(`const e = createExecutor({ backend: 'process', minWorkers: 2, maxWorkers: 2 })`, 'e.run(task, 1)', 'e.run(task, i)', 'e.close()'),
  },
  {
    // bench/peers/fork-pool.ts in a few lines: children forked at once, requests by id, round robin.
    name: 'fork pool (floor)',
    ours: false,
    family: 'process',
    source:
      "const { fork } = await import('node:child_process'); const t = performance.now(); " +
      timed(
        `const kids = [0, 1].map(() => fork(${FORK_CHILD}, [], { serialization: 'advanced', execArgv: [] })); let next = 0; ` +
          "const call = (input) => new Promise((resolve) => { const kid = kids[next++ % 2]; kid.once('message', ([, value]) => resolve(value)); kid.send([0, 'echo', input]); })",
        'call(1)',
        'call(i)',
        'Promise.all(kids.map((kid) => new Promise((resolve) => { kid.once(\'exit\', resolve); kid.disconnect(); })))',
      ),
  },
];

async function startupProbe(c: StartupCase): Promise<number> {
  const { stdout } = await run(process.execPath, ['--input-type', 'module', '-e', c.source], { cwd: ROOT, timeout: 60_000 });
  return Number(stdout.trim().split('\n').pop());
}

export async function importWorkload(config: BenchConfig): Promise<Row[]> {
  progress(`import cost: ${IMPORT_CASES.length} cases x ${config.importRepeats}, each in a fresh process`);
  const samples = await interleaved(IMPORT_CASES, config.importRepeats, probe);
  const rows = [...samples].map(([c, ms]) =>
    row({ workload: 'import', case: c.how, family: 'thread', name: c.name, ours: c.ours, metric: 'ms' }, ms),
  );
  progress(`start-up under plain node: ${STARTUP_CASES.length} pools x ${config.importRepeats}, each in a fresh process`);
  const startups = await interleaved(STARTUP_CASES, config.importRepeats, startupProbe);
  for (const [c, ms] of startups) {
    rows.push(row({ workload: 'import', case: `startup-${c.family}`, family: c.family, name: c.name, ours: c.ours, metric: 'ms' }, ms));
  }
  return rows;
}
