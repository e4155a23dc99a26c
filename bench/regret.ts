/**
 * Policy regret: for each workload class of the guide, the traits a user
 * would declare, the backend auto-select picks for them, and
 * time(pick) / time(fastest of our three backends) on that workload, twice:
 * - adapt off (the default): the pick is what the declared traits say
 *   (asked through `explain()` of an auto executor, which starts nothing);
 * - adapt on (`policy: { adapt: true }`): the pick is where an auto executor
 *   routes the class's task after PROBE_CALLS measured calls of it (run here,
 *   one at a time, on the backends it picks on the way).
 * The times are the workload's medians on each backend from the run itself.
 */
import { createExecutor, type Decision, type Task, type TaskTraits } from 'unified-executor';
import type { BenchConfig } from './config.js';
import { tasks, type Family } from './comparators.js';
import { progress, withDeadline } from './harness.js';
import { BACKENDS, ioTraits } from './workloads/io.js';
import { medianOf, type Row } from './results.js';

/** Calls measured before asking where adapt routes: past the policy's 5, and a pool's first samples. */
const PROBE_CALLS = 8;

export interface RegretRow {
  workload: string;
  traits: TaskTraits;
  /** adapt off: the declared traits' pick. */
  pick: Family;
  rule: string;
  /** Median ms of the workload on each backend. */
  times: Partial<Record<Family, number>>;
  fastest: Family;
  regret: number;
  /** adapt on: where the auto executor routes the task after PROBE_CALLS measured calls. */
  adapted: { pick: Family; rule: string; kind: string | undefined; regret: number };
}

interface RegretClass {
  workload: string;
  traits: TaskTraits;
  /** The class's task and one input, for the adapt probe. */
  task: Task<number, unknown>;
  input: number;
  /** Median ms of this workload on `backend`. */
  time(rows: Row[], backend: Family): number | undefined;
}

function classes(config: BenchConfig): RegretClass[] {
  const io = (id: string) => config.io.find((c) => c.id === id)!;
  const ioTime = (id: string) => (rows: Row[], backend: Family) => medianOf(rows, { workload: 'io', case: id, name: `ours ${backend}`, metric: 'ms' });
  const cpuTime = (rows: Row[], b: Family) => medianOf(rows, { workload: 'cpu', name: `ours ${b}`, metric: 'ms' });
  const many = io('io-many');
  const few = io('io-few');
  const blocking = io('io-blocking');
  const sleep = { task: tasks.sleep, input: many.waitMs };
  return [
    {
      workload: `${config.tiny} tiny tasks (run each)`,
      traits: {},
      task: tasks.echo,
      input: 1,
      time: (rows, b) => {
        const rate = medianOf(rows, { workload: 'tiny', case: '', name: `ours ${b}`, metric: 'tasks/s' });
        return rate === undefined ? undefined : (config.tiny / rate) * 1000;
      },
    },
    {
      workload: `${config.cpuTasks} x ${config.cpuMs} ms CPU`,
      traits: { cpuBound: true, expectedCount: config.cpuTasks },
      task: tasks.spin,
      input: config.cpuMs,
      time: cpuTime,
    },
    // The guide's no-traits rule keeps an undeclared task in-process: right for tiny or
    // waiting tasks, wrong for this one. Only its measurement can tell.
    { workload: `${config.cpuTasks} x ${config.cpuMs} ms CPU`, traits: {}, task: tasks.spin, input: config.cpuMs, time: cpuTime },
    { workload: `${many.tasks} x ${many.waitMs} ms timers at ${many.inFlight}`, traits: ioTraits(many), ...sleep, time: ioTime('io-many') },
    // Same workload, no count declared: the sizes differ but map keeps 500 in flight on every backend.
    { workload: `${many.tasks} x ${many.waitMs} ms timers at ${many.inFlight}`, traits: { ioBound: true }, ...sleep, time: ioTime('io-many') },
    { workload: `${few.tasks} x ${few.waitMs} ms timers`, traits: ioTraits(few), task: tasks.sleep, input: few.waitMs, time: ioTime('io-few') },
    // needsSync changes the rule, not the sizes: the io-few measurements stand.
    {
      workload: `${few.tasks} x ${few.waitMs} ms timers`,
      traits: { ...ioTraits(few), needsSync: true },
      task: tasks.sleep,
      input: few.waitMs,
      time: ioTime('io-few'),
    },
    {
      workload: `${blocking.tasks} x ${blocking.waitMs} ms blocking waits`,
      traits: ioTraits(blocking),
      task: tasks.block,
      input: blocking.waitMs,
      time: ioTime('io-blocking'),
    },
  ];
}

/** Where an adapting auto executor routes the class's task once it has measured it. */
async function adaptedDecision(c: RegretClass): Promise<Decision<string>> {
  const auto = createExecutor({ traits: c.traits, policy: { adapt: true }, execArgv: [] });
  try {
    const probe = async () => {
      for (let i = 0; i < PROBE_CALLS; i++) await auto.run(c.task, c.input);
    };
    await withDeadline(probe(), `adapt probe of ${c.workload}`);
    return auto.explain(c.task);
  } finally {
    await auto.close();
  }
}

export async function policyRegret(rows: Row[], config: BenchConfig): Promise<RegretRow[]> {
  const result: RegretRow[] = [];
  progress(`policy regret: adapt probes (${PROBE_CALLS} calls per class)`);
  for (const c of classes(config)) {
    const auto = createExecutor({ traits: c.traits });
    const decision = auto.explain();
    await auto.close();
    const adapted = await adaptedDecision(c);
    const times: Partial<Record<Family, number>> = {};
    for (const backend of BACKENDS) {
      const t = c.time(rows, backend);
      if (t !== undefined) times[backend] = t;
    }
    const measured = Object.entries(times) as [Family, number][];
    const [fastest, best] = measured.reduce((a, b) => (b[1] < a[1] ? b : a));
    // The policy never picks 'distributed' by itself (scale-out is explicit).
    const regretOf = (pick: Family) => (times[pick] === undefined ? Number.NaN : times[pick]! / best);
    const pick = decision.backend as Family;
    result.push({
      workload: c.workload,
      traits: c.traits,
      pick,
      rule: decision.rule,
      times,
      fastest,
      regret: regretOf(pick),
      adapted: {
        pick: adapted.backend as Family,
        rule: adapted.rule,
        kind: adapted.measured?.kind,
        regret: regretOf(adapted.backend as Family),
      },
    });
  }
  return result;
}
