/**
 * The model behind the property-based suite: a sequence of operations on one
 * executor, an interpreter that plays it, and the per-operation check of how
 * each promise may settle. Kept apart from the test file so shrunk
 * counterexamples can be replayed as plain regression tests.
 */
import fc from 'fast-check';
import {
  ExecutorClosedError,
  QueueFullError,
  TaskTimeoutError,
  WorkerCrashedError,
  createExecutor,
  defineTask,
  type Executor,
} from 'unified-executor';
import { killThread, nextTurn, pidAlive, tasks, track, violations, WorkerLedger, watchProcessErrors, type Tracked } from './helpers.js';

const failOnObject = defineTask<(x: number | { message: string; code: string }) => number>(
  new URL('../fixtures/errors.mjs', import.meta.url),
  'failOnObject',
);

export type Op =
  | { t: 'ok'; n: number; ms: number }
  | { t: 'fail' }
  | { t: 'timeout'; ms: number; spin: boolean }
  | { t: 'abortBefore' }
  | { t: 'abortLater'; ms: number; hang: boolean }
  | { t: 'crash'; ms: number }
  | { t: 'kill'; ms: number; pick: number }
  | { t: 'map'; count: number; chunk: number; errorAt: number; stopAfter: number }
  | { t: 'settle' }
  | { t: 'close' }
  | { t: 'destroy' };

export interface Scenario {
  slots: number;
  minWorkers: number;
  /** Pool backends: calls sharing one worker (a crash or a stop then fails the neighbour too). */
  perWorker?: number;
  /** Pool backends: recycle a worker after this many calls. */
  maxTasksPerWorker?: number;
  /** Queued calls beyond which run() rejects with QueueFullError. */
  maxQueue?: number;
  ops: Op[];
  end: 'close' | 'destroy';
}

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('ok' as const), n: fc.integer({ min: 0, max: 1000 }), ms: fc.integer({ min: 0, max: 20 }) }) },
  { weight: 1, arbitrary: fc.constant({ t: 'fail' as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('timeout' as const), ms: fc.integer({ min: 5, max: 60 }), spin: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ t: 'abortBefore' as const }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('abortLater' as const), ms: fc.integer({ min: 0, max: 40 }), hang: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('crash' as const), ms: fc.integer({ min: 0, max: 20 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('kill' as const), ms: fc.integer({ min: 0, max: 40 }), pick: fc.nat(7) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('map' as const),
      count: fc.integer({ min: 0, max: 30 }),
      chunk: fc.integer({ min: 1, max: 8 }),
      // -1: no error; otherwise the index whose input throws.
      errorAt: fc.integer({ min: -1, max: 30 }),
      // How many results the consumer takes before it stops (a `break`); >= count: all.
      stopAfter: fc.integer({ min: 0, max: 40 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ t: 'settle' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'close' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'destroy' as const }) },
);

export const scenario: fc.Arbitrary<Scenario> = fc.record({
  slots: fc.integer({ min: 1, max: 2 }),
  minWorkers: fc.integer({ min: 0, max: 1 }),
  perWorker: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
  maxTasksPerWorker: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  maxQueue: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  ops: fc.array(op, { minLength: 1, maxLength: 10 }),
  end: fc.constantFrom('close' as const, 'destroy' as const),
});

// QueueFullError is allowed everywhere: the refusal comes before anything else about the call.
const isClosed = (e: unknown) => e instanceof ExecutorClosedError || e instanceof QueueFullError;
const isCrash = (e: unknown) => e instanceof WorkerCrashedError;

/** Plays `scenario` on a fresh executor and returns every invariant it broke (empty: all held). */
export async function play(backend: 'async' | 'thread' | 'process', s: Scenario): Promise<string[]> {
  const pool = backend !== 'async';
  const executor: Executor = createExecutor(
    pool
      ? {
          backend,
          maxWorkers: s.slots,
          minWorkers: Math.min(s.minWorkers, s.slots),
          concurrentTasksPerWorker: s.perWorker ?? 1,
          execArgv: [],
          ...(s.maxTasksPerWorker !== undefined ? { maxTasksPerWorker: s.maxTasksPerWorker } : {}),
          ...(s.maxQueue !== undefined ? { maxQueue: s.maxQueue } : {}),
        }
      : { backend, concurrency: s.slots, ...(s.maxQueue !== undefined ? { maxQueue: s.maxQueue } : {}) },
  );
  const ledger = new WorkerLedger(executor);
  // Each accepted task reports its end once: taskEnd or taskError, never both, never twice.
  const ends = { taskEnd: 0, taskError: 0 };
  executor.on('taskEnd', () => ends.taskEnd++);
  executor.on('taskError', () => ends.taskError++);
  const watch = watchProcessErrors();
  const promises: Tracked<unknown>[] = [];
  const problems: string[] = [];
  const timers: NodeJS.Timeout[] = [];
  // Each promise with the rule its outcome must follow.
  const expect = (what: string, promise: Promise<unknown>, allowed: (o: { ok: boolean; value?: unknown; error?: unknown }) => boolean) => {
    const tracked = track(promise);
    promises.push(tracked);
    void tracked.promise.then((o) => {
      if (!allowed(o as never)) {
        const detail = o.ok ? `value ${JSON.stringify(o.value)}` : `${(o.error as Error)?.name}: ${(o.error as Error)?.message}`;
        problems.push(`${what} settled with ${detail}`);
      }
    });
  };
  const later = (ms: number, fn: () => void) => timers.push(setTimeout(fn, ms));

  try {
    for (const o of s.ops) {
      switch (o.t) {
        case 'ok':
          expect(`ok(${o.n})`, executor.run(tasks.square, { n: o.n, ms: o.ms }), (r) =>
            r.ok ? r.value === o.n * o.n : isClosed(r.error) || isCrash(r.error),
          );
          break;
        case 'fail':
          expect('fail', executor.run(tasks.fail, { message: 'declined', code: 'E_CARD' }), (r) =>
            !r.ok && (((r.error as Error).name === 'PaymentError' && (r.error as { code?: string }).code === 'E_CARD') || isClosed(r.error) || isCrash(r.error)),
          );
          break;
        case 'timeout': {
          // A synchronous loop can only be stopped by ending its worker; on the async backend it would block the test.
          const run = o.spin && pool ? executor.run(tasks.spin, 60_000, { timeout: o.ms }) : executor.run(tasks.hang, null, { timeout: o.ms });
          expect(`timeout(${o.ms})`, run, (r) => !r.ok && (r.error instanceof TaskTimeoutError || isClosed(r.error) || isCrash(r.error)));
          break;
        }
        case 'abortBefore': {
          const reason = new Error('aborted before run');
          expect('abortBefore', executor.run(tasks.square, { n: 1 }, { signal: AbortSignal.abort(reason) }), (r) => !r.ok && (r.error === reason || isClosed(r.error)));
          break;
        }
        case 'abortLater': {
          const controller = new AbortController();
          const reason = { custom: 'abort while queued or running' };
          const run = o.hang ? executor.run(tasks.hang, null, { signal: controller.signal }) : executor.run(tasks.square, { n: 3, ms: 5 }, { signal: controller.signal });
          later(o.ms, () => controller.abort(reason));
          expect('abortLater', run, (r) => (r.ok ? !o.hang && r.value === 9 : r.error === reason || isClosed(r.error) || isCrash(r.error)));
          break;
        }
        case 'crash':
          if (!pool) break; // process.exit on the async backend would end the test runner itself
          expect('crash', executor.run(tasks.exitAfter, { ms: o.ms, code: 3 }), (r) => !r.ok && (isCrash(r.error) || isClosed(r.error)));
          break;
        case 'kill':
          if (!pool) break;
          later(o.ms, () => {
            const live = ledger.live();
            if (live.length === 0) return;
            const id = live[o.pick % live.length]!;
            if (backend === 'thread') killThread(id);
            else if (pidAlive(id)) process.kill(id, 'SIGKILL');
          });
          break;
        case 'map': {
          const inputs = Array.from({ length: o.count }, (_, i) => (i === o.errorAt ? { message: 'bad item', code: 'E_ITEM' } : i));
          const consume = async () => {
            const out: number[] = [];
            for await (const value of executor.map(failOnObject, inputs, { chunkSize: o.chunk })) {
              out.push(value);
              if (out.length >= o.stopAfter) break;
            }
            return out;
          };
          const expected = inputs.slice(0, o.errorAt === -1 ? undefined : o.errorAt).map((n) => (n as number) * 2);
          expect(`map(${o.count}, chunk ${o.chunk}, errorAt ${o.errorAt})`, consume(), (r) => {
            if (r.ok) {
              const got = r.value as number[];
              // Correct prefix, and complete unless the consumer stopped early; an error item must have thrown.
              const complete = o.errorAt === -1 || o.errorAt >= o.count ? o.count : -1;
              return JSON.stringify(got) === JSON.stringify(expected.slice(0, got.length)) && (got.length === Math.min(complete === -1 ? Infinity : complete, o.stopAfter) || got.length >= o.stopAfter);
            }
            return (r.error as Error).name === 'PaymentError' || isClosed(r.error) || isCrash(r.error);
          });
          break;
        }
        case 'settle':
          await Promise.all(promises.map((p) => p.promise));
          break;
        case 'close':
          expect('close', executor.close(), (r) => r.ok);
          break;
        case 'destroy':
          expect('destroy', executor.destroy(), (r) => r.ok);
          break;
      }
    }
    await (s.end === 'close' ? executor.close() : executor.destroy());
    // Kills scheduled for after the end find no live worker; cancel them anyway.
    for (const timer of timers) clearTimeout(timer);
    await nextTurn();
    problems.push(...violations(backend, executor, ledger, promises));
    const stats = executor.stats();
    if (ends.taskEnd !== stats.completed || ends.taskEnd + ends.taskError !== stats.submitted) {
      problems.push(`events do not match the counters: ${JSON.stringify(ends)} vs ${JSON.stringify(stats)}`);
    }
    // Let the outcome checks above run for promises that settled just now.
    await Promise.all(promises.map((p) => p.promise));
    await nextTurn();
    if (watch.errors.length > 0) problems.push(`unhandled in the parent: ${watch.errors.map(String).join('; ')}`);
    return problems;
  } finally {
    for (const timer of timers) clearTimeout(timer);
    watch.stop();
    await executor.destroy();
  }
}
