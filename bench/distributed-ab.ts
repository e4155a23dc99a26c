/**
 * Where a distributed job's cost goes (issue 17's speed rows): ours against
 * raw BullMQ in the same run, alternating, medians. One Redis, 2 worker
 * processes x 32 per side (the sides of bench/distributed.ts).
 *
 * Per round and side: 5,000 tiny jobs in flight (throughput) and one at a
 * time (p50 latency), with the CPU each process spent per job (submitter:
 * this process; workers: /proc/<pid>/stat; Redis: INFO cpu) and Redis's
 * commands per job (INFO commandstats). Everything shares the machine's
 * cores, so CPU per job is what throughput is made of, and it is steadier
 * than throughput on a busy machine.
 *
 * Optional sides:
 * - `--before <dir>`: another build of this package (a checkout with its own
 *   dist/ and node_modules), run as a side of its own: before/after in one run;
 * - `--options [priority,attempts,remove,jobId]`: raw BullMQ giving each job
 *   the options ours gives (client-link.ts): what our job shape costs BullMQ.
 * Then the per-step costs of our own code on each side (distributed-steps.ts).
 *
 *   npx tsup && node --import tsx bench/distributed-ab.ts [--rounds 5] [--jobs 5000] [--latency 200] [--before /tmp/ue-before] [--no-steps]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import * as current from 'unified-executor';
import { RedisServer } from '../test/distributed/redis.js';
import { latency, median, RawSide, WORKER_CONCURRENCY, WORKERS } from './distributed.js';
import { stepCosts } from './distributed-steps.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  const value = process.argv[i + 1];
  return i >= 0 && value !== undefined && !value.startsWith('--') ? value : undefined;
};
const ROUNDS = Number(arg('rounds') ?? 5);
const JOBS = Number(arg('jobs') ?? 5000);
const LATENCY_JOBS = Number(arg('latency') ?? 200);
const BEFORE = arg('before');
const WITH_OPTIONS = process.argv.includes('--options');
const chosen = new Set((arg('options') ?? 'priority,attempts,remove,jobId').split(','));
const HERE = new URL('..', import.meta.url).pathname;

/** Raw BullMQ's job options as ours gives them (client-link.ts #flushAdds). */
const prefix = `${randomUUID()}-`;
let nextId = 1;
const ourOptions = () => ({
  ...(chosen.has('jobId') ? { jobId: `${prefix}${nextId++}` } : {}),
  ...(chosen.has('priority') ? { priority: 1_048_576 } : {}),
  ...(chosen.has('attempts') ? { attempts: 1, backoff: { type: 'exponential', delay: 100, jitter: 1 } } : {}),
  ...(chosen.has('remove') ? { removeOnComplete: { age: 24 * 3600 }, removeOnFail: { age: 24 * 3600 } } : {}),
});

/** utime + stime of a process, ms. */
function procCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const get = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)![1]);
  return (get('used_cpu_sys') + get('used_cpu_user')) * 1000;
}

type Commands = Map<string, { calls: number; usec: number }>;

async function commandStats(redis: Redis): Promise<Commands> {
  const info = await redis.info('commandstats');
  const stats: Commands = new Map();
  for (const m of info.matchAll(/cmdstat_(\S+?):calls=(\d+),usec=(\d+)/g)) stats.set(m[1]!, { calls: Number(m[2]), usec: Number(m[3]) });
  return stats;
}

interface Sample {
  rate: number;
  submitterMs: number;
  workersMs: number;
  redisMs: number;
  commands: Commands;
}

interface Side {
  name: string;
  pids: number[];
  many(count: number): Promise<unknown>;
  one(i: number): Promise<unknown>;
  samples: Sample[];
  latency: number[];
}

async function measure(redis: Redis, side: Side, count: number): Promise<Sample> {
  await side.many(Math.min(50, count));
  const cpu0 = process.cpuUsage();
  const w0 = side.pids.reduce((sum, pid) => sum + procCpuMs(pid), 0);
  const r0 = await redisCpuMs(redis);
  const s0 = await commandStats(redis);
  const started = performance.now();
  await side.many(count);
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  const w1 = side.pids.reduce((sum, pid) => sum + procCpuMs(pid), 0);
  const r1 = await redisCpuMs(redis);
  const s1 = await commandStats(redis);
  const commands: Commands = new Map();
  for (const [name, after] of s1) {
    const before = s0.get(name) ?? { calls: 0, usec: 0 };
    if (name === 'info') continue;
    if (after.calls > before.calls) commands.set(name, { calls: (after.calls - before.calls) / count, usec: (after.usec - before.usec) / count });
  }
  return {
    rate: count / (elapsed / 1000),
    submitterMs: (cpu.user + cpu.system) / 1000 / count,
    workersMs: (w1 - w0) / count,
    redisMs: (r1 - r0) / count,
    commands,
  };
}

/** Worker processes of one build of this package (its test/fixtures/distributed-worker.mjs), ready to take jobs. */
async function startWorkers(dir: string, url: string, queue: string): Promise<ChildProcess[]> {
  const children: ChildProcess[] = [];
  for (let i = 0; i < WORKERS; i++) {
    const child = spawn(process.execPath, [join(dir, 'test/fixtures/distributed-worker.mjs'), url, queue, JSON.stringify({ concurrency: WORKER_CONCURRENCY, quiet: true, root: dir })], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`worker of ${dir} exited with code ${code}`)));
    });
  }
  return children;
}

/** One build of this package as a side: its workers and an executor of its own dist. */
async function ourSide(name: string, dir: string, url: string, closers: (() => Promise<unknown>)[]): Promise<Side> {
  const lib = (dir === HERE ? current : await import(pathToFileURL(join(dir, 'dist/index.js')).href)) as typeof current;
  const queue = `ab-${name}`;
  const children = await startWorkers(dir, url, queue);
  const executor = lib.createExecutor({ backend: 'distributed', connection: url, queue, root: dir });
  closers.push(async () => {
    await executor.close();
    await Promise.all(children.map((child) => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM')))));
  });
  const tiny = lib.defineTask<(n: number) => number>(pathToFileURL(join(dir, 'test/fixtures/distributed-tasks.mjs')), 'tiny');
  return {
    name,
    pids: children.map((child) => child.pid!),
    many: (count) => Promise.all(Array.from({ length: count }, (_, i) => executor.run(tiny, i))),
    one: (i) => executor.run(tiny, i),
    samples: [],
    latency: [],
  };
}

const fmt = (n: number, d = 3) => n.toFixed(d);

async function main(): Promise<void> {
  const server = await RedisServer.start();
  const redis = new Redis(server.url, { maxRetriesPerRequest: null });
  const closers: (() => Promise<unknown>)[] = [];
  try {
    const raw = new RawSide(server.url, 'ab-raw');
    closers.push(() => raw.stop());
    await raw.start(server.url, 'ab-raw');
    const sides: Side[] = [
      { name: 'raw BullMQ', pids: raw.children.map((c) => c.pid!), many: (n) => raw.many('tiny', n, (i) => i), one: (i) => raw.one(i), samples: [], latency: [] },
    ];
    if (WITH_OPTIONS) {
      sides.push({
        name: 'raw, our job options',
        pids: sides[0]!.pids,
        many: async (n) => {
          const jobs = await raw.queue.addBulk(Array.from({ length: n }, (_, i) => ({ name: 'tiny', data: i, opts: ourOptions() })));
          await Promise.all(jobs.map((job) => job.waitUntilFinished(raw.events)));
        },
        one: async (i) => (await raw.queue.add('tiny', i, ourOptions())).waitUntilFinished(raw.events),
        samples: [],
        latency: [],
      });
    }
    if (BEFORE) sides.push(await ourSide('before', BEFORE, server.url, closers));
    sides.push(await ourSide(BEFORE ? 'after' : 'ours', HERE, server.url, closers));
    for (let r = 0; r < ROUNDS; r++) {
      // Alternating, the order turned each round, so that a slow moment of the shared machine
      // falls on every side, and no side always runs right after another.
      const order = sides.map((_, i) => sides[(i + r) % sides.length]!);
      for (const side of order) side.samples.push(await measure(redis, side, JOBS));
      for (const side of order) side.latency.push(await latency(LATENCY_JOBS, side.one));
      console.error(`round ${r + 1}: ${sides.map((s) => `${s.name} ${s.samples.at(-1)!.rate.toFixed(0)}/s p50 ${fmt(s.latency.at(-1)!, 2)} ms`).join(', ')}`);
    }
    const m = (side: Side, pick: (s: Sample) => number) => median(side.samples.map(pick));
    const lines = [
      `${ROUNDS} rounds alternating, ${JOBS} tiny jobs in flight, ${LATENCY_JOBS} one at a time; medians. Ratios: against raw BullMQ.`,
      '',
      `| per tiny job | ${sides.map((s) => s.name).join(' | ')} | ${sides.slice(1).map((s) => `${s.name} / raw`).join(' | ')} |`,
      `|---|${sides.map(() => '---:|').join('')}${sides.slice(1).map(() => '---:|').join('')}`,
    ];
    const row = (what: string, value: (side: Side) => number, d = 3) => {
      const values = sides.map(value);
      lines.push(`| ${what} | ${values.map((v) => fmt(v, d)).join(' | ')} | ${values.slice(1).map((v) => `${(v / values[0]!).toFixed(2)}x`).join(' | ')} |`);
    };
    row('throughput, jobs/s', (side) => m(side, (s) => s.rate), 0);
    row('one at a time, p50 ms', (side) => median(side.latency), 2);
    row('submitter CPU, ms/job', (side) => m(side, (s) => s.submitterMs));
    row('workers CPU, ms/job', (side) => m(side, (s) => s.workersMs));
    row('Redis CPU, ms/job', (side) => m(side, (s) => s.redisMs));
    row('all three, ms/job', (side) => m(side, (s) => s.submitterMs + s.workersMs + s.redisMs));
    const names = new Set(sides.flatMap((side) => side.samples.flatMap((s) => [...s.commands.keys()])));
    const per = (side: Side, name: string, what: 'calls' | 'usec') => median(side.samples.map((s) => s.commands.get(name)?.[what] ?? 0));
    lines.push(
      '',
      `| Redis command, per job (a script's µs include the commands it runs) | ${sides.map((s) => `${s.name} calls`).join(' | ')} | ${sides.map((s) => `${s.name} µs`).join(' | ')} |`,
      `|---|${sides.map(() => '---:|---:|').join('')}`,
    );
    for (const name of [...names].sort()) {
      const v = [...sides.map((side) => per(side, name, 'calls')), ...sides.map((side) => per(side, name, 'usec'))];
      if (v.every((x) => x < 0.005)) continue;
      lines.push(`| ${name} | ${v.map((x, i) => fmt(x, i < sides.length ? 2 : 1)).join(' | ')} |`);
    }
    if (!process.argv.includes('--no-steps')) lines.push('', await stepCosts());
    console.log(lines.join('\n'));
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    redis.disconnect();
    await server.stop();
  }
}

await main();
