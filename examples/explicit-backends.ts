// The same task definitions, unchanged, on each backend chosen explicitly.
import { createExecutor } from 'unified-executor';
import { fib } from './tasks/index.js';
import { printTable, rate, timed } from './timing.js';

export async function main(): Promise<void> {
  const inputs = Array.from({ length: 24 }, () => 25);
  const rows = [];
  for (const backend of ['async', 'thread', 'process'] as const) {
    await using executor = createExecutor({ backend });
    const { result, ms } = await timed(() => Promise.all(inputs.map((n) => executor.run(fib, n))));
    rows.push({ backend, task: 'fib(25) x24', result: result[0]!, ms: Math.round(ms), rate: rate(inputs.length, ms), rule: executor.explain(fib).rule });
  }
  printTable(rows);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
