/**
 * `policy: { adapt: true }` routes a portable task by how it was measured;
 * without it, a measurement that contradicts the declared rule is reported
 * once per task as a `policy-advice` warning (API.md "Measured traits").
 */
import { describe, expect, it } from 'vitest';
import { createExecutor, defineTask, type Executor, type Task, type WarningEvent } from 'unified-executor';
import { destroyAfterEach } from './contract/helpers.js';

const measured = new URL('./fixtures/measured.mjs', import.meta.url);
type Where = { pid: number; isMainThread: boolean };
/** Timer waits declared as a few I/O tasks: the guide's `io-few` rule sends them to threads. */
const fewTimers = defineTask<(ms: number) => Where>(measured, 'waitWhere', { ioBound: true, expectedCount: 400 });
/** A CPU-heavy Task that declares nothing: `no-traits` keeps it on the async loop. */
const undeclaredSpin = defineTask<(ms: number) => Where>(measured, 'spinWhere');
const echo = defineTask<(n: number) => number>(measured, 'echo');
const syncedSpin = defineTask<(ms: number) => Where>(measured, 'spinWhere', { ioBound: true, needsSync: true });

const track = destroyAfterEach();

async function runInTurn<I>(executor: Executor, task: Task<I, unknown> | ((input: I) => unknown), calls: number, input: I): Promise<void> {
  for (let i = 0; i < calls; i++) await executor.run(task, input);
}

/**
 * The executor's `policy-advice` warnings. Only those: on a loaded machine the
 * async backend's block detector may also report an `event-loop-blocked`
 * (a 10 ms spin preempted past 100 ms of wall time, a timer wait whose thread
 * waited as long for a CPU), which is another feature's business.
 */
function adviceOf(executor: Executor): WarningEvent[] {
  const warnings: WarningEvent[] = [];
  executor.on('warning', (w) => w.type === 'policy-advice' && warnings.push(w));
  return warnings;
}

describe('adapt: true', () => {
  it('moves timer waits declared as a few I/O tasks from threads to the async loop', async () => {
    const executor = track(createExecutor({ policy: { adapt: true } }));
    expect(executor.explain(fewTimers)).toMatchObject({ backend: 'thread', rule: 'io-few' });
    const first = await executor.run(fewTimers, 10);
    expect(first.isMainThread).toBe(false);
    await runInTurn(executor, fewTimers, 7, 10);
    const decision = executor.explain(fewTimers);
    expect(decision).toMatchObject({ backend: 'async', rule: 'measured-waiting', measured: { kind: 'waiting-io' } });
    // One sentence: the declared rule, the measurement, the rule in force.
    expect(decision.reason).toMatch(/rule io-few.*measured waiting-io.*rule measured-waiting now routes it to async/);
    expect(decision.size).toEqual({ concurrency: 400 });
    const later = await executor.run(fewTimers, 10);
    expect(later).toEqual({ pid: process.pid, isMainThread: true });
  });

  it('moves a spinning Task that declares no traits from the async loop to a pool', async () => {
    const executor = track(createExecutor({ policy: { adapt: true } }));
    expect(executor.explain(undeclaredSpin)).toMatchObject({ backend: 'async', rule: 'no-traits' });
    expect(executor.explain(undeclaredSpin).reason).toContain('0 of 5 calls measured so far');
    // The first call of a task is not clocked on the async backend (async.ts Loaded.longSync): 6 calls, 5 measured.
    await runInTurn(executor, undeclaredSpin, 6, 20);
    const decision = executor.explain(undeclaredSpin);
    expect(decision).toMatchObject({ backend: 'process', rule: 'measured-cpu', measured: { kind: 'cpu', runs: 5 } });
    expect(decision.reason).toMatch(/^Declared traits chose async by rule no-traits .*measured cpu .*now routes it to process instead\.$/);
    const moved = await executor.run(undeclaredSpin, 20);
    expect(moved.pid).not.toBe(process.pid);
    expect(executor.stats().backends).toMatchObject({ async: { completed: 6 }, process: { completed: 1 } });
  });

  it('never moves a plain function, however it measures', async () => {
    const executor = track(createExecutor({ policy: { adapt: true } }));
    const spinHere = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
      return ms;
    };
    await runInTurn(executor, spinHere, 8, 10);
    const decision = executor.explain(spinHere);
    expect(decision).toMatchObject({ backend: 'async', rule: 'no-traits', measured: { kind: 'cpu' } });
    expect(decision.reason).toContain('a plain function can only run on the async loop');
    expect(Object.keys(executor.stats().backends!)).toEqual(['async']);
  });

  it('keeps a tiny task where it is (a pool costs more than it runs), and io-sync tasks on the async loop', async () => {
    const executor = track(createExecutor({ policy: { adapt: true } }));
    await runInTurn(executor, echo, 20, 1);
    expect(executor.explain(echo)).toMatchObject({ backend: 'async', rule: 'no-traits', measured: { kind: 'cpu' } });
    expect(executor.explain(echo).reason).toContain('too short to gain from a pool');
    await runInTurn(executor, syncedSpin, 6, 10);
    expect(executor.explain(syncedSpin)).toMatchObject({ backend: 'async', rule: 'io-sync', measured: { kind: 'cpu' } });
    expect(Object.keys(executor.stats().backends!)).toEqual(['async']);
  });

  it("follows the policy's backend for a measured rule", async () => {
    const executor = track(createExecutor({ policy: { adapt: true, backends: { 'measured-cpu': 'thread' } } }));
    await runInTurn(executor, undeclaredSpin, 6, 20);
    expect(executor.explain(undeclaredSpin)).toMatchObject({ backend: 'thread', rule: 'measured-cpu' });
    expect((await executor.run(undeclaredSpin, 1)).isMainThread).toBe(false);
  });
});

describe('policy advice (adapt off, the default)', () => {
  it('routes as declared and warns once per task, naming the measurement and the backend it would pick', async () => {
    const executor = track(createExecutor());
    const warnings = adviceOf(executor);
    // 10 ms calls: on a busy machine a spin's time waiting for a CPU is taken out, and what is left must stay above 1 ms.
    await runInTurn(executor, undeclaredSpin, 12, 10);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).toHaveLength(1);
    const [advice] = warnings;
    expect(advice).toMatchObject({
      type: 'policy-advice',
      backend: 'async',
      task: 'measured.mjs#spinWhere',
      measured: { kind: 'cpu' },
      advice: { backend: 'process', rule: 'measured-cpu' },
    });
    expect(advice!.message).toMatch(/measured cpu .*rule no-traits routes it to async; the measurement would pick process/);
    // Nothing moved.
    expect(executor.explain(undeclaredSpin)).toMatchObject({ backend: 'async', rule: 'no-traits', measured: { kind: 'cpu' } });
    expect(Object.keys(executor.stats().backends!)).toEqual(['async']);

    // Another task gets its own (single) advice.
    const other = defineTask<(ms: number) => number>(measured, 'spin');
    await runInTurn(executor, other, 12, 10);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.map((w) => w.task)).toEqual(['measured.mjs#spinWhere', 'measured.mjs#spin']);
  });

  it('advises moving timer waits declared as a few I/O tasks to the async loop', async () => {
    const executor = track(createExecutor());
    const warnings = adviceOf(executor);
    await runInTurn(executor, fewTimers, 8, 10);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).toMatchObject([{ type: 'policy-advice', backend: 'thread', advice: { backend: 'async', rule: 'measured-waiting' } }]);
    expect(executor.explain(fewTimers)).toMatchObject({ backend: 'thread', rule: 'io-few' });
  });

  it('stays quiet when the measurement agrees with the rule, for tiny tasks, and on an explicit backend', async () => {
    const executor = track(createExecutor());
    const warnings = adviceOf(executor);
    const timers = defineTask<(ms: number) => Where>(measured, 'waitWhere', { ioBound: true });
    await runInTurn(executor, timers, 8, 5);
    await runInTurn(executor, echo, 40, 1);
    const explicit = track(createExecutor({ backend: 'async' }));
    const explicitWarnings = adviceOf(explicit);
    await runInTurn(explicit, undeclaredSpin, 8, 2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).toEqual([]);
    expect(explicitWarnings).toEqual([]);
    expect(explicit.explain(undeclaredSpin)).toMatchObject({ rule: 'explicit', measured: { kind: 'cpu' } });
  });
});
