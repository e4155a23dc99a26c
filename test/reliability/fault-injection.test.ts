/**
 * Fault injection under load: 5,000 tasks stream through a pool while its
 * workers are killed at random (SIGKILL for child processes; for threads,
 * the fixture's kill hook makes the chosen thread call process.exit).
 * Every task must end exactly once, with its own correct result or a
 * WorkerCrashedError; no task may run twice (no silent retry) and the pool
 * must end at full size.
 */
import { describe, expect, it, onTestFailed } from 'vitest';
import { createExecutor, WorkerCrashedError } from 'unified-executor';
import { killThread, nextTurn, pidAlive, tasks, track, WorkerLedger, watchProcessErrors } from './helpers.js';

const TASKS = 5_000;
const WORKERS = 2;
/** A kill after every this-many results, on average (jittered by a seeded generator, so a failure replays). */
const KILL_EVERY = 150;

/** mulberry32: a tiny seeded generator, so the kill schedule of a failing run can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.each(['process', 'thread'] as const)('fault injection on the %s backend', (backend) => {
  it(`${TASKS} tasks, workers killed at random: each ends once, correct or WorkerCrashedError; the pool ends full`, { timeout: 120_000 }, async () => {
    const seed = Number(process.env.RELIABILITY_SEED ?? 20261125);
    const rand = random(seed);
    const watch = watchProcessErrors();
    // Two calls per worker: a kill also fails the neighbour that shared it.
    const executor = createExecutor({ backend, maxWorkers: WORKERS, minWorkers: WORKERS, concurrentTasksPerWorker: 2, execArgv: [] });
    const ledger = new WorkerLedger(executor);
    let starts = 0;
    executor.on('taskStart', () => starts++);
    const warnings: string[] = [];
    executor.on('warning', (w) => warnings.push(w.message));
    // On a failure (a timeout waiting for the pool to refill included), say where things stood.
    onTestFailed(() => {
      console.error(
        `[fault-injection] ${backend} failed (seed ${seed}): ${kills} kills, live workers ${JSON.stringify(ledger.live())}, ` +
          `spawned ${ledger.spawned.size}, stats ${JSON.stringify(executor.stats())}, warnings ${JSON.stringify(warnings)}`,
      );
    });

    // Workers seen answering: up and busy, the ones worth killing.
    const busy = new Set<number>();
    let kills = 0;
    let sinceKill = 0;
    let nextKillAt = Math.ceil(rand() * 2 * KILL_EVERY);
    const maybeKill = () => {
      if (++sinceKill < nextKillAt) return;
      const candidates = [...busy].filter((id) => ledger.live().includes(id));
      if (candidates.length === 0) return;
      const victim = candidates[Math.floor(rand() * candidates.length)]!;
      busy.delete(victim);
      if (backend === 'process') {
        if (pidAlive(victim)) process.kill(victim, 'SIGKILL');
      } else killThread(victim);
      kills++;
      sinceKill = 0;
      nextKillAt = Math.ceil(rand() * 2 * KILL_EVERY);
    };

    const runs = Array.from({ length: TASKS }, (_, n) => {
      const tracked = track(executor.run(tasks.squareWhere, { n, ms: n % 3 }));
      void tracked.promise.then((o) => {
        if (o.ok) busy.add(backend === 'process' ? o.value.pid : o.value.threadId);
        maybeKill();
      });
      return tracked;
    });
    const outcomes = await Promise.all(runs.map((r) => r.promise));

    let correct = 0;
    let crashed = 0;
    const wrong: string[] = [];
    outcomes.forEach((o, n) => {
      if (o.ok && o.value.value === n * n) correct++;
      else if (!o.ok && o.error instanceof WorkerCrashedError) crashed++;
      else wrong.push(`task ${n}: ${o.ok ? `value ${o.value.value}` : String(o.error)}`);
    });
    expect(wrong).toEqual([]);
    expect(correct + crashed).toBe(TASKS);
    expect(kills).toBeGreaterThan(5);
    expect(crashed).toBeGreaterThan(0);
    // Each task started once: a crash is reported, never retried behind the caller's back.
    expect(starts).toBe(TASKS);
    expect(executor.stats()).toMatchObject({ submitted: TASKS, completed: correct, failed: crashed, cancelled: 0, queued: 0, running: 0 });

    // Full size again: replacements for every killed worker (event-driven wait, bounded by the test timeout).
    await ledger.until(() => ledger.live().length === WORKERS);
    expect(executor.stats().workers).toBe(WORKERS);
    process.stdout.write(`[fault-injection] ${backend}: ${TASKS} tasks, ${kills} kills, ${correct} correct, ${crashed} WorkerCrashedError, 0 lost, 0 duplicated, ${ledger.spawned.size} workers spawned (seed ${seed})\n`);

    await executor.close();
    await nextTurn();
    expect(ledger.live()).toEqual([]);
    if (backend === 'process') expect([...ledger.spawned].filter(pidAlive)).toEqual([]);
    watch.stop();
    expect(watch.errors).toEqual([]);
  });
});
