/**
 * Counterexamples the property suite found (shrunk by fast-check), kept as
 * plain tests so they run every time, each with the bug it exposed.
 */
import { describe, expect, it } from 'vitest';
import { createExecutor, defineTask, TaskTimeoutError, type TaskContext } from 'unified-executor';
import { nextTurn, tasks, track, WorkerLedger } from './helpers.js';
import { play, type Scenario } from './sequences.js';

describe('property counterexamples', () => {
  // Bug: close() then destroy() in the same turn left a live thread. piscina's
  // close(), started after its destroy(), ran a second destroy that reset
  // `destroying` while the first still waited for the thread's exit; the exit
  // then looked like a crash and piscina spawned a replacement nobody ended.
  it.each(['thread', 'process', 'async'] as const)('close() then destroy() at once leaves no worker (%s)', async (backend) => {
    const s: Scenario = { slots: 1, minWorkers: 1, ops: [{ t: 'close' }], end: 'destroy' };
    expect(await play(backend, s)).toEqual([]);
  });

  it('a thread pool with minWorkers is empty once destroy() resolves, even right after close()', async () => {
    const executor = createExecutor({ backend: 'thread', maxWorkers: 1, minWorkers: 1, execArgv: [] });
    const ledger = new WorkerLedger(executor);
    const closing = executor.close();
    await executor.destroy();
    await closing;
    await nextTurn();
    expect(executor.stats().workers).toBe(0);
    expect(ledger.live()).toEqual([]);
  });
});

describe('close() right after a running thread task was stopped', () => {
  // Bug: close() waited 30 s (piscina's closeTimeout) and then reported a
  // CloseTimeout warning. Aborting a running call ends its thread
  // (terminate), which takes a moment; piscina's close() counted that thread
  // as busy and, when it exited, settled its call without the "task done"
  // signal close() was waiting for. Shrunk from
  // {slots:1,minWorkers:1,ops:[{t:'abortLater',ms:3,hang:false}],end:'close'}.
  it.each([
    ['aborted', (signal: AbortSignal) => ({ task: tasks.hang, input: null, options: { signal } })],
    ['timed out in a synchronous loop', () => ({ task: tasks.spin, input: 60_000, options: { timeout: 30 } })],
  ] as const)('close() resolves promptly when the task was %s', async (_what, make) => {
    const executor = createExecutor({ backend: 'thread', maxWorkers: 1, minWorkers: 1, execArgv: [] });
    const ledger = new WorkerLedger(executor);
    const warnings: string[] = [];
    executor.on('warning', (w) => warnings.push(w.message));
    const controller = new AbortController();
    const { task, input, options } = make(controller.signal);
    const first = new Promise((resolve) => executor.once('taskStart', resolve));
    const run = track(executor.run(task as typeof tasks.hang, input, options));
    await first;
    controller.abort(new Error('stop'));
    expect((await run.promise).ok).toBe(false);
    // Generous bound, far under piscina's 30 s closeTimeout that the bug waited for.
    await executor.close();
    await nextTurn();
    expect(executor.stats().workers).toBe(0);
    expect(ledger.live()).toEqual([]);
    expect(warnings).toEqual([]);
  }, 60_000);
});

describe('close() while an aborted task has its grace period', () => {
  // Bug: a task whose function takes a context gets `abortGraceMs` to honour
  // its signal; if close() released its worker meanwhile, the grace timer no
  // longer ended it (it skipped every worker already 'stopping', released ones
  // included), so a task spinning without looking at its signal ran to its
  // end for no one, and close() waited for it: 60 s on a thread (a thread
  // released while its task spins never reads the release). The sync-loop
  // timeout test above hit the same path, about 1 run in 4 under load, when
  // the timeout fired before the worker's "this task takes no context" notice arrived.
  const spinDeaf = defineTask<(ms: number, ctx: TaskContext) => number>(new URL('../fixtures/context.mjs', import.meta.url), 'spinDeaf');

  it.each(['thread', 'process'] as const)('the worker is ended when the grace period passes (%s)', async (backend) => {
    const executor = createExecutor({ backend, maxWorkers: 1, abortGraceMs: 100, execArgv: [] });
    const ledger = new WorkerLedger(executor);
    const run = track(executor.run(spinDeaf, 30_000, { timeout: 50 }));
    const result = await run.promise;
    expect((result as { error: unknown }).error).toBeInstanceOf(TaskTimeoutError);
    const began = performance.now();
    // The task would spin for 30 s: close() must not wait for it (generous: a loaded machine).
    const closed = await Promise.race([executor.close().then(() => true), new Promise<false>((resolve) => setTimeout(resolve, 15_000, false))]);
    const tookMs = performance.now() - began;
    if (!closed) await executor.destroy();
    expect(closed, `close() still pending after ${tookMs.toFixed(0)} ms`).toBe(true);
    await nextTurn();
    expect(executor.stats().workers).toBe(0);
    expect(ledger.live()).toEqual([]);
  }, 60_000);
});
