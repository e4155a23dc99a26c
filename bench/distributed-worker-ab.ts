/**
 * The worker side alone: builds of this package (checkouts, each with its own
 * dist/ and node_modules) take the same jobs, written straight into their
 * queues with raw BullMQ in the shape our submitter writes (job data, job
 * options), 2 worker processes x 32 each, rounds alternated (order turned
 * each round), 5,000 tiny jobs a round. Prints each build's worker CPU per
 * job (/proc/<pid>/stat), median: steadier than throughput on a busy machine,
 * and what throughput is made of when every process shares the cores.
 *
 *   npx tsup && node --import tsx bench/distributed-worker-ab.ts <dir> [<dir> ...] [--rounds 9]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { Queue, QueueEvents } from 'bullmq';
import { RedisServer } from '../test/distributed/redis.js';
import { median, WORKER_CONCURRENCY, WORKERS } from './distributed.js';

const JOBS = 5000;
const roundsAt = process.argv.indexOf('--rounds');
const ROUNDS = roundsAt >= 0 ? Number(process.argv[roundsAt + 1]) : 9;
const dirs = process.argv.slice(2).filter((arg, i, all) => !arg.startsWith('--') && all[i - 1] !== '--rounds');

const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
};
const prefix = `${randomUUID()}-`;
let nextId = 1;
/** As client-link.ts writes them. */
const options = () => ({
  jobId: `${prefix}${nextId++}`,
  priority: 1_048_576,
  attempts: 1,
  backoff: { type: 'exponential', delay: 100, jitter: 1 },
  removeOnComplete: { age: 24 * 3600 },
  removeOnFail: { age: 24 * 3600 },
});
const data = (i: number) => ({
  task: { relative: 'test/fixtures/distributed-tasks.mjs', name: 'tiny' },
  label: 'distributed-tasks.mjs#tiny',
  traits: {},
  input: serialize(i).toString('base64'),
  batch: false,
  retries: 0,
});

interface Build {
  dir: string;
  children: ChildProcess[];
  queue: Queue;
  events: QueueEvents;
  cpu: number[];
}

const server = await RedisServer.start();
const { hostname, port } = new URL(server.url);
const connection = { host: hostname, port: Number(port), maxRetriesPerRequest: null };
const builds: Build[] = [];
try {
  for (const dir of dirs) {
    const name = `workers-${builds.length}`;
    const children: ChildProcess[] = [];
    for (let i = 0; i < WORKERS; i++) {
      const child = spawn(process.execPath, [join(dir, 'test/fixtures/distributed-worker.mjs'), server.url, name, JSON.stringify({ concurrency: WORKER_CONCURRENCY, quiet: true, root: dir })], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      await new Promise<void>((resolve) => child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve()));
    }
    const queue = new Queue(name, { connection });
    queue.setMaxListeners(0);
    const events = new QueueEvents(name, { connection });
    await events.waitUntilReady();
    builds.push({ dir, children, queue, events, cpu: [] });
  }
  const many = async (build: Build, count: number) => {
    const jobs = await build.queue.addBulk(Array.from({ length: count }, (_, i) => ({ name: 'tiny', data: data(i), opts: options() })));
    await Promise.all(jobs.map((job) => job.waitUntilFinished(build.events)));
  };
  for (let r = 0; r < ROUNDS; r++) {
    for (const build of builds.map((_, i) => builds[(i + r) % builds.length]!)) {
      await many(build, 50);
      const before = build.children.reduce((sum, child) => sum + cpuMs(child.pid!), 0);
      await many(build, JOBS);
      build.cpu.push((build.children.reduce((sum, child) => sum + cpuMs(child.pid!), 0) - before) / JOBS);
    }
  }
  console.log(`| build | workers' CPU per tiny job, median of ${ROUNDS} (ms) | rounds |\n|---|---:|---|`);
  for (const build of builds) console.log(`| ${build.dir} | ${median(build.cpu).toFixed(3)} | ${build.cpu.map((x) => x.toFixed(3)).join(' ')} |`);
} finally {
  for (const build of builds) {
    await build.events.close();
    await build.queue.close();
    await Promise.all(build.children.map((child) => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM')))));
  }
  await server.stop();
}
