/**
 * Measured traits (API.md): every backend that can run a task measures how
 * its calls behave, and `explain(task).measured` shows the task's profile.
 * Calls run one at a time here, so nothing but the task itself is measured.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { platform } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createExecutor, defineTask, type Executor, type Task, type TaskProfile } from 'unified-executor';
import { localBackends } from './contract/backends-under-test.js';
import { destroyAfterEach } from './contract/helpers.js';

const measured = new URL('./fixtures/measured.mjs', import.meta.url);
const spin = defineTask<(ms: number) => number>(measured, 'spin');
const wait = defineTask<(ms: number) => number>(measured, 'wait');
const block = defineTask<(ms: number) => number>(measured, 'block');
const readSync = defineTask<(ms: number) => number>(measured, 'readSyncFor');
const echo = defineTask<(n: number) => number>(measured, 'echo');

/** Measured calls a profile needs before adapt or advice act on it (policy.ts MEASURED_AFTER_RUNS). */
const ENOUGH_RUNS = 5;
/** Each call's length: long enough for the clocks, short enough for a quick suite. */
const CALL_MS = 20;

const track = destroyAfterEach();

async function runInTurn(executor: Executor, task: Task<number, unknown>, calls: number, input = CALL_MS): Promise<void> {
  for (let i = 0; i < calls; i++) await executor.run(task, input);
}

describe.each(localBackends)('measurement on the $name backend', ({ name, slots }) => {
  it.each<[string, TaskProfile['kind'], Task<number, number>]>([
    ['a task that spins', 'cpu', spin],
    ['a task that awaits timers', 'waiting-io', wait],
    ['a task that blocks in Atomics.wait', 'blocking-io', block],
    ['a task that blocks in synchronous fs', 'blocking-io', readSync],
  ])('%s is measured %s', async (_what, kind, task) => {
    const executor = track(createExecutor({ ...slots(1), ...(name === 'async' ? {} : { execArgv: [] }) }));
    expect(executor.explain(task).measured).toBeUndefined();
    await runInTurn(executor, task, 8);
    const decision = executor.explain(task);
    // An explicit backend keeps profiles, and never moves a task.
    expect(decision).toMatchObject({ backend: name, rule: 'explicit', measured: { kind } });
    const profile = decision.measured!;
    expect(profile.runs).toBeGreaterThanOrEqual(ENOUGH_RUNS);
    expect(profile.runs).toBeLessThanOrEqual(8);
    // The median call ran about CALL_MS: generous bounds for a busy shared machine. A spin's
    // time waiting for a CPU is taken out of its running time, so under load it ran less.
    expect(profile.runMs).toBeGreaterThanOrEqual(kind === 'cpu' ? 1 : CALL_MS * 0.8);
    expect(profile.runMs).toBeLessThan(CALL_MS * 10);
    if (kind === 'cpu') expect(profile.cpuShare).toBeGreaterThanOrEqual(0.5);
    else expect(profile.cpuShare).toBeLessThan(0.5);
  });

  it('measures the items of a map chunk one by one', async () => {
    const executor = track(createExecutor({ ...slots(1), ...(name === 'async' ? {} : { execArgv: [] }) }));
    const inputs = Array.from({ length: 24 }, () => 20);
    for await (const _ of executor.map(wait, inputs, { chunkSize: 4 }));
    const profile = executor.explain(wait).measured!;
    expect(profile.kind).toBe('waiting-io');
    // A chunk of 4 runs its waits at once (~20 ms, 5 per item) or in turn (~80 ms, 20 per item), not 80 per item.
    expect(profile.runMs).toBeLessThan(40);
  });
});

/** Processes that keep every core busy (each ends by itself after 10 s, should the test die). */
async function busyCores(count: number): Promise<ChildProcess[]> {
  const hogs = Array.from({ length: count }, () =>
    spawn(process.execPath, ['-e', 'const end = Date.now() + 10_000; while (Date.now() < end);'], { stdio: 'ignore' }),
  );
  await Promise.all(hogs.map((hog) => new Promise((resolve) => hog.once('spawn', resolve))));
  await new Promise((resolve) => setTimeout(resolve, 200));
  return hogs;
}

describe.runIf(platform() === 'linux')('measurement on a busy machine (async backend, Linux run queue)', () => {
  it('still measures a spinning task cpu when other processes take most of the CPU', async () => {
    const executor = track(createExecutor({ backend: 'async' }));
    // Four busy processes on the test's cores: a spin gets a fraction of a core,
    // and without the run-queue correction its CPU share falls below one half.
    const hogs = await busyCores(4);
    try {
      await runInTurn(executor, spin, 8);
    } finally {
      for (const hog of hogs) hog.kill('SIGKILL');
    }
    expect(executor.explain(spin).measured).toMatchObject({ kind: 'cpu' });
    expect(executor.explain(spin).measured!.cpuShare).toBeGreaterThanOrEqual(0.5);
  });
});

describe('profiles (async backend)', () => {
  it('are kept for plain functions too, on the direct path and on the Job path (a timeout)', async () => {
    const executor = track(createExecutor({ backend: 'async' }));
    const sleepy = (ms: number) => new Promise<number>((resolve) => setTimeout(resolve, ms, ms));
    for (let i = 0; i < 4; i++) await executor.run(sleepy, 10);
    // 4 calls on the direct path; the first is not recorded when its (cold) synchronous part ran 50 µs
    // or more (the async backend's call sampler leaves such an unclocked call out).
    const direct = executor.explain(sleepy).measured!.runs;
    expect(direct).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < 4; i++) await executor.run(sleepy, 10, { timeout: 5_000 });
    expect(executor.explain(sleepy).measured).toMatchObject({ kind: 'waiting-io' });
    // 4 on the Job path, whose first call is cold too (Node 24 in CI left out one of each: 6 of 8).
    expect(executor.explain(sleepy).measured!.runs - direct).toBeGreaterThanOrEqual(3);
  });

  it('count every call while a task is new, then a sample of them', async () => {
    const executor = track(createExecutor({ backend: 'async' }));
    await Promise.all(Array.from({ length: 1_000 }, (_, i) => executor.run(echo, i)));
    const { runs } = executor.explain(echo).measured!;
    // 16 in full, then 1 in 64 (task-profile.ts): far fewer than the calls.
    expect(runs).toBeGreaterThanOrEqual(16);
    expect(runs).toBeLessThan(60);
  });

  it('ration samples across tasks: a new closure per run is not measured on every call', async () => {
    const executor = track(createExecutor({ backend: 'async' }));
    const closures = Array.from({ length: 2_000 }, (_, i) => (x: number) => x + i);
    await Promise.all(closures.map((closure) => executor.run(closure, 1)));
    // The first 256 spend the burst; after it, about one new function in 256 is measured.
    const measuredLate = closures.slice(1_000).filter((closure) => executor.explain(closure).measured !== undefined).length;
    expect(measuredLate).toBeGreaterThanOrEqual(1);
    expect(measuredLate).toBeLessThan(20);
  });

  it('do not count failed calls', async () => {
    const executor = track(createExecutor({ backend: 'async' }));
    const fails = () => {
      throw new Error('no');
    };
    for (let i = 0; i < 5; i++) await executor.run(fails, null).catch(() => undefined);
    expect(executor.explain(fails).measured).toBeUndefined();
  });

  it('take bounded memory: past 256 distinct tasks, the least recently measured is forgotten', async () => {
    const executor = track(createExecutor({ backend: 'async' }));
    // 300 task definitions: one export of 300 copies of a module (a query string makes each its own).
    const tasks = Array.from({ length: 300 }, (_, i) => defineTask<(n: number) => number>(`${measured.href}?copy=${i}`, 'echo'));
    for (const task of tasks) {
      await executor.run(task, 1); // imports its module: not measured
      await executor.run(task, 1);
      // Calls of a task already known, so that the sample budget allows each new task its sample.
      await Promise.all(Array.from({ length: 64 }, () => executor.run(echo, 1)));
    }
    // 256 entries: echo's (measured all along) and the last 255 tasks'.
    expect(executor.explain(echo).measured).toBeDefined();
    const kept = tasks.filter((task) => executor.explain(task).measured !== undefined);
    // Bounded: never more than 256 profiles. A call that a pause (GC) made run long while its
    // clocks were not read is not recorded, so one task now and then has no profile at all:
    // which ones are kept is asserted loosely, the bound and the order strictly.
    expect(kept.length).toBeLessThanOrEqual(255);
    expect(kept.length).toBeGreaterThanOrEqual(240);
    // The least recently measured went first: nothing of the first 30 is left, and what is kept is the latest.
    expect(tasks.slice(0, 30).filter((task) => kept.includes(task))).toEqual([]);
    expect(executor.explain(kept.at(-1)!).measured).toMatchObject({ runs: 1 });
  });

  it('are kept per task definition: another Task object for the same export shares the profile', async () => {
    const executor = track(createExecutor({ backend: 'async' }));
    await runInTurn(executor, wait, 3, 5);
    // Not an exact count: the async backend leaves a call unrecorded when its synchronous part was
    // not clocked and turned out long (a preemption or GC pause on a busy machine), by design.
    const before = executor.explain(wait).measured?.runs ?? 0;
    expect(before).toBeGreaterThan(0);
    const again = defineTask<(ms: number) => number>(measured, 'wait', { ioBound: true });
    await runInTurn(executor, again, 3, 5);
    const shared = executor.explain(wait).measured?.runs ?? 0;
    // Kept apart, the first object's profile would not have grown.
    expect(shared).toBeGreaterThan(before);
    expect(executor.explain(again).measured?.runs).toBe(shared);
  });

  it('are off with UNIFIED_EXECUTOR_MEASURE=0 when the executor is created (the benchmark switch)', async () => {
    process.env.UNIFIED_EXECUTOR_MEASURE = '0';
    let executor: Executor;
    try {
      executor = track(createExecutor({ backend: 'async' }));
    } finally {
      delete process.env.UNIFIED_EXECUTOR_MEASURE;
    }
    await runInTurn(executor, wait, 3, 5);
    await executor.run(wait, 5, { timeout: 5_000 });
    expect(executor.explain(wait).measured).toBeUndefined();
  });
});
