// Forked by the portable suite, then SIGKILLed: its pool's child spins in a
// synchronous loop, so only the orphan guard (or the child's watchdog) can end it.
import { createExecutor, defineTask } from 'unified-executor';

const tasks = new URL('./tasks.mjs', import.meta.url);
const executor = createExecutor({ backend: 'process', maxWorkers: 1 });
const { pid } = await executor.run(defineTask(tasks, 'whereAmI'), undefined);
void executor.run(defineTask(tasks, 'spin'), 120_000).catch(() => {});
// Give the spin a moment to start before the suite kills us.
setTimeout(() => process.send?.({ pid }), 300);
