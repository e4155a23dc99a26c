// A rate-limited fetch loop: 200 requests to a local HTTP server at 50 per
// second (a third-party API's published rate), with retries for the odd
// failure and a producer that awaits room instead of catching QueueFullError.
// `npm run example -- rate-limited-fetch`
import { createExecutor } from 'unified-executor';
import { startLocalServer } from './local-server.js';

export async function main(requests = 200): Promise<void> {
  const server = await startLocalServer(5);
  const executor = createExecutor({
    backend: 'async',
    concurrency: 20,
    rateLimit: { limit: 50, intervalMs: 1000 }, // at most 50 starts in any second
    retries: 2, // a failed request runs again, after ~100 ms then ~200 ms (jittered)
  });
  let held = 0;
  executor.on('rateLimit', () => held++);
  executor.on('taskRetry', ({ attempt, delayMs, error }) => console.log(`  retry after run ${attempt} in ${delayMs} ms: ${(error as Error).message}`));

  const fetchPage = async (path: string): Promise<number> => {
    const response = await fetch(`${server.url}${path}`);
    if (!response.ok) throw new Error(`HTTP ${response.status} for ${path}`);
    return (await response.text()).length;
  };

  const began = performance.now();
  const pending: Promise<number>[] = [];
  for (let i = 0; i < requests; i++) {
    // Backpressure for the producer: never more than 60 requests waiting for the limit.
    await executor.onSizeLessThan(60);
    pending.push(executor.run(fetchPage, `/page/${i}`));
  }
  const bytes = (await Promise.all(pending)).reduce((a, b) => a + b, 0);
  const seconds = (performance.now() - began) / 1000;
  const stats = executor.stats();
  console.log(
    `  ${requests} requests, ${(bytes / 1024).toFixed(0)} KiB, in ${seconds.toFixed(2)} s: ${(requests / seconds).toFixed(1)} per second ` +
      `(limit 50/s; the first 50 go at once), retried ${stats.retried}, rate-limit episodes ${held}`,
  );
  await executor.close();
  await server.close();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
