/**
 * Workloads 1, 2 and 4, one family of contenders at a time (only that
 * family's pools are alive): tiny tasks (tasks/s), `map` with automatic chunks
 * vs one `run` per item (ours), and CPU tasks (parallel efficiency vs serial).
 */
import type { BenchConfig } from '../config.js';
import { contenderSpecs, tasks, type Contender, type Family, type TaskName } from '../comparators.js';
import { closeAll, feed, interleaved, progress, timed, withDeadline } from '../harness.js';
import { row, type Row } from '../results.js';
// @ts-expect-error: a plain .mjs task module without types
import { spin } from '../tasks/work.mjs';

interface Entry {
  contender: Contender;
  /** 'run': one call per item; 'map': ours, map with chunkSize 'auto'. */
  mode: 'run' | 'map';
  /** The tiny task: echo, or (async family, PROMISE_CASE) echo as an async function. */
  task: TaskName;
}

/** Tiny rows of the async family whose task returns a promise (ours and raw p-queue): their own table. */
export const PROMISE_CASE = 'returns a promise';

async function tinyBatch({ contender, mode, task }: Entry, count: number): Promise<void> {
  if (mode === 'map') {
    const inputs = Array.from({ length: count }, (_, i) => i);
    for await (const _ of contender.executor!.map(tasks.echo, inputs, { chunkSize: 'auto' }));
    return;
  }
  await feed(count, (i) => contender.run(task, i), contender.window);
}

function cpuBatch(contender: Contender, config: BenchConfig): Promise<unknown> {
  return Promise.all(Array.from({ length: config.cpuTasks }, () => contender.run('spin', config.cpuMs)));
}

/** The same CPU tasks one after another on this thread: the efficiency's numerator. */
function serialMs(config: BenchConfig): number {
  const began = performance.now();
  for (let i = 0; i < config.cpuTasks; i++) spin(config.cpuMs);
  return performance.now() - began;
}

export async function poolFamily(family: Family, config: BenchConfig): Promise<Row[]> {
  const contenders = contenderSpecs.filter((s) => s.family === family).map((s) => s.create(config.workers));
  const rows: Row[] = [];
  try {
    const entries: Entry[] = contenders.flatMap((contender): Entry[] =>
      contender.ours && contender.name !== 'ours process, 32 per child'
        ? [{ contender, mode: 'run', task: 'echo' }, { contender, mode: 'map', task: 'echo' }]
        : [{ contender, mode: 'run', task: 'echo' }],
    );
    // Tiny tasks that return a promise: ours and raw p-queue (the peer) only.
    if (family === 'async') {
      for (const contender of contenders.filter((c) => c.ours || c.name.startsWith('p-queue'))) entries.push({ contender, mode: 'run', task: 'echoAsync' });
    }
    // Issue 19's figure: 100,000 tiny async tasks at 500 in flight.
    const count = family === 'async' ? config.asyncTiny : config.tiny;
    // CPU tasks on the async queue run on the caller's thread; its peers add nothing there.
    const cpuContenders = contenders.filter((c) => family !== 'async' || c.ours);

    progress(`${family}: warm-up`);
    for (const entry of entries) await withDeadline(tinyBatch(entry, config.tinyWarmup), entry);
    for (const contender of cpuContenders) await withDeadline(cpuBatch(contender, config), contender);

    progress(`${family}: ${count} tiny tasks x ${config.repeats}`);
    const tiny = await interleaved(entries, config.repeats, async (entry) => count / ((await timed(() => tinyBatch(entry, count))) / 1000));
    for (const [entry, rates] of tiny) {
      const { name, ours } = entry.contender;
      const which = entry.task === 'echoAsync' ? PROMISE_CASE : '';
      rows.push(row({ workload: entry.mode === 'map' ? 'map' : 'tiny', case: which, family, name, ours, metric: 'tasks/s' }, rates));
    }

    progress(`${family}: ${config.cpuTasks} x ${config.cpuMs} ms CPU tasks x ${config.repeats}`);
    const serial: number[] = [];
    const cpu = await interleaved(cpuContenders, config.repeats, async (contender) => {
      // spin() waits on the clock, so serial time hardly moves with load: once per round is enough.
      if (contender === cpuContenders[0]) serial.push(serialMs(config));
      return timed(() => cpuBatch(contender, config));
    });
    const serialMedian = [...serial].sort((a, b) => a - b)[Math.floor(serial.length / 2)]!;
    for (const [contender, times] of cpu) {
      const { name, ours } = contender;
      rows.push(row({ workload: 'cpu', case: '', family, name, ours, metric: 'ms' }, times));
      // Efficiency = serial / (workers x parallel); the async queue has one thread.
      const lanes = family === 'async' ? 1 : config.workers;
      rows.push(row({ workload: 'cpu', case: '', family, name, ours, metric: 'efficiency' }, times.map((t) => serialMedian / (lanes * t))));
    }
  } finally {
    await closeAll(contenders);
  }
  return rows;
}
