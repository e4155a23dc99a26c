// Tiny-task throughput of every local backend, under whichever runtime runs
// this file (Node, Bun, Deno): plain ESM that imports the packed package, as
// the portable suite does. `npm run bench -- --runtimes` runs it under each
// runtime of the matrix, one after another, and prints them side by side.
//
//   <runtime> tiny-throughput.mjs <tasks> <repeats> <workers>    prints one JSON line
import { createExecutor, defineTask } from 'unified-executor';

const [tasks, repeats, workers] = process.argv.slice(2).map(Number);
const echo = defineTask(new URL('./tiny-task.mjs', import.meta.url), 'default');

/** `tasks` calls of the tiny task, all submitted at once (the pools send them ahead); calls per second. */
async function burst(executor, count) {
  const started = performance.now();
  const calls = new Array(count);
  for (let i = 0; i < count; i++) calls[i] = executor.run(echo, i);
  await Promise.all(calls);
  return count / ((performance.now() - started) / 1000);
}

const perSecond = {};
for (const backend of ['thread', 'process', 'async']) {
  const executor = createExecutor(backend === 'async' ? { backend } : { backend, maxWorkers: workers, minWorkers: workers });
  try {
    // Warm-up: workers started and the hot paths compiled on both sides.
    await burst(executor, Math.max(200, tasks / 4));
    const runs = [];
    for (let i = 0; i < repeats; i++) runs.push(await burst(executor, tasks));
    runs.sort((a, b) => a - b);
    perSecond[backend] = runs[Math.floor(runs.length / 2)];
  } finally {
    await executor.close();
  }
}
console.log(JSON.stringify({ perSecond }));
