// Auto-select on a mixed pipeline: fetch pages from a local HTTP server (I/O,
// a few at a time -> threads), then hash them (CPU -> processes). One executor,
// each step routed by its own traits.
import { createExecutor } from 'unified-executor';
import { startLocalServer } from './local-server.js';
import { digest, fetchPage } from './tasks/index.js';
import { printTable, timed } from './timing.js';

export async function main(pages = 40): Promise<void> {
  const server = await startLocalServer(10);
  await using executor = createExecutor(); // backend: 'auto'
  try {
    for (const task of [fetchPage, digest]) {
      const d = executor.explain(task);
      console.log(`${task.label.padEnd(18)} -> ${d.backend.padEnd(7)} [${d.rule}] ${d.reason}`);
    }
    const urls = Array.from({ length: pages }, (_, i) => `${server.url}/page/${i}`);
    const pipeline = async () => {
      // Fetch through map (input order kept), hash each page as it arrives.
      const pending: Promise<string>[] = [];
      for await (const html of executor.map(fetchPage, urls)) {
        pending.push(executor.run(digest, { text: html, rounds: 2000 }));
      }
      return Promise.all(pending);
    };
    // The first pass starts the threads and the child processes, each loading
    // its .ts task module through tsx; the second shows the pipeline itself.
    const cold = await timed(pipeline);
    const warm = await timed(pipeline);
    const stats = executor.stats();
    printTable(
      Object.entries(stats.backends ?? {}).map(([backend, s]) => ({
        backend,
        completed: s.completed,
        'run p50 ms': s.runTime.p50.toFixed(1),
        'run max ms': s.runTime.max.toFixed(1),
      })),
    );
    console.log(
      `${pages} pages fetched and hashed: ${Math.round(cold.ms)} ms cold (workers start and load their tasks), ` +
        `${Math.round(warm.ms)} ms warm (first hash ${warm.result[0]})`,
    );
  } finally {
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
