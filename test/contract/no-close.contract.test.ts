/**
 * Part of the contract suite: an idle executor never keeps a script alive, on
 * any backend, and one with a task running does. A real script
 * (test/fixtures/no-close.mjs) runs one task of 200 ms without awaiting it and
 * ends without close(): it must print the result (the executor held it alive
 * while the task ran) and exit within a second of it (nothing holds it after).
 * Before issue 16 a thread executor kept such a script alive for ever.
 * The distributed backend is left out: its connection to Redis is the
 * caller's to close (README "Scale out").
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { ExecutorOptions } from 'unified-executor';
import { localBackends } from './backends-under-test.js';

const script = new URL('../fixtures/no-close.mjs', import.meta.url).pathname;
/** The bound: the script exits within a second of its last result. */
const EXIT_BOUND_MS = 1_000;

interface ScriptRun {
  stdout: string;
  stderr: string;
  code: number | null;
  /** ms from the RESULT line to the script's exit. */
  afterResult: number | undefined;
  timedOut: boolean;
}

/** Runs the script in its own process group; a watchdog kills the group if it outlives `timeoutMs`. */
function runScript(options: ExecutorOptions, timeoutMs = 15_000): Promise<ScriptRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, [script, JSON.stringify(options)], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
  const run: ScriptRun = { stdout: '', stderr: '', code: null, afterResult: undefined, timedOut: false };
  let resultAt: number | undefined;
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    run.stdout += text;
    if (resultAt === undefined && run.stdout.includes('RESULT')) resultAt = performance.now();
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => (run.stderr += text));
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // ESRCH: gone already.
    }
  };
  const watchdog = setTimeout(() => {
    run.timedOut = true;
    killGroup();
  }, timeoutMs);
  return new Promise((resolve) => {
    // The script's own exit times it ('close' may come later: a pool child still ending may hold the pipes a moment).
    child.on('exit', (code) => {
      clearTimeout(watchdog);
      run.code = code;
      if (resultAt !== undefined) run.afterResult = performance.now() - resultAt;
      // Whatever is left of the group (nothing, if all went well) goes.
      setTimeout(killGroup, 2_000).unref();
    });
    child.on('close', () => resolve(run));
  });
}

const cases: { name: string; options: ExecutorOptions }[] = [
  ...localBackends.map((backend) => ({ name: backend.name, options: backend.slots(2) })),
  { name: 'auto', options: { maxWorkers: 2 } },
];

describe.each(cases)('a script that never calls close() on the $name backend', ({ options }) => {
  it(`is kept alive while its task runs, and exits within ${EXIT_BOUND_MS} ms of its last result`, async () => {
    const run = await runScript(options);
    const context = `stdout: ${run.stdout}\nstderr: ${run.stderr}`;
    expect(run.timedOut, context).toBe(false);
    expect(run.stdout, context).toContain('RESULT done');
    expect(run.code, context).toBe(0);
    expect(run.afterResult, context).toBeLessThan(EXIT_BOUND_MS);
  });
});
