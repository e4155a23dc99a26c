/**
 * One start-up sample, in a fresh process (so neither warm modules nor the
 * heap left by other pools skew it): `node --import tsx startup-probe.ts NAME
 * WORKERS` starts the named pool, times it to its first result, warms it, and
 * prints `{ startupMs, memoryMb }`: this process's RSS growth (threads live in
 * it) plus its child processes' RSS. Every module is imported before the clock starts.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { contenderSpecs } from '../comparators.js';
import { closeAll, feed } from '../harness.js';
import { childPids, childrenGone, rssOfPid } from './proc.js';

// A full GC before each reading, so the figure is live memory, not garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const [name, workersArg] = process.argv.slice(2);
const spec = contenderSpecs.find((s) => s.name === name);
if (!spec) throw new Error(`startup-probe: no contender named ${name}`);
const workers = Number(workersArg);

/** Waits until `count` children run (process pools may fork lazily) or 3 s pass. */
async function childrenUp(count: number): Promise<void> {
  for (let waited = 0; childPids().length < count && waited < 3_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
}

gc();
const baseline = process.memoryUsage().rss;
const began = performance.now();
const contender = spec.create(workers);
try {
  await contender.run('echo', 1);
  const startupMs = performance.now() - began;
  if (spec.family === 'process') await childrenUp(workers);
  // Warm: both workers have run tasks, so both hold the task module and a JIT-warm path.
  await feed(200, (i) => contender.run('echo', i));
  gc();
  const children = childPids().reduce((sum, pid) => sum + rssOfPid(pid), 0);
  const memoryMb = (process.memoryUsage().rss - baseline + children) / 2 ** 20;
  process.stdout.write(JSON.stringify({ startupMs, memoryMb }) + '\n');
} finally {
  await closeAll([contender]);
  const left = await childrenGone();
  if (left.length > 0) process.stderr.write(`startup-probe ${name}: children still alive after close: ${left.join(', ')}\n`);
}
