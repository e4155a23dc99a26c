/**
 * Policy regret: for each workload class of the guide, the traits a user
 * would declare, the backend auto-select picks for them (asked through
 * `explain()` of an auto executor, which starts nothing), and
 * time(auto's pick) / time(fastest of our three backends) on that workload.
 */
import { createExecutor, type TaskTraits } from 'unified-executor';
import type { BenchConfig } from './config.js';
import type { Family } from './comparators.js';
import { BACKENDS, ioTraits } from './workloads/io.js';
import { medianOf, type Row } from './results.js';

export interface RegretRow {
  workload: string;
  traits: TaskTraits;
  pick: Family;
  rule: string;
  /** Median ms of the workload on each backend. */
  times: Partial<Record<Family, number>>;
  fastest: Family;
  regret: number;
}

interface RegretClass {
  workload: string;
  traits: TaskTraits;
  /** Median ms of this workload on `backend`. */
  time(rows: Row[], backend: Family): number | undefined;
}

function classes(config: BenchConfig): RegretClass[] {
  const io = (id: string) => config.io.find((c) => c.id === id)!;
  const ioTime = (id: string) => (rows: Row[], backend: Family) => medianOf(rows, { workload: 'io', case: id, name: `ours ${backend}`, metric: 'ms' });
  const many = io('io-many');
  const few = io('io-few');
  const blocking = io('io-blocking');
  return [
    {
      workload: `${config.tiny} tiny tasks (run each)`,
      traits: {},
      time: (rows, b) => {
        const rate = medianOf(rows, { workload: 'tiny', name: `ours ${b}`, metric: 'tasks/s' });
        return rate === undefined ? undefined : (config.tiny / rate) * 1000;
      },
    },
    {
      workload: `${config.cpuTasks} x ${config.cpuMs} ms CPU`,
      traits: { cpuBound: true, expectedCount: config.cpuTasks },
      time: (rows, b) => medianOf(rows, { workload: 'cpu', name: `ours ${b}`, metric: 'ms' }),
    },
    { workload: `${many.tasks} x ${many.waitMs} ms timers at ${many.inFlight}`, traits: ioTraits(many), time: ioTime('io-many') },
    // Same workload, no count declared: the sizes differ but map keeps 500 in flight on every backend.
    { workload: `${many.tasks} x ${many.waitMs} ms timers at ${many.inFlight}`, traits: { ioBound: true }, time: ioTime('io-many') },
    { workload: `${few.tasks} x ${few.waitMs} ms timers`, traits: ioTraits(few), time: ioTime('io-few') },
    // needsSync changes the rule, not the sizes: the io-few measurements stand.
    { workload: `${few.tasks} x ${few.waitMs} ms timers`, traits: { ...ioTraits(few), needsSync: true }, time: ioTime('io-few') },
    { workload: `${blocking.tasks} x ${blocking.waitMs} ms blocking waits`, traits: ioTraits(blocking), time: ioTime('io-blocking') },
  ];
}

export async function policyRegret(rows: Row[], config: BenchConfig): Promise<RegretRow[]> {
  const result: RegretRow[] = [];
  for (const c of classes(config)) {
    const auto = createExecutor({ traits: c.traits });
    const decision = auto.explain();
    await auto.close();
    // The policy never picks 'distributed' by itself (scale-out is explicit).
    const pick = decision.backend as Family;
    const times: Partial<Record<Family, number>> = {};
    for (const backend of BACKENDS) {
      const t = c.time(rows, backend);
      if (t !== undefined) times[backend] = t;
    }
    const measured = Object.entries(times) as [Family, number][];
    const [fastest, best] = measured.reduce((a, b) => (b[1] < a[1] ? b : a));
    const picked = times[pick];
    result.push({
      workload: c.workload,
      traits: c.traits,
      pick,
      rule: decision.rule,
      times,
      fastest,
      regret: picked === undefined ? Number.NaN : picked / best,
    });
  }
  return result;
}
