/**
 * Part of the contract suite: API.md "Slots, dispatch ahead, and priority",
 * "sending ahead never holds a result back", on the pools (thread, process):
 * they send calls ahead and batch results, and learn that a call started from
 * the results of the calls before it. (The async backend runs tasks on the
 * caller's own thread, where a computing task blocks the caller itself; the
 * distributed one runs its jobs on workers' local executors, tested here.)
 *
 * The worst case each time: tiny calls the worker has already measured as
 * tiny (so it would batch their results), of the task that comes next and of
 * another, all submitted in one turn with the call after them (so they reach
 * the worker in one message), on one worker.
 */
import { describe, expect, it } from 'vitest';
import { createExecutor, defineTask, type Executor, type Task, type WorkerExitEvent } from 'unified-executor';
import { localBackends } from './backends-under-test.js';
import { destroyAfterEach, outcome } from './helpers.js';

const fixture = new URL('../fixtures/held-results.mjs', import.meta.url);
const stamp = defineTask<(n: number) => number>(fixture, 'stamp');
const otherStamp = defineTask<(n: number) => number>(fixture, 'otherStamp');
const spin = defineTask<(ms: number) => number>(fixture, 'spin');
const forever = defineTask<(x: null) => never>(fixture, 'forever');
const spinFrom = defineTask<(ms: number) => [began: number, finished: number]>(fixture, 'spinFrom');

/** The wall clock the fixture's tasks stamp their results with. */
const clock = () => performance.timeOrigin + performance.now();

/** API.md: a finished result reaches its caller within about 50 ms of finishing. */
const RESULT_BOUND_MS = 50;
/** API.md: a call with `timeout: T` rejects in time; the bound is T + 200 ms. */
const TIMEOUT_MS = 300;
const TIMEOUT_SLACK_MS = 200;
const LONG_MS = 1_000;
/**
 * README "Calls sent ahead": results wait for a call only when it comes in the
 * same message of calls as they did, and a pool sends a worker at most its
 * slot plus 256 calls ahead (src/backends/pool/run-window.ts, MAX_AHEAD).
 */
const MAX_HELD = 256;

const pools = localBackends.filter((backend) => backend.isolated);

/** A pause of our own event loop longer than this (ms) is a stall: the OS did not run us, or a GC paused us. */
const STALL_MS = 5;

/** When this thread stood still: gaps between the ticks of a 1 ms timer longer than STALL_MS. */
class Stalls {
  #gaps: [number, number][] = [];
  #last = clock();
  #timer = setInterval(() => {
    const now = clock();
    if (now - this.#last > STALL_MS) this.#gaps.push([this.#last, now]);
    this.#last = now;
  }, 1);

  /** ms of [from, to] we stood still, counting the current gap up to `to` (we run again only now). */
  within(from: number, to: number): number {
    let stalled = 0;
    for (const [start, end] of [...this.#gaps, [this.#last, to] as [number, number]]) {
      if (end - start <= STALL_MS) continue;
      stalled += Math.max(0, Math.min(end, to) - Math.max(start, from));
    }
    return stalled;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

describe.each(pools)('results are never held behind another call on the $name backend', (backend) => {
  const track = destroyAfterEach();
  const make = () => track(createExecutor({ ...backend.slots(1) }));

  /**
   * Runs the tiny tasks enough that the worker has measured them tiny and the
   * pool's window is deep; `spin` for `spinMs` (0: measured tiny too; null: not run).
   */
  async function warm(executor: Executor, spinMs: number | null, long: Task<number, unknown> = spin): Promise<void> {
    for (let round = 0; round < 3; round++) {
      await Promise.all(Array.from({ length: 200 }, (_, i) => executor.run(i % 2 === 0 ? stamp : otherStamp, i)));
      if (spinMs !== null) await executor.run(long, spinMs);
    }
  }

  /**
   * `count` tiny calls of two tasks, submitted in one turn, then `next` in the
   * same turn. Each tiny call resolves with when it finished and how long its
   * result took to reach us (ms): from when it finished, or from when we were
   * done submitting, if later (a result cannot reach a caller busy submitting),
   * less the time our own thread stood still meanwhile (Stalls: on a loaded
   * machine the OS may not run us for tens of ms; a result held behind the
   * next call is late by all of that call's run time, with our thread free).
   */
  function tinyCallsThen<T>(executor: Executor, count: number, next: () => T): { tiny: Promise<{ late: number; finished: number }[]>; next: T } {
    const stalls = new Stalls();
    let submitted = Number.POSITIVE_INFINITY;
    const tiny = Array.from({ length: count }, (_, i) =>
      executor.run(i % 2 === 0 ? stamp : otherStamp, i).then((finished) => {
        const from = Math.max(finished, submitted);
        const now = clock();
        return { late: now - from - stalls.within(from, now), finished };
      }),
    );
    const after = next();
    submitted = clock();
    return { tiny: Promise.all(tiny).finally(() => stalls.stop()), next: after };
  }

  // The one pattern left where results may wait (README "Calls sent ahead"): a task measured
  // tiny whose next call runs long, with neither timeout nor signal; bounded in the last test.
  const nexts = [
    { what: 'a long call of a task not measured tiny', run: (e: Executor) => e.run(spin, LONG_MS), spinMs: 5 },
    { what: 'a long call of a task never run on it', run: (e: Executor) => e.run(spin, LONG_MS), spinMs: null },
    { what: 'a long call of a task measured tiny, with a timeout', run: (e: Executor) => e.run(spin, LONG_MS, { timeout: 10 * LONG_MS }), spinMs: 0 },
    {
      what: 'a long call of a task measured tiny, with an abort signal',
      run: (e: Executor) => e.run(spin, LONG_MS, { signal: new AbortController().signal }),
      spinMs: 0,
    },
  ];

  it.each(nexts)(`a finished result reaches its caller within ${RESULT_BOUND_MS} ms when the worker runs $what next`, async ({ run, spinMs }) => {
    const executor = make();
    await warm(executor, spinMs);
    const { tiny, next: long } = tinyCallsThen(executor, 100, () => run(executor));
    const lates = (await tiny).map((t) => t.late);
    expect(Math.max(...lates)).toBeLessThan(RESULT_BOUND_MS);
    expect(await long).toBeGreaterThan(0);
  });

  it.each([100, 2_000])(
    `a call with timeout ${TIMEOUT_MS} that never returns rejects by ${TIMEOUT_MS} + ${TIMEOUT_SLACK_MS} ms right behind %i tiny calls, and every tiny call settles`,
    async (count) => {
      const executor = make();
      await warm(executor, 0);
      const { tiny, next: never } = tinyCallsThen(executor, count, () => outcome(executor.run(forever, null, { timeout: TIMEOUT_MS })));
      const settled = await tiny;
      const lastFinished = Math.max(...settled.map((t) => t.finished));
      const result = await never;
      // It started right after the last tiny call finished.
      const rejectedAfter = clock() - lastFinished;
      expect(result.ok).toBe(false);
      expect(result.ok ? undefined : result.error).toMatchObject({ name: 'TaskTimeoutError' });
      expect(rejectedAfter).toBeLessThan(TIMEOUT_MS + TIMEOUT_SLACK_MS);
      // Every tiny call settled, with its own result (held results would have died with the worker).
      expect(settled).toHaveLength(count);
      // The pool goes on: the worker that ran it was replaced.
      expect(await executor.run(stamp, 0)).toBeGreaterThan(0);
    },
  );

  it('aborting a call that never returns, right behind tiny calls, ends its worker and the calls after it run', async () => {
    const executor = make();
    const exits: WorkerExitEvent[] = [];
    executor.on('workerExit', (event) => exits.push(event));
    await warm(executor, 0);
    const controller = new AbortController();
    const { tiny, next: never } = tinyCallsThen(executor, 500, () => outcome(executor.run(forever, null, { signal: controller.signal })));
    const after = executor.run(stamp, 0);
    await tiny;
    // Running by now: the pool must know it (else it would drop a call the worker runs, and wait for ever).
    await new Promise((resolve) => setTimeout(resolve, 100));
    const reason = new Error('enough');
    controller.abort(reason);
    expect(await never).toEqual({ ok: false, error: reason });
    expect(await after).toBeGreaterThan(0);
    expect(exits).toHaveLength(1);
  });

  /**
   * The one pattern where results may still wait (README "Calls sent ahead"):
   * a task measured tiny whose call suddenly runs long, with neither timeout
   * nor signal. Its bound: the results held are at most those of the calls
   * from the same message of calls (MAX_HELD), they reach their callers by the
   * time the long call ends (plus RESULT_BOUND_MS), and it happens once: the
   * task, seen long, is not waited for again (here after it was measured tiny
   * again, which alone would have let results wait for it).
   */
  it('a task measured tiny whose call runs long holds at most one message of results, until that call ends, and only once', async () => {
    const executor = make();
    await warm(executor, 0, spinFrom);
    const first = tinyCallsThen(executor, 2_000, () => executor.run(spinFrom, LONG_MS));
    const [settled, [, ended]] = await Promise.all([first.tiny, first.next]);
    const held = settled.filter((t) => t.late >= RESULT_BOUND_MS);
    expect(held.length).toBeLessThanOrEqual(MAX_HELD);
    // Each held result came by the time the long call ended, or within the bound after.
    for (const t of held) expect(t.late).toBeLessThan(ended - t.finished + RESULT_BOUND_MS);

    // Measured tiny again (its last calls took no time), then long again: nothing waits now
    // (100 tiny calls, as in the tests above: 2,000 results keep this thread busy enough
    // under load to delay some by more than the bound, held or not).
    await warm(executor, 0, spinFrom);
    const second = tinyCallsThen(executor, 100, () => executor.run(spinFrom, LONG_MS));
    const [again] = await Promise.all([second.tiny, second.next]);
    expect(Math.max(...again.map((t) => t.late))).toBeLessThan(RESULT_BOUND_MS);
  });
});
