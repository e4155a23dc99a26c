// Many concurrent I/O tasks (the guide's ">500" case) on the async queue, with
// progress reported through the executor's events.
import { createExecutor } from 'unified-executor';
import { wait } from './tasks/index.js';
import { rate, timed } from './timing.js';

export async function main(count = 5000): Promise<void> {
  await using executor = createExecutor(); // auto: wait is ioBound, expectedCount 5000 -> async
  const decision = executor.explain(wait);
  console.log(`${wait.label} -> ${decision.backend} [${decision.rule}] ${decision.reason}`);
  let done = 0;
  executor.on('taskEnd', () => {
    done++;
    if (done % 1000 === 0) console.log(`  progress: ${done}/${count} done, ${executor.stats().running} running`);
  });
  const { ms } = await timed(() => Promise.all(Array.from({ length: count }, () => executor.run(wait, 10))));
  const s = executor.stats();
  console.log(
    `${count} tasks of 10 ms in ${Math.round(ms)} ms (${rate(count, ms)}); wait p99 ${s.waitTime.p99.toFixed(1)} ms, run p50 ${s.runTime.p50.toFixed(1)} ms`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
