/**
 * What only the process backend does, with real children: crashes (SIGKILL,
 * process.exit, out of memory), parent death, recycling, crash-loop back-off,
 * and no process left behind. Timing is bounded generously and driven by
 * events, never by tight wall-clock windows: the machine is shared.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { destroyAfterEach } from '../contract/helpers.js';
import {
  createExecutor,
  defineTask,
  TaskNotPortableError,
  WorkerCrashedError,
  type Executor,
  type ExecutorOptions,
  type WorkerExitEvent,
} from 'unified-executor';

const fixture = (file: string) => new URL(`../fixtures/${file}`, import.meta.url);
const whereAmI = defineTask<(x: unknown) => { pid: number }>(fixture('values.mjs'), 'whereAmI');
const double = defineTask<(n: number) => number>(fixture('values.mjs'), 'double');
const hang = defineTask<(x: unknown) => Promise<never>>(fixture('timing.mjs'), 'hang');
const spin = defineTask<(ms: number) => number>(fixture('timing.mjs'), 'spin');
const exitWith = defineTask<(code: number) => never>(fixture('crash.mjs'), 'exitWith');
const exhaustHeap = defineTask<(x: unknown) => never>(fixture('memory.mjs'), 'exhaustHeap');
const returnsFunction = defineTask<(x: unknown) => unknown>(fixture('uncloneable.mjs'), 'returnsFunction');
const pidAfter = defineTask<(ms: number) => number>(fixture('process-info.mjs'), 'pidAfter');
const info = defineTask<(name: string) => { pid: number; value?: string; execArgv: string[] }>(fixture('process-info.mjs'), 'info');

const track = destroyAfterEach();
/** Children start without the test runner's flags: faster, and what the tests assume. */
function make(options: ExecutorOptions = {}): Executor {
  return track(createExecutor({ backend: 'process', maxWorkers: 1, execArgv: [], ...options }));
}

/** A zombie (exited, not yet reaped by whoever inherited it) counts as gone. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Two children have answered, so both are ready and a new call goes straight
 * to one (a call that waits for a starting child is only dropped on abort).
 * Under load one child may take both calls: try again until two answered.
 */
async function bothChildrenReady(executor: Executor): Promise<void> {
  const answered = new Set<number>();
  for (let i = 0; i < 50 && answered.size < 2; i++) {
    for (const pid of await Promise.all([executor.run(pidAfter, 50), executor.run(pidAfter, 50)])) answered.add(pid);
  }
  expect(answered.size).toBe(2);
}

/** Pids of the children as the executor reports them. */
function trackChildren(executor: Executor): { spawned: number[]; exits: WorkerExitEvent[] } {
  const seen = { spawned: [] as number[], exits: [] as WorkerExitEvent[] };
  executor.on('workerSpawn', ({ backend, id }) => {
    expect(backend).toBe('process');
    seen.spawned.push(id);
  });
  executor.on('workerExit', (event) => seen.exits.push(event));
  return seen;
}


describe('the process backend', () => {
  it('runs tasks in child processes, never in the parent', async () => {
    const executor = make({ maxWorkers: 2 });
    const { pid } = await executor.run(whereAmI, null);
    expect(pid).not.toBe(process.pid);
    expect(executor.stats().workers).toBeGreaterThanOrEqual(1);
  });

  it('passes env and execArgv to the children, and the heap limit as --max-old-space-size', async () => {
    const executor = make({
      env: { ...process.env, UNIFIED_EXECUTOR_TEST: 'from-parent' },
      execArgv: ['--no-warnings'],
      resourceLimits: { maxOldGenerationSizeMb: 64 },
    });
    const seen = await executor.run(info, 'UNIFIED_EXECUTOR_TEST');
    expect(seen.value).toBe('from-parent');
    expect(seen.execArgv).toEqual(['--no-warnings', '--max-old-space-size=64']);
  });

  it('keeps maxWorkers x concurrentTasksPerWorker calls in flight', async () => {
    const executor = make({ maxWorkers: 2, concurrentTasksPerWorker: 3 });
    let started = 0;
    executor.on('taskStart', () => started++);
    const six = Array.from({ length: 6 }, () => executor.run(hang, null).catch(() => {}));
    const seventh = executor.run(hang, null).catch(() => {});
    await waitUntil(() => started === 6, 30_000, 'six tasks started');
    expect(executor.stats()).toMatchObject({ running: 6, queued: 1 });
    await executor.destroy();
    await Promise.all([...six, seventh]);
  });

  describe('signals and NODE_OPTIONS', () => {
    it('a SIGTERM sent to a child alone is ignored while its parent lives: its task finishes (SIGKILL ends it)', async () => {
      const executor = make();
      const seen = trackChildren(executor);
      await executor.run(double, 1);
      const running = executor.run(pidAfter, 600);
      await new Promise((resolve) => setTimeout(resolve, 150));
      process.kill(seen.spawned[0]!, 'SIGTERM');
      await expect(running).resolves.toBe(seen.spawned[0]);
      expect(seen.exits).toEqual([]);
    });

    it('NODE_OPTIONS reaches a child under the worker-flags rules: --inspect-brk listens on a free port and does not wait', async () => {
      const executor = make({
        env: { ...process.env, NODE_OPTIONS: '--inspect-brk=127.0.0.1:0 --no-warnings "--title=pool child"' },
      });
      // Before: the child waited for a debugger and was ended by the start bound, 15 s later.
      const seen = await executor.run(info, 'NODE_OPTIONS');
      expect(seen.value).toBe('--no-warnings "--title=pool child" --inspect=127.0.0.1:0');
    }, 10_000);
  });

  describe('crashes', () => {
    it('a child SIGKILLed mid-task rejects that task with WorkerCrashedError naming pid and signal; the next task runs', async () => {
      const executor = make();
      const seen = trackChildren(executor);
      // A task answered: the child is ready, so the next task goes straight to it.
      const { pid } = await executor.run(whereAmI, null);
      expect(seen.spawned).toEqual([pid]);
      const running = executor.run(hang, null);
      running.catch(() => {});
      await waitUntil(() => executor.stats().running === 1, 10_000, 'the task runs');
      process.kill(pid, 'SIGKILL');
      const error = await running.then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(WorkerCrashedError);
      expect((error as Error).message).toContain(String(pid));
      expect((error as Error).message).toContain('SIGKILL');
      expect((error as Error).message).toContain('timing.mjs#hang');
      const after = await executor.run(whereAmI, null);
      expect(after.pid).not.toBe(pid);
      expect(seen.exits).toContainEqual({ backend: 'process', id: pid, code: null, signal: 'SIGKILL' });
    });

    it('process.exit in a task rejects exactly that task with its exit code; tasks on other children go on', async () => {
      const executor = make({ maxWorkers: 2 });
      const slow = executor.run(spin, 300);
      const crashed = executor.run(exitWith, 7).then(() => undefined, (e: unknown) => e);
      const error = await crashed;
      expect(error).toBeInstanceOf(WorkerCrashedError);
      expect((error as Error).message).toMatch(/Child process \d+ exited with code 7 while running task crash\.mjs#exitWith/);
      await expect(slow).resolves.toBeGreaterThan(0);
      await expect(executor.run(double, 21)).resolves.toBe(42);
    });

    it('a child that runs out of heap under maxOldGenerationSizeMb rejects with WorkerCrashedError; the pool goes on', async () => {
      const executor = make({ resourceLimits: { maxOldGenerationSizeMb: 32 } });
      const error = await executor.run(exhaustHeap, null).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(WorkerCrashedError);
      expect((error as Error).message).toMatch(/Child process \d+ (was killed by signal|exited with code)/);
      expect((error as Error).message).toContain('memory.mjs#exhaustHeap');
      await expect(executor.run(double, 2)).resolves.toBe(4);
    }, 60_000);

    it('an uncloneable result is TaskNotPortableError naming the task, and the child goes on', async () => {
      const executor = make();
      const error = await executor.run(returnsFunction, null).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(TaskNotPortableError);
      expect((error as Error).message).toContain('uncloneable.mjs#returnsFunction');
      const before = await executor.run(whereAmI, null);
      const again = await executor.run(whereAmI, null);
      expect(again.pid).toBe(before.pid);
    });
  });

  describe('abort and timeout', () => {
    it('an aborted running task ends its child (SIGKILL) and the pool replaces it; tasks on other children go on', async () => {
      const executor = make({ maxWorkers: 2 });
      const seen = trackChildren(executor);
      await bothChildrenReady(executor);
      expect(seen.spawned).toHaveLength(2);
      const controller = new AbortController();
      const slow = executor.run(spin, 500);
      const doomed = executor.run(hang, null, { signal: controller.signal });
      // The request leaves for the child on the next turn of the event loop; an
      // abort before that just drops it (nothing to kill). 100 ms is plenty.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const reason = new Error('enough');
      controller.abort(reason);
      await expect(doomed).rejects.toBe(reason);
      await expect(slow).resolves.toBeGreaterThan(0);
      await waitUntil(() => seen.exits.length === 1, 10_000, 'the aborted child exited');
      expect(seen.exits[0]!.signal).toBe('SIGKILL');
      await expect(executor.run(double, 5)).resolves.toBe(10);
    });

    it('a task in a synchronous loop is stopped by its timeout', async () => {
      const executor = make();
      await expect(executor.run(spin, 60_000, { timeout: 200 })).rejects.toMatchObject({ code: 'ERR_TASK_TIMEOUT' });
      await expect(executor.run(double, 1)).resolves.toBe(2);
    });
  });

  describe('recycling and idling', () => {
    it('replaces a child after maxTasksPerWorker tasks, with workerExit and workerSpawn events', async () => {
      const executor = make({ maxTasksPerWorker: 2 });
      const seen = trackChildren(executor);
      const pids: number[] = [];
      for (let i = 0; i < 6; i++) pids.push((await executor.run(whereAmI, null)).pid);
      expect(pids[0]).toBe(pids[1]);
      expect(pids[2]).toBe(pids[3]);
      expect(pids[4]).toBe(pids[5]);
      expect(new Set(pids).size).toBe(3);
      await waitUntil(() => seen.exits.length >= 2, 10_000, 'two recycled children exited');
      expect(seen.exits.slice(0, 2).map((e) => [e.id, e.code])).toEqual([
        [pids[0], 0],
        [pids[2], 0],
      ]);
      expect(seen.spawned).toEqual([pids[0], pids[2], pids[4]]);
    });

    it('lets idle children above minWorkers exit after idleTimeout', async () => {
      const executor = make({ maxWorkers: 2, minWorkers: 1, idleTimeout: 100 });
      const seen = trackChildren(executor);
      await Promise.all([executor.run(spin, 200), executor.run(spin, 200)]);
      await waitUntil(() => seen.exits.length === 1, 10_000, 'one idle child exited');
      expect(executor.stats().workers).toBe(1);
    });
  });

  describe('crash-loop back-off', () => {
    it('backs off when children die before they are ready, then rejects with a clear error; no tight loop, no hang', async () => {
      const executor = make({ maxWorkers: 2, execArgv: ['--require', '/nonexistent-unified-executor.cjs'] });
      const seen = trackChildren(executor);
      const began = Date.now();
      const results = await Promise.all([1, 2, 3].map((n) => executor.run(double, n).then(() => undefined, (e: unknown) => e)));
      const elapsed = Date.now() - began;
      for (const error of results) {
        expect(error).toBeInstanceOf(WorkerCrashedError);
        expect((error as Error).message).toMatch(/Cannot start a child process: \d+ in a row exited before they were ready/);
        expect((error as Error).message).toContain('nonexistent-unified-executor.cjs');
      }
      // Five failures with 100..800 ms between them: a handful of spawns, not hundreds.
      expect(seen.spawned.length).toBeLessThanOrEqual(8);
      expect(elapsed).toBeGreaterThanOrEqual(1_000);
      // Still broken: a new task is refused at once instead of waiting.
      const startedAt = Date.now();
      await expect(executor.run(double, 4)).rejects.toBeInstanceOf(WorkerCrashedError);
      expect(Date.now() - startedAt).toBeLessThan(1_000);
    }, 60_000);
  });

  describe('no process left behind', () => {
    it('close() resolves only after every child has exited', async () => {
      const executor = make({ maxWorkers: 2, minWorkers: 2 });
      const seen = trackChildren(executor);
      await Promise.all([executor.run(spin, 100), executor.run(spin, 100)]);
      await executor.close();
      expect(seen.spawned.length).toBeGreaterThanOrEqual(2);
      for (const pid of seen.spawned) expect(alive(pid)).toBe(false);
      expect(executor.stats().workers).toBe(0);
    });

    it('destroy() ends busy children (a hang, a synchronous loop) and resolves only after they exited', async () => {
      const executor = make({ maxWorkers: 2 });
      const seen = trackChildren(executor);
      await bothChildrenReady(executor);
      const a = executor.run(hang, null).catch(() => {});
      const b = executor.run(spin, 600_000).catch(() => {});
      // Let the spinning child get into its loop.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await executor.destroy();
      for (const pid of seen.spawned) expect(alive(pid)).toBe(false);
      await Promise.all([a, b]);
    });

    for (const mode of ['hang', 'spin'] as const) {
      it(`children exit by themselves when their parent is SIGKILLed (tasks: ${mode})`, async () => {
        const parent = spawn(process.execPath, [new URL('../fixtures/process-parent.mjs', import.meta.url).pathname, mode], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        try {
          const line = await new Promise<string>((resolve, reject) => {
            createInterface({ input: parent.stdout! }).once('line', resolve);
            parent.once('exit', (code) => reject(new Error(`the parent fixture exited early (code ${code})`)));
          });
          const { children } = JSON.parse(line) as { children: number[] };
          expect(children).toHaveLength(2);
          for (const pid of children) expect(alive(pid)).toBe(true);
          parent.kill('SIGKILL');
          // disconnect reaches an idle child at once; the watchdog thread ends a spinning one within ~1 s.
          await waitUntil(() => children.every((pid) => !alive(pid)), 15_000, `children ${children} exited`);
        } finally {
          parent.kill('SIGKILL');
        }
      }, 30_000);
    }
  });
});
