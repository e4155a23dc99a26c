// A raw BullMQ worker for the scale-out comparison (bench/distributed.ts): the
// same jobs as ours, with the processor written inline, as a BullMQ user would.
// argv: <redis url> <queue> <concurrency>. Prints "ready <pid>"; SIGTERM closes it.
import { Worker } from 'bullmq';

const [url, queue, concurrency] = process.argv.slice(2);
const { hostname, port } = new URL(url);

function spin(ms) {
  const end = Date.now() + ms;
  let n = 0;
  while (Date.now() < end) n++;
  return n;
}

const worker = new Worker(queue, async (job) => (job.name === 'spin' ? spin(job.data) : job.data + 1), {
  connection: { host: hostname, port: Number(port), maxRetriesPerRequest: null },
  concurrency: Number(concurrency),
});
worker.on('error', () => {});
await worker.waitUntilReady();
process.once('SIGTERM', async () => {
  await worker.close();
  process.exit(0);
});
process.stdout.write(`ready ${process.pid}\n`);
