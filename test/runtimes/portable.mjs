// The portable smoke-and-contract suite: the packed package, as a stranger
// installs it, checked under any runtime with Node's APIs (Node, Bun, Deno).
// No test framework (vitest runs on Node only): node:assert and a tiny runner.
//
//   node portable.mjs [--traits out.json]      bun portable.mjs      deno run -A portable.mjs
//
// Run from a project that has `unified-executor` installed (scripts/runtimes/
// matrix.sh packs and installs it). Prints one line per check and, last,
// `N passed, N failed`; exits 1 on any failure. With --traits it writes what
// the runtime could do (heap limits, orphan guard, flags, measured traits)
// for the README's runtime table (scripts/runtimes/table.mjs).
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  createExecutor,
  defineTask,
  selectBackend,
  ExecutorClosedError,
  QueueFullError,
  TaskNotPortableError,
  TaskTimeoutError,
  WorkerCrashedError,
} from 'unified-executor';

const TASKS = new URL('./tasks.mjs', import.meta.url);
const task = (name, traits) => defineTask(TASKS, name, traits);
const double = task('double');
const echo = task('default');
const sleep = task('sleep');
const spin = task('spin');
const hang = task('hang');
const fail = task('fail');
const failOnNegative = task('failOnNegative');
const exitWith = task('exitWith');
const exhaustHeap = task('exhaustHeap');
const returnsFunction = task('returnsFunction');
const whereAmI = task('whereAmI');
const hasGc = task('hasGc');
const byteLength = task('byteLength');

const runtime = process.versions.bun ? `bun ${process.versions.bun}` : process.versions.deno ? `deno ${process.versions.deno}` : `node ${process.versions.node}`;
const traitsFile = process.argv.includes('--traits') ? process.argv[process.argv.indexOf('--traits') + 1] : undefined;
/** What this runtime could do, by feature and backend: the README table's cells. */
const traits = { runtime, features: {} };
const note = (feature, backend, value) => ((traits.features[feature] ??= {})[backend] = value);

/** One check must not hold the suite: each has this long (a hang is a failure, not a stuck CI). */
const CHECK_MS = 30_000;
const checks = [];
const check = (name, fn) => checks.push({ name, fn });
/** Executors a check made: the runner closes them after it (Node 20 has no `await using`). */
let opened = [];
const track = (executor) => (opened.push(executor), executor);

const rejection = async (promise) => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
};
const isAlive = (pid) => {
  try {
    // A zombie is dead for us (its parent, killed, cannot reap it; init will).
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};
const until = async (condition, ms) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
};

// ---- every backend ---------------------------------------------------------
for (const backend of ['async', 'thread', 'process']) {
  const pool = backend !== 'async';
  const make = (options = {}) => createExecutor({ backend, maxWorkers: 2, ...options });

  check(`${backend}: runs a task and returns its value`, async () => {
    const executor = track(make());
    assert.equal(await executor.run(double, 21), 42);
    assert.equal(executor.backend, backend);
  });

  check(`${backend}: structured values round-trip (Map, Set, Date, typed arrays, nested)`, async () => {
    const executor = track(make());
    const value = { map: new Map([[1, 'a']]), set: new Set([2]), date: new Date(5), bytes: new Uint8Array([1, 2]), deep: [{ x: [1] }] };
    assert.deepEqual(await executor.run(echo, value), value);
  });

  check(`${backend}: a thrown error keeps its name, message, cause and own properties`, async () => {
    const executor = track(make());
    const error = await rejection(executor.run(fail, 'declined'));
    assert.equal(error.name, 'PaymentError');
    assert.equal(error.message, 'declined');
    assert.equal(error.code, 'E_DECLINED');
    assert.deepEqual(error.details, { retry: false });
    assert.equal(error.cause?.message, 'card expired');
    assert.match(error.stack, /declined/);
  });

  check(`${backend}: runs calls concurrently`, async () => {
    const executor = track(make());
    // Counted from the events, not timed: a busy machine starts workers slowly.
    let running = 0;
    let peak = 0;
    executor.on('taskStart', () => (peak = Math.max(peak, ++running)));
    executor.on('taskEnd', () => running--);
    const values = await Promise.all([1, 2, 3, 4].map((value) => executor.run(sleep, { ms: 300, value })));
    assert.deepEqual(values, [1, 2, 3, 4]);
    assert.ok(peak >= 2, `at most ${peak} ran at once`);
  });

  check(`${backend}: map yields in input order, and all of them unordered`, async () => {
    const executor = track(make());
    const ordered = [];
    for await (const value of executor.map(double, [1, 2, 3, 4, 5, 6])) ordered.push(value);
    assert.deepEqual(ordered, [2, 4, 6, 8, 10, 12]);
    const unordered = [];
    for await (const value of executor.map(double, [1, 2, 3], { ordered: false })) unordered.push(value);
    assert.deepEqual(unordered.sort(), [2, 4, 6]);
  });

  check(`${backend}: map stops at the first error and throws it`, async () => {
    const executor = track(make());
    const seen = [];
    const error = await rejection((async () => {
      for await (const value of executor.map(failOnNegative, [1, 2, -3, 4])) seen.push(value);
    })());
    assert.ok(error instanceof RangeError, String(error));
    assert.deepEqual(seen, [2, 4]);
  });

  check(`${backend}: a timeout rejects with TaskTimeoutError and the executor goes on`, async () => {
    const executor = track(make());
    const error = await rejection(executor.run(hang, undefined, { timeout: 100 }));
    assert.ok(error instanceof TaskTimeoutError, String(error));
    assert.equal(error.code, 'ERR_TASK_TIMEOUT');
    assert.equal(await executor.run(double, 1), 2);
  });

  check(`${backend}: an abort rejects with the signal's reason`, async () => {
    const executor = track(make());
    const controller = new AbortController();
    const running = executor.run(hang, undefined, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop it')), 50);
    assert.equal((await rejection(running)).message, 'stop it');
    assert.equal(await executor.run(double, 2), 4);
  });

  check(`${backend}: maxQueue refuses with QueueFullError`, async () => {
    const executor = track(make({ maxWorkers: 1, concurrency: 1, maxQueue: 1 }));
    const running = executor.run(sleep, { ms: 200, value: 1 });
    const queued = executor.run(sleep, { ms: 1, value: 2 });
    // On the pool backends the first call may still wait for its worker: one more is sure to overflow.
    const extra = [executor.run(double, 1), executor.run(double, 2)];
    const settled = await Promise.allSettled(extra);
    assert.ok(settled.some((o) => o.status === 'rejected' && o.reason instanceof QueueFullError), JSON.stringify(settled.map((o) => o.status)));
    assert.deepEqual(await Promise.all([running, queued]), [1, 2]);
  });

  check(`${backend}: stats and events count every task`, async () => {
    const executor = track(make());
    let starts = 0;
    let ends = 0;
    executor.on('taskStart', () => starts++);
    executor.on('taskEnd', () => ends++);
    await Promise.all([1, 2, 3].map((n) => executor.run(double, n)));
    await rejection(executor.run(fail, 'x'));
    const stats = executor.stats();
    assert.equal(stats.completed, 3);
    assert.equal(stats.failed, 1);
    assert.equal(starts, 4);
    assert.equal(ends, 3);
    assert.equal(executor.explain(double).rule, 'explicit');
  });

  check(`${backend}: close() finishes running work, then refuses with ExecutorClosedError`, async () => {
    const executor = make();
    const running = executor.run(sleep, { ms: 100, value: 'done' });
    await executor.close();
    assert.equal(await running, 'done');
    assert.ok((await rejection(executor.run(double, 1))) instanceof ExecutorClosedError);
  });

  check(`${backend}: destroy() rejects running work and resolves`, async () => {
    const executor = make();
    const running = rejection(executor.run(hang, undefined));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await executor.destroy();
    assert.ok((await running) instanceof ExecutorClosedError);
  });

  check(`${backend}: onIdle resolves when nothing runs`, async () => {
    const executor = track(make());
    void executor.run(sleep, { ms: 50, value: 1 });
    await executor.onIdle();
    assert.equal(executor.stats().running, 0);
  });

  if (!pool) {
    check('async: runs a plain function', async () => {
      const executor = track(make());
      assert.equal(await executor.run((n) => n + 1, 1), 2);
    });
    continue;
  }

  check(`${backend}: a plain function is refused with TaskNotPortableError`, async () => {
    const executor = track(make());
    const error = await rejection(executor.run((n) => n, 1));
    assert.ok(error instanceof TaskNotPortableError, String(error));
    assert.match(error.message, /defineTask/);
  });

  check(`${backend}: an uncloneable input fails at once with TaskNotPortableError, and the executor goes on`, async () => {
    const executor = track(make());
    const error = await rejection(executor.run(echo, { callback: () => 1 }));
    assert.ok(error instanceof TaskNotPortableError, String(error));
    assert.equal(await executor.run(double, 3), 6);
  });

  check(`${backend}: an uncloneable result fails with TaskNotPortableError, and the executor goes on`, async () => {
    const executor = track(make());
    const error = await rejection(executor.run(returnsFunction, undefined));
    assert.ok(error instanceof TaskNotPortableError, String(error));
    assert.equal(await executor.run(double, 4), 8);
  });

  check(`${backend}: runs off the caller's thread`, async () => {
    const executor = track(make());
    const where = await executor.run(whereAmI, undefined);
    if (backend === 'thread') assert.equal(where.isMainThread, false);
    else assert.notEqual(where.pid, process.pid);
  });

  check(`${backend}: a worker that exits fails its task with WorkerCrashedError, and a new one takes over`, async () => {
    const executor = track(make({ maxWorkers: 1 }));
    const error = await rejection(executor.run(exitWith, 3));
    assert.ok(error instanceof WorkerCrashedError, String(error));
    assert.equal(await executor.run(double, 5), 10);
  });

  check(`${backend}: transfer moves an ArrayBuffer`, async () => {
    const executor = track(make());
    const buffer = new ArrayBuffer(16);
    assert.equal(await executor.run(byteLength, buffer, { transfer: [buffer] }), 16);
  });

  check(`${backend}: a task that runs out of heap fails with WorkerCrashedError, or the limit is refused by name`, async () => {
    let executor;
    try {
      executor = make({ maxWorkers: 1, resourceLimits: { maxOldGenerationSizeMb: 48 } });
    } catch (error) {
      // A runtime with no heap limit must say so at creation, naming itself.
      assert.ok(error instanceof TypeError, String(error));
      assert.match(error.message, /maxOldGenerationSizeMb.*(Bun|Deno|Node)/);
      note('heap limit', backend, 'refused (TypeError)');
      return;
    }
    try {
      const error = await rejection(executor.run(exhaustHeap, undefined, { timeout: 20_000 }));
      assert.ok(error instanceof WorkerCrashedError, String(error));
      assert.match(error.message, /out of memory/);
      assert.equal(await executor.run(double, 6), 12);
      note('heap limit', backend, 'enforced');
    } finally {
      await executor.destroy();
    }
  });

  check(`${backend}: a CPU-bound task is measured as cpu`, async () => {
    const executor = track(make({ maxWorkers: 1 }));
    for (let i = 0; i < 8; i++) await executor.run(spin, 15);
    const kind = executor.explain(spin).measured?.kind;
    note('measured traits', backend, kind === 'cpu' ? 'yes' : `no (${kind})`);
    assert.equal(kind, 'cpu');
  });
}

// ---- the process backend's guarantees --------------------------------------
check('process: an explicit execArgv reaches the children', async () => {
  const executor = track(createExecutor({ backend: 'process', maxWorkers: 1, execArgv: ['--expose-gc'] }));
  const gc = await executor.run(hasGc, undefined);
  note('flags', 'process', gc ? 'yes' : 'no');
  assert.equal(gc, true);
});

check("process: the caller's flags are visible to pass on (process.execArgv)", async () => {
  const child = fork(new URL('./print-exec-argv.mjs', import.meta.url), [], { execArgv: ['--expose-gc'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const argv = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before it answered`)));
  });
  child.kill();
  const seen = argv.includes('--expose-gc');
  note('flags', 'inherited', seen ? 'yes' : 'no (process.execArgv is empty)');
  // A finding, not a failure: the table says which runtimes report them.
});

check("process: a child spinning in a loop dies with its SIGKILLed parent (orphan guard)", async () => {
  const parent = fork(new URL('./orphan-parent.mjs', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { pid } = await new Promise((resolve, reject) => {
    parent.once('message', resolve);
    parent.once('exit', (code) => reject(new Error(`the parent exited with ${code} first`)));
  });
  assert.ok(isAlive(pid), 'the child runs');
  parent.kill('SIGKILL');
  const gone = await until(() => !isAlive(pid), 5_000);
  if (!gone) process.kill(pid, 'SIGKILL');
  note('orphan guard', 'process', gone ? 'yes' : 'no');
  assert.ok(gone, `child ${pid} outlived its parent by 5 s`);
});

// ---- the policy and the package --------------------------------------------
check('auto: routes a CPU-bound task to the process pool and an I/O-bound one to the async queue', async () => {
  const executor = track(createExecutor({ maxWorkers: 1 }));
  assert.equal(executor.explain(task('double', { cpuBound: true })).backend, 'process');
  assert.equal(executor.explain(task('sleep', { ioBound: true })).backend, 'async');
  assert.equal(await executor.run(task('double', { cpuBound: true }), 8), 16);
  assert.equal(selectBackend({ ioBound: true, expectedCount: 10 }).rule, 'io-few');
});

check('defineTask: a relative path is a TypeError', () => {
  assert.throws(() => defineTask('./tasks.mjs', 'double'), TypeError);
});

check('createExecutor: a bad option is a TypeError or RangeError naming it', () => {
  assert.throws(() => createExecutor({ maxWorkers: 0 }), /maxWorkers/);
  assert.throws(() => createExecutor({ backend: 'gpu' }), /backend/);
});

check('the CommonJS build loads through require()', () => {
  const required = createRequire(import.meta.url)('unified-executor');
  assert.equal(typeof required.createExecutor, 'function');
  assert.equal(new required.TaskTimeoutError('t', 1).code, 'ERR_TASK_TIMEOUT');
});

// ---- the runner ------------------------------------------------------------
let passed = 0;
let failed = 0;
const outcomes = [];
console.log(`portable suite on ${runtime}: ${checks.length} checks`);
for (const { name, fn } of checks) {
  let timer;
  const started = Date.now();
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_MS / 1000} s`)), CHECK_MS);
      }),
    ]);
    passed++;
    outcomes.push({ name, ok: true });
    console.log(`ok - ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    failed++;
    outcomes.push({ name, ok: false });
    console.log(`not ok - ${name}: ${String(error?.stack ?? error).split('\n').slice(0, 3).join(' | ')}`);
  } finally {
    clearTimeout(timer);
    // destroy(), not close(): a failed check may have left a call that never ends.
    await Promise.allSettled(opened.map((executor) => executor.destroy()));
    opened = [];
  }
}
for (const backend of ['async', 'thread', 'process']) {
  const own = outcomes.filter((o) => o.name.startsWith(`${backend}:`));
  note('runs tasks', backend, own.length > 0 && own.every((o) => o.ok) ? 'yes' : 'no');
}
if (traitsFile) writeFileSync(traitsFile, JSON.stringify(traits, null, 2) + '\n');
console.log(`${passed} passed, ${failed} failed`);
// Every executor was closed: the process should end by itself. Exit anyway so a
// leak shows as a failed check above, never as a CI that waits forever.
process.exit(failed === 0 ? 0 : 1);
