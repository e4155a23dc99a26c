// Measured traits: each workload runs on an auto executor that routes by the
// traits declared (adapt off, the default), then on one with
// `policy: { adapt: true }`, which measures the task and routes it by what it
// does. Declared wrong (or not at all), a task still ends up where it runs best.
import { createExecutor, defineTask, type Decision, type Executor, type Task, type TaskProfile } from 'unified-executor';
import { startLocalServer } from './local-server.js';
import { printTable, timed } from './timing.js';
import type * as cpu from './tasks/cpu.js';
import type * as io from './tasks/io.js';

const cpuModule = new URL('./tasks/cpu.ts', import.meta.url);
const ioModule = new URL('./tasks/io.ts', import.meta.url);

interface Workload {
  name: string;
  task: Task<any, any>;
  inputs: unknown[];
}

const ms = (value: number) => `${Math.round(value)} ms`;
const decided = (d: Decision<string>) => `${d.backend} (${d.rule})`;
function described(p: TaskProfile | undefined): string {
  if (p === undefined) return 'not measured';
  const cpuShare = Number.isNaN(p.cpuShare) ? 'CPU ?' : `CPU ${Math.round(p.cpuShare * 100)}%`;
  return `${p.kind}: ${p.runMs < 10 ? p.runMs.toFixed(1) : Math.round(p.runMs)} ms, ${cpuShare}`;
}

/** Runs the workload `rounds` times untimed (measured, then moved), then once timed. */
async function timedOn(executor: Executor, workload: Workload, rounds: number): Promise<number> {
  const once = () => Promise.all(workload.inputs.map((input) => executor.run(workload.task, input)));
  for (let i = 0; i < rounds; i++) await once();
  return (await timed(once)).ms;
}

export async function main(): Promise<void> {
  const server = await startLocalServer(10);
  const workloads: Workload[] = [
    {
      name: '200 HTTP GETs',
      task: defineTask<typeof io.fetchPage>(ioModule, 'fetchPage', { ioBound: true, expectedCount: 200 }),
      inputs: Array.from({ length: 200 }, (_, i) => `${server.url}/${i}`),
    },
    {
      name: '16 x fib(30), no traits',
      task: defineTask<typeof cpu.fib>(cpuModule, 'fib'),
      inputs: Array.from({ length: 16 }, () => 30),
    },
    {
      name: '100 x 10 ms sync reads, no traits',
      task: defineTask<typeof io.blockingRead>(ioModule, 'blockingRead'),
      inputs: Array.from({ length: 100 }, () => 10),
    },
    {
      name: '2,000 x 10 ms waits, many I/O',
      task: defineTask<typeof io.wait>(ioModule, 'wait', { ioBound: true, expectedCount: 2000 }),
      inputs: Array.from({ length: 2000 }, () => 10),
    },
  ];
  const rows: Record<string, string>[] = [];
  try {
    for (const workload of workloads) {
      // Adapt off: routed as declared, and measured all the same (a policy-advice warning says so).
      const declared = createExecutor();
      let advice = '';
      declared.on('warning', (w) => {
        if (w.type === 'policy-advice') advice = ' (advised)';
      });
      const declaredMs = await timedOn(declared, workload, 1);
      const declaredDecision = declared.explain(workload.task);
      await declared.close();

      // Adapt on: the first round measures, the second runs where the measurement says, the third is timed.
      const adaptive = createExecutor({ policy: { adapt: true } });
      const adaptedMs = await timedOn(adaptive, workload, 2);
      const adapted = adaptive.explain(workload.task);
      await adaptive.close();

      rows.push({
        workload: workload.name,
        declared: decided(declaredDecision),
        'declared ms': ms(declaredMs),
        measured: described(adapted.measured ?? declaredDecision.measured) + advice,
        adapted: decided(adapted),
        'adapted ms': ms(adaptedMs),
      });
    }
  } finally {
    await server.close();
  }
  printTable(rows);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
