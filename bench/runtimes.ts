/**
 * `npm run bench -- --runtimes`: tiny-task throughput per runtime of the
 * matrix (scripts/runtimes/runtimes.json), per backend, side by side. Each
 * runtime runs bench/runtimes/tiny-throughput.mjs in a stranger's project that
 * installed the packed package, one runtime after another. Markdown to stdout
 * and bench/results/runtimes.{json,md} (runtimes-quick.* with --quick).
 *
 *   npm run bench -- --runtimes                 20,000 tasks, median of 5, 2 workers
 *   npm run bench -- --runtimes --quick         2,000 tasks, once: proves it runs
 *   npm run bench -- --runtimes --tasks 500     any size
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
// @ts-expect-error plain ESM scripts shared with the CI matrix (no types)
import { makeConsumer } from '../scripts/runtimes/consumer.mjs';
// @ts-expect-error plain ESM scripts shared with the CI matrix (no types)
import { install } from '../scripts/runtimes/install.mjs';
// @ts-expect-error plain ESM scripts shared with the CI matrix (no types)
import { runGroup } from '../scripts/runtimes/run-group.mjs';
import { progress } from './harness.js';

interface Runtime {
  name: string;
  bin: string;
  run: string[];
}
type Backend = 'thread' | 'process' | 'async';
const BACKENDS: Backend[] = ['thread', 'process', 'async'];

export async function runtimesBench(argv: string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const tasks = argv.includes('--tasks') ? Number(argv[argv.indexOf('--tasks') + 1]) : quick ? 2_000 : 20_000;
  const repeats = quick ? 1 : 5;
  // The issue's "pool of 2": one worker per core of the reference machine.
  const workers = 2;
  const runtimes = install() as Runtime[];
  const project = makeConsumer() as string;
  cpSync(fileURLToPath(new URL('./runtimes/', import.meta.url)), project, { recursive: true });
  const loadBefore = loadavg()[0]!;
  const results: { runtime: string; perSecond?: Record<Backend, number>; error?: string }[] = [];
  try {
    for (const runtime of runtimes) {
      progress(`${runtime.name}: ${tasks} tiny tasks x ${repeats}, ${workers} workers`);
      const run = await runGroup(runtime.bin, [...runtime.run, 'tiny-throughput.mjs', String(tasks), String(repeats), String(workers)], {
        cwd: project,
        env: { ...process.env, NO_COLOR: '1' },
        timeoutMs: 10 * 60_000,
        prefix: `  [${runtime.name}] `,
      });
      const line = (run.output as string).split('\n').find((l) => l.startsWith('{"perSecond"'));
      results.push(line ? { runtime: runtime.name, ...JSON.parse(line) } : { runtime: runtime.name, error: `exit code ${run.code}` });
    }
  } finally {
    rmSync(project, { recursive: true, force: true });
  }

  const date = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const k = (n: number | undefined) => (n === undefined ? '—' : `${(n / 1000).toFixed(1)}k`);
  const report = [
    `### Tiny tasks per runtime: \`run\` calls per second (${tasks.toLocaleString('en')} at once, ${workers} workers, median of ${repeats})`,
    '',
    `${date}, ${cpus().length} cores, load ${loadBefore.toFixed(2)} before${quick ? ', quick mode (rough)' : ''}`,
    '',
    `| runtime | ${BACKENDS.join(' | ')} |`,
    `|---|${BACKENDS.map(() => '---:').join('|')}|`,
    ...results.map((r) => `| ${r.runtime} | ${r.error ? BACKENDS.map(() => `failed (${r.error})`).join(' | ') : BACKENDS.map((b) => k(r.perSecond?.[b])).join(' | ')} |`),
    '',
  ].join('\n');
  process.stdout.write(`\n${report}`);
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const stem = quick ? 'runtimes-quick' : 'runtimes';
  writeFileSync(new URL(`${stem}.json`, dir), JSON.stringify({ date, tasks, repeats, workers, loadBefore, results }, null, 2) + '\n');
  writeFileSync(new URL(`${stem}.md`, dir), report);
  progress(`wrote bench/results/${stem}.{json,md}`);
  if (results.some((r) => r.error)) process.exitCode = 1;
}
