/**
 * A trace of cold starts (issue 19: "where do the extra ms of start-up go?"),
 * not part of `npm run bench`. Each sample is a fresh process; the variants
 * alternate, and the medians are printed:
 *
 *   node --import tsx bench/workloads/startup-trace.ts thread|process [repeats]
 *
 * - `ours`: create -> first worker (workerSpawn: a child at its fork, a thread
 *   at its `ready`) -> first taskStart -> first result, as startup-probe.ts times it;
 * - `ours, code loaded`: the same, after the pool's lazily loaded code (and
 *   piscina) was loaded before the clock, by an executor made and closed with
 *   no worker: the difference to `ours` is that loading;
 * - the peer of startup-probe.ts (piscina, or the fork pool).
 *
 * Under `--import tsx` (as the bench runs) every module imported after start
 * passes tsx's loader hooks, on their own thread: the lazy load costs more
 * here than in an app run by plain node.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createExecutor, defineTask } from 'unified-executor';
import { contenderSpecs } from '../comparators.js';
import { closeAll } from '../harness.js';

const SELF = fileURLToPath(import.meta.url);
const work = new URL('../tasks/work.mjs', import.meta.url);
type Kind = 'thread' | 'process';
const PEER: Record<Kind, string> = { thread: 'piscina, all at once', process: 'fork pool (floor)' };
const VARIANTS = ['ours', 'ours, code loaded', 'peer'] as const;
type Phases = Record<string, number>;

/** One cold start in this process; prints its phases (ms from create). */
async function one(kind: Kind, variant: (typeof VARIANTS)[number]): Promise<void> {
  if (variant === 'peer') {
    const spec = contenderSpecs.find((s) => s.name === PEER[kind])!;
    const began = performance.now();
    const contender = spec.create(2);
    await contender.run('echo', 1);
    const phases: Phases = { 'first result': performance.now() - began };
    await closeAll([contender]);
    process.stdout.write(JSON.stringify(phases) + '\n');
    return;
  }
  const echo = defineTask<(n: number) => number>(work);
  if (variant === 'ours, code loaded') {
    // minWorkers 0 and no call: no worker starts; close() waits for the backend's code to load.
    await createExecutor({ backend: kind, maxWorkers: 1, minWorkers: 0, execArgv: [] }).close();
  }
  const phases: Phases = {};
  const began = performance.now();
  const mark = (name: string) => void (phases[name] ??= performance.now() - began);
  const executor = createExecutor({ backend: kind, maxWorkers: 2, minWorkers: 2, execArgv: [] });
  executor.on('workerSpawn', () => mark('first workerSpawn'));
  executor.on('taskStart', () => mark('first taskStart'));
  await executor.run(echo, 1);
  mark('first result');
  await executor.close();
  process.stdout.write(JSON.stringify(phases) + '\n');
}

async function main(): Promise<void> {
  const [kindArg, second, third] = process.argv.slice(2);
  const kind: Kind = kindArg === 'process' ? 'process' : 'thread';
  if (second === '--one') return one(kind, third as (typeof VARIANTS)[number]);
  const repeats = Number(second ?? 5);
  const run = promisify(execFile);
  const samples = new Map<string, Phases[]>(VARIANTS.map((v) => [v, []]));
  for (let r = 0; r < repeats; r++) {
    for (const variant of VARIANTS) {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', SELF, kind, '--one', variant], { timeout: 60_000 });
      samples.get(variant)!.push(JSON.parse(stdout.trim().split('\n').pop()!) as Phases);
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
  for (const [variant, list] of samples) {
    const name = variant === 'peer' ? PEER[kind] : variant;
    const phases = Object.keys(list[0]!).map((phase) => `${phase} ${median(list.map((p) => p[phase]!)).toFixed(1)}`);
    process.stdout.write(`${kind} ${name}: ${phases.join(' -> ')} ms (median of ${list.length})\n`);
  }
}

await main();
