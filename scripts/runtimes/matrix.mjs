// The runtime matrix, one runtime after another (two cores: two suites at once
// would only slow both and make timing-sensitive tests flaky):
//
//   each Node line   the full vitest suite, run by that Node, then the portable suite
//   Bun, Deno        the portable suite (test/runtimes/portable.mjs): vitest runs on Node only
//
// The portable suite runs in a stranger's project that installed the packed
// tarball. Each runtime's pass count is printed as it ends and again in the
// summary; the README's runtime table is then checked against what the
// portable suite measured (table.mjs). Exits 1 if anything failed.
//
//   node scripts/runtimes/matrix.mjs                  everything (CI)
//   node scripts/runtimes/matrix.mjs --only deno,bun  some runtimes (by kind or name: node-22, node)
//   node scripts/runtimes/matrix.mjs --portable       the portable suite only, on every runtime
//   ... --write-table                                 rewrite the README's table instead of checking it
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeConsumer } from './consumer.mjs';
import { install } from './install.mjs';
import { runGroup } from './run-group.mjs';
import { checkTable, writeTable } from './table.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : undefined;
const portableOnly = args.includes('--portable');
/** Generous: the full suite takes ~90 s idle, several times that on a busy machine. */
const FULL_SUITE_MS = 15 * 60_000;
const PORTABLE_MS = 5 * 60_000;

const selected = (runtime) =>
  !only || only.some((name) => name === runtime.kind || runtime.name.replace(' ', '-').startsWith(name) || runtime.name === name);
const stripAnsi = (text) => text.replace(/\x1b\[[0-9;]*m/g, '');

/** vitest's closing "Tests  2 failed | 637 passed | 1 skipped (640)". */
function vitestCounts(output) {
  const line = stripAnsi(output).split('\n').reverse().find((l) => /^\s*Tests\s/.test(l));
  if (!line) return undefined;
  const count = (word) => Number(line.match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0);
  return { passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
}

/** The portable suite's closing "63 passed, 0 failed". */
function portableCounts(output) {
  const match = stripAnsi(output).match(/^(\d+) passed, (\d+) failed$/m);
  return match ? { passed: Number(match[1]), failed: Number(match[2]), skipped: 0 } : undefined;
}

const runtimes = install(selected);
console.log(`runtime matrix: ${runtimes.map((r) => r.name).join(', ')}${portableOnly ? ' (portable suite only)' : ''}`);
execFileSync('npm', ['run', 'build:quiet', '--silent'], { cwd: ROOT, stdio: 'inherit' });
const project = makeConsumer();
const traitsDir = mkdtempSync(join(tmpdir(), 'unified-executor-traits-'));
const results = [];

for (const runtime of runtimes) {
  // Children that run `node` or `npm` (a test's fork, package.test.ts) get this runtime's Node.
  const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', PATH: `${dirname(runtime.bin)}:${process.env.PATH}` };
  if (runtime.kind === 'node' && !portableOnly) {
    console.log(`\n=== ${runtime.name}: full suite`);
    const started = Date.now();
    const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
    const run = await runGroup(runtime.bin, [vitest, 'run', '--reporter=dot'], { cwd: ROOT, env, timeoutMs: FULL_SUITE_MS });
    results.push({ runtime, suite: 'full', ...summarise(run, vitestCounts(run.output), started) });
  }
  console.log(`\n=== ${runtime.name}: portable suite of the packed package`);
  const started = Date.now();
  const traits = join(traitsDir, `${runtime.kind}-${runtime.version}.json`);
  const run = await runGroup(runtime.bin, [...runtime.run, 'portable.mjs', '--traits', traits], { cwd: project, env, timeoutMs: PORTABLE_MS });
  results.push({ runtime, suite: 'portable', ...summarise(run, portableCounts(run.output), started) });
}

function summarise(run, counts, started) {
  const seconds = Math.round((Date.now() - started) / 1000);
  // No closing line, a non-zero exit or a watchdog kill is a failure whatever was counted.
  const ok = !!counts && counts.failed === 0 && counts.passed > 0 && run.code === 0 && !run.timedOut;
  const result = { counts: counts ?? { passed: 0, failed: 0, skipped: 0 }, ok, seconds, code: run.code, timedOut: run.timedOut };
  console.log(`--- ${ok ? 'ok' : 'FAILED'}: ${describe(result)}`);
  return result;
}

function describe({ counts, seconds, code, timedOut }) {
  return `${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''} in ${seconds} s` +
    (timedOut ? ' (killed by the watchdog)' : code !== 0 ? ` (exit code ${code})` : '');
}

console.log('\n=== runtime matrix: pass counts');
for (const { runtime, suite, ok, ...result } of results) {
  console.log(`${ok ? 'ok    ' : 'FAILED'} ${runtime.name.padEnd(14)} ${suite.padEnd(9)} ${describe(result)}`);
}
let tableOk = true;
if (args.includes('--write-table')) {
  writeTable(traitsDir, runtimes);
  console.log('README runtime table: rewritten from what the portable suite measured');
} else if (!only) {
  tableOk = checkTable(traitsDir, runtimes);
  console.log(tableOk ? 'README runtime table: matches what the portable suite measured' : 'README runtime table: out of date (see above)');
}
rmSync(project, { recursive: true, force: true });
rmSync(traitsDir, { recursive: true, force: true });
const passed = results.reduce((sum, r) => sum + r.counts.passed, 0);
const failed = results.reduce((sum, r) => sum + r.counts.failed, 0) + results.filter((r) => !r.ok && r.counts.failed === 0).length;
console.log(`matrix: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && tableOk ? 0 : 1);
