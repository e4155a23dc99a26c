/**
 * `import('unified-executor')` loads the core and the async backend only: the
 * pools and the distributed backend are loaded on their first use
 * (src/backends/lazy-backend.ts), and createExecutor stays synchronous.
 * Proven by what a fresh process has loaded (Node's own module list), not by
 * timing; then by calls that arrive while a backend's code is on its way.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createExecutor, defineTask, ExecutorClosedError } from 'unified-executor';
import { outcome } from './contract/helpers.js';

const double = defineTask<(n: number) => number>(new URL('./fixtures/values.mjs', import.meta.url), 'double');
const sleep = defineTask<(x: { ms: number; value: number }) => Promise<number>>(new URL('./fixtures/timing.mjs', import.meta.url), 'sleep');

/** Node built-ins only the pools and the distributed backend use. */
const HEAVY = ['worker_threads', 'child_process', 'crypto', 'v8', 'net'];

/** The built-in modules a fresh process has loaded after running `source` (ESM or CommonJS), beyond a bare start. */
function builtinsLoadedBy(source: string, type: 'module' | 'commonjs'): string[] {
  const print = `console.log(JSON.stringify(process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13))))`;
  const program = type === 'module' ? `${source}\n${print}` : `${source};\n${print}`;
  const out = execFileSync(process.execPath, ['--input-type', type, '-e', program], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as string[];
}

describe('what importing the library loads', () => {
  it('through import: none of the pools\' or the distributed backend\'s built-ins', () => {
    const loaded = builtinsLoadedBy("await import('unified-executor');", 'module');
    expect(loaded.filter((m) => HEAVY.includes(m))).toEqual([]);
  });

  it('through require: none of them either', () => {
    const loaded = builtinsLoadedBy("require('unified-executor')", 'commonjs');
    expect(loaded.filter((m) => HEAVY.includes(m))).toEqual([]);
  });

  it('an async executor and its runs load none of them', () => {
    const loaded = builtinsLoadedBy(
      "const { createExecutor } = await import('unified-executor'); const e = createExecutor({ backend: 'async' }); await e.run((n) => n + 1, 1); await e.close();",
      'module',
    );
    expect(loaded.filter((m) => HEAVY.includes(m))).toEqual([]);
  });

  it('a process executor loads its pool on creation, synchronously from the caller\'s view', () => {
    const loaded = builtinsLoadedBy(
      `const { createExecutor, defineTask } = await import('unified-executor');
       const e = createExecutor({ backend: 'process', maxWorkers: 1 });
       if ((await e.run(defineTask(${JSON.stringify(double.module)}, 'double'), 21)) !== 42) throw new Error('wrong result');
       await e.close();`,
      'module',
    );
    expect(loaded).toContain('child_process');
  });
});

describe('calls that arrive while a backend loads', () => {
  it.each(['thread', 'process'] as const)('on %s: count as queued, then run', async (backend) => {
    const executor = createExecutor({ backend, maxWorkers: 1 });
    try {
      const result = executor.run(double, 21);
      expect(executor.stats()).toMatchObject({ queued: 1, running: 0 });
      expect(await result).toBe(42);
    } finally {
      await executor.destroy();
    }
  });

  it('one aborted meanwhile rejects at once with the reason and never starts', async () => {
    const executor = createExecutor({ backend: 'process', maxWorkers: 1 });
    const starts: unknown[] = [];
    executor.on('taskStart', (event) => starts.push(event));
    try {
      const controller = new AbortController();
      const aborted = outcome(executor.run(sleep, { ms: 10, value: 1 }, { signal: controller.signal }));
      const reason = new Error('changed my mind');
      controller.abort(reason);
      expect(await aborted).toEqual({ ok: false, error: reason });
      expect(await executor.run(double, 2)).toBe(4);
      expect(starts).toHaveLength(1);
      expect(executor.stats()).toMatchObject({ cancelled: 1, completed: 1, queued: 0 });
    } finally {
      await executor.destroy();
    }
  });

  it('destroy() meanwhile rejects them with ExecutorClosedError, and the pool is never made (no workerSpawn)', async () => {
    const executor = createExecutor({ backend: 'thread', maxWorkers: 2, minWorkers: 2 });
    const spawned: unknown[] = [];
    executor.on('workerSpawn', (event) => spawned.push(event));
    const calls = [1, 2, 3].map((n) => outcome(executor.run(double, n)));
    await executor.destroy();
    for (const call of calls) expect(await call).toMatchObject({ ok: false, error: expect.any(ExecutorClosedError) });
    expect(spawned).toEqual([]);
    expect(executor.stats()).toMatchObject({ workers: 0, queued: 0, running: 0, cancelled: 3 });
  });
});

/** This process's pool children now (Linux: /proc/PID/task/TID/children; the orphan guard's shell left out), synchronously. */
function childPids(): number[] {
  return poolChildrenOf(process.pid);
}

function poolChildrenOf(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
    try {
      const children = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
      return children.filter((child) => readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('process-child'));
    } catch {
      return [];
    }
  });
}

/** OS threads of this process now, synchronously. */
function threadCount(): number {
  return readdirSync(`/proc/${process.pid}/task`).length;
}

async function until(check: () => boolean, ms = 5_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) if (check()) return true;
  return check();
}

// The pool's first workers boot while its code loads (src/backends/pool/head-start.ts): they start
// inside createExecutor, not once the pool's chunk has been imported.
describe.runIf(process.platform === 'linux')('a pool\'s first workers start as the executor is created', () => {
  it('processes: minWorkers children are forked before createExecutor returns, and they are the pool\'s', async () => {
    const before = childPids();
    const executor = createExecutor({ backend: 'process', minWorkers: 2, maxWorkers: 2 });
    try {
      const early = childPids().filter((pid) => !before.includes(pid));
      expect(early).toHaveLength(2);
      const spawned: number[] = [];
      executor.on('workerSpawn', (event) => spawned.push(event.id));
      expect(await executor.run(double, 21)).toBe(42);
      await until(() => spawned.length === 2);
      // The pool adopted exactly those two: no third child was forked.
      expect(spawned.sort()).toEqual(early.sort());
      expect(childPids().filter((pid) => !before.includes(pid)).sort()).toEqual(early.sort());
    } finally {
      await executor.close();
    }
    expect(await until(() => childPids().every((pid) => before.includes(pid)))).toBe(true);
  });

  it('threads: the first thread is started before createExecutor returns', async () => {
    // Warm: piscina and the pool's code loaded, one thread started and ended, so only the new thread counts.
    const warm = createExecutor({ backend: 'thread', minWorkers: 1, maxWorkers: 1 });
    await warm.run(double, 1);
    await warm.close();
    const before = threadCount();
    const executor = createExecutor({ backend: 'thread', minWorkers: 1, maxWorkers: 1 });
    try {
      expect(threadCount()).toBeGreaterThan(before);
      expect(await executor.run(double, 21)).toBe(42);
      expect(executor.stats().workers).toBe(1);
    } finally {
      await executor.close();
    }
  });

  it('processes with minWorkers 0: a call that comes while the code loads starts a child at once; aborted, that child is let go', () => {
    // A fresh process: here the pool's code is loaded already, so no call would wait for it.
    const source = `
      import { readdirSync, readFileSync } from 'node:fs';
      const { createExecutor, defineTask } = await import('unified-executor');
      const kids = () => readdirSync('/proc/' + process.pid + '/task').flatMap((tid) => {
        try {
          const children = readFileSync('/proc/' + process.pid + '/task/' + tid + '/children', 'utf8').split(' ').filter(Boolean).map(Number);
          return children.filter((child) => readFileSync('/proc/' + child + '/cmdline', 'utf8').includes('process-child'));
        } catch {
          return [];
        }
      });
      const double = defineTask(${JSON.stringify(double.module)}, 'double');
      const executor = createExecutor({ backend: 'process', maxWorkers: 1 });
      const atCreate = kids().length;
      const controller = new AbortController();
      const aborted = executor.run(double, 1, { signal: controller.signal }).then(() => 'ran', () => 'aborted');
      const early = kids();
      controller.abort();
      const outcome = await aborted;
      let gone = false;
      for (const end = Date.now() + 5000; !gone && Date.now() < end; await new Promise((r) => setTimeout(r, 20))) gone = !kids().includes(early[0]);
      const workersAfter = executor.stats().workers;
      const next = await executor.run(double, 4);
      await executor.close();
      console.log(JSON.stringify({ atCreate, early: early.length, outcome, gone, workersAfter, next }));
    `;
    const out = execFileSync(process.execPath, ['--input-type', 'module', '-e', source], { encoding: 'utf8', timeout: 30_000 });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ atCreate: 0, early: 1, outcome: 'aborted', gone: true, workersAfter: 0, next: 8 });
  });

  it('destroy() before the code has loaded ends the children started early', async () => {
    const before = childPids();
    const executor = createExecutor({ backend: 'process', minWorkers: 2, maxWorkers: 2 });
    expect(childPids().filter((pid) => !before.includes(pid))).toHaveLength(2);
    await executor.destroy();
    expect(await until(() => childPids().every((pid) => before.includes(pid)))).toBe(true);
  });
});
