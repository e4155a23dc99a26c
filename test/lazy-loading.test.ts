/**
 * `import('unified-executor')` loads the core and the async backend only: the
 * pools and the distributed backend are loaded on their first use
 * (src/backends/lazy-backend.ts), and createExecutor stays synchronous.
 * Proven by what a fresh process has loaded (Node's own module list), not by
 * timing; then by calls that arrive while a backend's code is on its way.
 */
import { execFileSync } from 'node:child_process';
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

  it('destroy() meanwhile rejects them with ExecutorClosedError and starts no worker', async () => {
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
