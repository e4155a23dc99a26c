/**
 * The Executor contract (shared/API.md), stated once and run unchanged against
 * every backend in `backendsUnderTest`. Backend-specific behaviour (crashes,
 * recycling, heap limits) lives in test/backends/.
 */
import { describe, expect, it } from 'vitest';
import {
  createExecutor,
  ExecutorClosedError,
  ExecutorError,
  QueueFullError,
  TaskLoadError,
  TaskNotPortableError,
  TaskTimeoutError,
  type ExecutorOptions,
} from 'unified-executor';
import { backendsUnderTest } from './backends-under-test.js';
import { destroyAfterEach, outcome, started, take, setUpBackend } from './helpers.js';
import * as tasks from './tasks.js';

describe.each(backendsUnderTest)('the Executor contract on the $name backend', (backend) => {
  const track = destroyAfterEach();
  /** An executor on this backend running `slots` tasks at once (default 2). */
  const make = (options: ExecutorOptions & { slots?: number } = {}) => {
    const { slots = 2, ...rest } = options;
    return track(createExecutor({ ...backend.slots(slots), ...rest }));
  };
  setUpBackend(backend);

  describe('results', () => {
    it('returns what the task returns, sync or async', async () => {
      const executor = make();
      expect(executor.backend).toBe(backend.name);
      expect(await executor.run(tasks.double, 21)).toBe(42);
      expect(await executor.run(tasks.doubleLater, 4)).toBe(8);
    });

    it('calls the default export when no export is named', async () => {
      const executor = make();
      expect(await executor.run(tasks.echo, 'hello')).toBe('hello');
    });

    it('carries structured-clone values both ways', async () => {
      const executor = make();
      const value = {
        map: new Map<string, unknown>([['a', 1], ['b', { nested: [1, 2, 3] }]]),
        set: new Set([1, 'two']),
        date: new Date('2026-11-25T00:00:00Z'),
        big: 2n ** 70n,
        bytes: new Uint8Array([1, 2, 3]),
        nothing: null,
        notANumber: NaN,
        regex: /ab+c/gi,
        deep: { a: { b: { c: ['x', { d: undefined }] } } },
      };
      expect(await executor.run(tasks.echo, value)).toEqual(value);
    });

    it('explains an explicit backend as rule "explicit"', () => {
      const decision = make().explain(tasks.double);
      expect(decision.backend).toBe(backend.name);
      expect(decision.rule).toBe('explicit');
      expect(decision.reason).toContain(backend.name);
    });
  });

  describe('task errors', () => {
    it('reach the caller with name, message, stack, cause and own properties', async () => {
      const executor = make();
      const result = await outcome(executor.run(tasks.fail, { message: 'card declined', code: 'E_CARD' }));
      expect(result.ok).toBe(false);
      const error = (result as { error: any }).error;
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('PaymentError');
      expect(error.message).toBe('card declined');
      expect(error.stack).toContain('errors.mjs');
      expect(error.stack).toContain('fail');
      expect(error.cause).toBeInstanceOf(TypeError);
      expect(error.cause.message).toBe('card expired');
      expect(error.code).toBe('E_CARD');
      expect(error.details).toEqual({ retry: false, attempts: 3 });
    });

    it('keeps built-in error classes', async () => {
      const executor = make();
      const result = await outcome(executor.run(tasks.rejectLater, 'out of range'));
      expect((result as { error: any }).error).toBeInstanceOf(RangeError);
      expect((result as { error: any }).error.message).toBe('out of range');
    });

    it('fails only the task that threw; the others go on', async () => {
      const executor = make();
      const [bad, good] = await Promise.all([
        outcome(executor.run(tasks.fail, { message: 'x', code: 'E' })),
        outcome(executor.run(tasks.double, 5)),
      ]);
      expect(bad.ok).toBe(false);
      expect(good).toEqual({ ok: true, value: 10 });
    });
  });

  describe('task loading', () => {
    it.each([
      ['a missing module', tasks.missingModule, ['does-not-exist.mjs']],
      ['a missing export', tasks.missingExport, ['values.mjs', 'noSuchExport']],
      ['an export that is not a function', tasks.notAFunction, ['values.mjs', 'notAFunction']],
      ['a module that throws at import', tasks.throwsAtImport, ['throws-at-import.mjs', 'boom at import']],
    ])('rejects %s with TaskLoadError naming the culprit, and goes on', async (_what, task, words) => {
      const executor = make();
      const error = (await outcome(executor.run(task, 1))) as { ok: false; error: any };
      expect(error.ok).toBe(false);
      expect(error.error).toBeInstanceOf(TaskLoadError);
      expect(error.error).toBeInstanceOf(ExecutorError);
      expect(error.error.code).toBe('ERR_TASK_LOAD');
      for (const word of words) expect(error.error.message).toContain(word);
      expect(await executor.run(tasks.double, 1)).toBe(2);
    });
  });

  describe('timeout', () => {
    it('rejects a task that runs too long with TaskTimeoutError, and goes on', async () => {
      const executor = make();
      const error = (await outcome(executor.run(tasks.hang, null, { timeout: 100 }))) as { ok: false; error: any };
      expect(error.error).toBeInstanceOf(TaskTimeoutError);
      expect(error.error.code).toBe('ERR_TASK_TIMEOUT');
      expect(error.error.message).toContain('timing.mjs#hang');
      expect(await executor.run(tasks.double, 3)).toBe(6);
      expect(executor.stats()).toMatchObject({ failed: 1, completed: 1 });
    });

    it('applies taskTimeout by default; a run option overrides it', async () => {
      const executor = make({ taskTimeout: 100 });
      await expect(executor.run(tasks.hang, null)).rejects.toBeInstanceOf(TaskTimeoutError);
      expect(await executor.run(tasks.sleep, { ms: 150, value: 'late but allowed' }, { timeout: 10_000 })).toBe(
        'late but allowed',
      );
    });

    it('counts only running time, not time waiting in the queue', async () => {
      const executor = make({ slots: 1 });
      const first = executor.run(tasks.sleep, { ms: 300, value: 1 });
      const second = executor.run(tasks.sleep, { ms: 10, value: 2 }, { timeout: 200 });
      expect(await Promise.all([first, second])).toEqual([1, 2]);
    });
  });

  describe('abort', () => {
    it('rejects with signal.reason when the signal is already aborted, without starting', async () => {
      const executor = make();
      let starts = 0;
      executor.on('taskStart', () => starts++);
      const reason = { why: 'custom reason' };
      await expect(executor.run(tasks.double, 1, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      expect(starts).toBe(0);
      expect(executor.stats().cancelled).toBe(1);
    });

    it('removes a queued task, which never starts', async () => {
      const executor = make({ slots: 1 });
      const startedTasks: string[] = [];
      executor.on('taskStart', (e) => startedTasks.push(e.task));
      const blocker = new AbortController();
      const first = started(executor);
      const running = outcome(executor.run(tasks.hang, null, { signal: blocker.signal }));
      await first;
      const queued = new AbortController();
      const waiting = executor.run(tasks.double, 1, { signal: queued.signal });
      queued.abort(new Error('changed my mind'));
      await expect(waiting).rejects.toThrow('changed my mind');
      blocker.abort();
      await running;
      expect(startedTasks).toEqual(['timing.mjs#hang']);
    });

    it('stops a running task and rejects with the reason; the executor goes on', async () => {
      const executor = make({ slots: 1 });
      const controller = new AbortController();
      const first = started(executor);
      const running = executor.run(tasks.hang, null, { signal: controller.signal });
      await first;
      const reason = new Error('stop now');
      controller.abort(reason);
      await expect(running).rejects.toBe(reason);
      expect(await executor.run(tasks.double, 8)).toBe(16);
    });

    it('rejects with an AbortError when no reason is given', async () => {
      const executor = make();
      const controller = new AbortController();
      const first = started(executor);
      const running = executor.run(tasks.hang, null, { signal: controller.signal });
      await first;
      controller.abort();
      await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    });
  });

  describe('queueing', () => {
    // API.md "Slots, dispatch ahead, and priority": a pool may have sent a
    // call ahead to its worker (at least one per worker, before it has
    // measured anything: exactly one); those are not reordered. Everything
    // else that waits runs by priority, then submission.
    it('starts higher-priority queued tasks first, after what was already sent ahead', async () => {
      const executor = make({ slots: 1 });
      const order: string[] = [];
      const first = started(executor);
      const blocker = executor.run(tasks.sleep, { ms: 200, value: 'blocker' });
      await first;
      const lows = ['low-1', 'low-2', 'low-3', 'low-4'];
      const runs = lows.map((low) => executor.run(tasks.echo, low, { priority: 0 }).then((v) => order.push(v as string)));
      runs.push(executor.run(tasks.echo, 'high', { priority: 10 }).then((v) => order.push(v as string)));
      await Promise.all([blocker, ...runs]);
      const sentAhead = order.indexOf('high');
      expect(sentAhead).toBeLessThanOrEqual(1);
      expect(order).toEqual([...lows.slice(0, sentAhead), 'high', ...lows.slice(sentAhead)]);
    });

    it('rejects beyond maxQueue waiting tasks with QueueFullError, losing nothing else', async () => {
      const executor = make({ slots: 1, maxQueue: 1 });
      const firstStarted = started(executor);
      const first = executor.run(tasks.sleep, { ms: 100, value: 'first' });
      await firstStarted;
      const second = executor.run(tasks.echo, 'second');
      const third = await outcome(executor.run(tasks.echo, 'third'));
      expect(third.ok).toBe(false);
      const error = (third as { error: any }).error;
      expect(error).toBeInstanceOf(QueueFullError);
      expect(error.code).toBe('ERR_QUEUE_FULL');
      expect(error.message).toContain('values.mjs');
      expect(error.message).toContain('maxQueue 1');
      expect(await Promise.all([first, second])).toEqual(['first', 'second']);
    });

    it('runs no more than its slots at once', async () => {
      const executor = make({ slots: 2 });
      // Both workers ready first. Else, on a loaded machine, the second child's
      // start (up to a second) outlasts the first child running all the other
      // 20 ms calls, and the one call sent to it runs alone: a peak of 1, which
      // says nothing about the limit (seen 1 run in 10 under load).
      await Promise.all([0, 1].map((i) => executor.run(tasks.sleep, { ms: 20, value: i })));
      let running = 0;
      let peak = 0;
      executor.on('taskStart', () => (peak = Math.max(peak, ++running)));
      executor.on('taskEnd', () => running--);
      await Promise.all(Array.from({ length: 8 }, (_, i) => executor.run(tasks.sleep, { ms: 20, value: i })));
      expect(peak).toBe(2);
    });
  });

  describe('close and destroy', () => {
    it('close() finishes queued and running tasks, then refuses new ones', async () => {
      const executor = make({ slots: 1 });
      const settled: number[] = [];
      const runs = [1, 2, 3].map((n) => executor.run(tasks.sleep, { ms: 20, value: n }).then((v) => settled.push(v)));
      await executor.close();
      expect(settled).toEqual([1, 2, 3]);
      await Promise.all(runs);
      const refused = (await outcome(executor.run(tasks.double, 1))) as { error: any };
      expect(refused.error).toBeInstanceOf(ExecutorClosedError);
      expect(refused.error.code).toBe('ERR_EXECUTOR_CLOSED');
      await expect(take(executor.map(tasks.double, [1]), 1)).rejects.toBeInstanceOf(ExecutorClosedError);
      if (!backend.gaps?.['workers-released-on-close']) expect(executor.stats().workers).toBe(0);
    });

    it('refuses new work as soon as close() is called', async () => {
      const executor = make();
      const running = executor.run(tasks.sleep, { ms: 50, value: 'kept' });
      const closing = executor.close();
      await expect(executor.run(tasks.double, 1)).rejects.toBeInstanceOf(ExecutorClosedError);
      expect(await running).toBe('kept');
      await closing;
    });

    it('Symbol.asyncDispose closes gracefully', async () => {
      const executor = make();
      const result = executor.run(tasks.sleep, { ms: 20, value: 'done' });
      await executor[Symbol.asyncDispose]();
      expect(await result).toBe('done');
      await expect(executor.run(tasks.double, 1)).rejects.toBeInstanceOf(ExecutorClosedError);
    });

    it('destroy() settles every running and queued promise before it resolves', async () => {
      const executor = make({ slots: 1 });
      const settled = new Set<number>();
      const first = started(executor);
      const runs = [0, 1, 2, 3].map((i) =>
        outcome(executor.run(tasks.hang, i)).then((o) => {
          settled.add(i);
          return o;
        }),
      );
      await first;
      await executor.destroy();
      await new Promise((resolve) => setImmediate(resolve));
      expect(settled.size).toBe(4);
      for (const result of await Promise.all(runs)) {
        expect(result.ok).toBe(false);
        expect((result as { error: any }).error).toBeInstanceOf(ExecutorClosedError);
      }
      expect(executor.stats()).toMatchObject({ workers: 0, queued: 0, running: 0, cancelled: 4 });
      await expect(executor.run(tasks.double, 1)).rejects.toBeInstanceOf(ExecutorClosedError);
    });

    it('destroy() during close() settles everything', async () => {
      const executor = make({ slots: 1 });
      const first = started(executor);
      const running = outcome(executor.run(tasks.hang, null));
      await first;
      const closing = executor.close();
      await executor.destroy();
      await closing;
      expect((await running).ok).toBe(false);
    });
  });

  describe('events and stats', () => {
    it('counts and reports every task once', async () => {
      const executor = make();
      const events = { taskStart: 0, taskEnd: 0, taskError: 0, idle: 0 };
      const ends: { task: string; backend: string; runMs: number }[] = [];
      executor.on('taskStart', () => events.taskStart++);
      executor.on('taskEnd', (e) => {
        events.taskEnd++;
        ends.push(e);
      });
      executor.on('taskError', () => events.taskError++);
      executor.on('idle', () => events.idle++);

      await Promise.all([
        executor.run(tasks.double, 1),
        executor.run(tasks.sleep, { ms: 30, value: 2 }),
        executor.run(tasks.double, 3),
        outcome(executor.run(tasks.fail, { message: 'no', code: 'E' })),
        outcome(executor.run(tasks.double, 4, { signal: AbortSignal.abort() })),
      ]);
      await executor.onIdle();

      expect(executor.stats()).toMatchObject({
        backend: backend.name,
        submitted: 5,
        completed: 3,
        failed: 1,
        cancelled: 1,
        queued: 0,
        running: 0,
      });
      expect(events).toMatchObject({ taskStart: 4, taskEnd: 3, taskError: 2 });
      expect(events.idle).toBeGreaterThanOrEqual(1);
      expect(ends.find((e) => e.task === 'timing.mjs#sleep')).toMatchObject({ backend: backend.name });
      const { waitTime, runTime } = executor.stats();
      expect(runTime.max).toBeGreaterThanOrEqual(25);
      expect(runTime.p50).toBeLessThanOrEqual(runTime.max);
      expect(waitTime.p99).toBeGreaterThanOrEqual(0);
    });

    it('onIdle() resolves once nothing is queued or running', async () => {
      const executor = make({ slots: 1 });
      const done: number[] = [];
      for (const n of [1, 2, 3]) void executor.run(tasks.sleep, { ms: 10, value: n }).then((v) => done.push(v));
      await executor.onIdle();
      expect(done).toEqual([1, 2, 3]);
      await executor.onIdle();
    });
  });

  describe('map', () => {
    it('yields results in input order by default', async () => {
      const executor = make({ slots: 3 });
      const inputs = [60, 5, 30, 1, 20];
      const results: number[] = [];
      for await (const value of executor.map(tasks.sleep, inputs.map((ms) => ({ ms, value: ms })))) {
        results.push(value as number);
      }
      expect(results).toEqual(inputs);
    });

    it('yields as tasks finish with ordered: false', async () => {
      const executor = make({ slots: 3 });
      // Warm up: three workers alive, so no task waits on a worker's start-up.
      await Promise.all([1, 2, 3].map((value) => executor.run(tasks.sleep, { ms: 30, value })));
      const inputs = [300, 1, 150];
      const results: number[] = [];
      for await (const value of executor.map(tasks.sleep, inputs.map((ms) => ({ ms, value: ms })), { ordered: false })) {
        results.push(value as number);
      }
      expect(results).toHaveLength(3);
      expect(results[0]).toBe(1);
      expect([...results].sort((a, b) => a - b)).toEqual([1, 150, 300]);
    });

    it('pulls input lazily: never more than its concurrency ahead', async () => {
      const executor = make({ slots: 2 });
      let pulled = 0;
      function* naturals() {
        for (let n = 0; ; n++) {
          pulled++;
          yield n;
        }
      }
      const iterator = executor.map(tasks.double, naturals(), { concurrency: 2 });
      expect(await take(iterator, 3)).toEqual([0, 2, 4]);
      expect(pulled).toBeLessThanOrEqual(3 + 2 + 1);
      await iterator.return?.();
      const after = pulled;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(pulled).toBe(after);
    });

    it('takes async iterables', async () => {
      const executor = make();
      async function* numbers() {
        for (let n = 1; n <= 4; n++) yield n;
      }
      const results: number[] = [];
      for await (const value of executor.map(tasks.doubleLater, numbers())) results.push(value);
      expect(results).toEqual([2, 4, 6, 8]);
    });

    it('stops at the first error: stops pulling, cancels what it started, throws', async () => {
      const executor = make({ slots: 2 });
      let pulled = 0;
      function* inputs() {
        for (let n = 0; n < 1000; n++) {
          pulled++;
          yield n === 3 ? { message: 'bad item', code: 'E_ITEM' } : n;
        }
      }
      const results: unknown[] = [];
      const failing = (async () => {
        for await (const value of executor.map(tasks.failOnObject, inputs(), { concurrency: 2 })) results.push(value);
      })();
      await expect(failing).rejects.toMatchObject({ name: 'PaymentError', message: 'bad item' });
      expect(pulled).toBeLessThan(10);
      await executor.onIdle();
      expect(executor.stats().running).toBe(0);
    });

    it('throws the abort reason when its signal aborts', async () => {
      const executor = make();
      const controller = new AbortController();
      const reason = new Error('map aborted');
      const first = started(executor);
      const consuming = (async () => {
        for await (const _ of executor.map(tasks.hang, [1, 2, 3], { signal: controller.signal })) {
          // never reached
        }
      })();
      await first;
      controller.abort(reason);
      await expect(consuming).rejects.toBe(reason);
    });

    it('gives the same results with chunks as item by item', async () => {
      const executor = make();
      const inputs = Array.from({ length: 200 }, (_, i) => i);
      const collect = async (chunkSize: number | 'auto') => {
        const out: number[] = [];
        for await (const v of executor.map(tasks.double, inputs, { chunkSize })) out.push(v);
        return out;
      };
      const expected = inputs.map((n) => n * 2);
      expect(await collect(1)).toEqual(expected);
      expect(await collect(16)).toEqual(expected);
      expect(await collect('auto')).toEqual(expected);
    });
  });

  describe('portability', () => {
    const plain = (n: number) => n + 1;
    if (backend.isolated) {
      it('refuses a plain function with TaskNotPortableError pointing to defineTask', async () => {
        const executor = make();
        const error = (await outcome(executor.run(plain, 1))) as { error: any };
        expect(error.error).toBeInstanceOf(TaskNotPortableError);
        expect(error.error.code).toBe('ERR_TASK_NOT_PORTABLE');
        expect(error.error.message).toContain('defineTask');
        expect(await executor.run(tasks.double, 2)).toBe(4);
      });

      it('refuses an input that cannot be cloned with TaskNotPortableError, and goes on', async () => {
        const executor = make();
        const error = (await outcome(executor.run(tasks.echo, { callback: () => 1 }))) as { error: any };
        expect(error.error).toBeInstanceOf(TaskNotPortableError);
        expect(error.error.message).toContain('values.mjs');
        expect(await executor.run(tasks.double, 2)).toBe(4);
      });
    } else {
      it('runs a plain function in-process', async () => {
        const executor = make();
        expect(await executor.run(plain, 1)).toBe(2);
      });
    }
  });
});
