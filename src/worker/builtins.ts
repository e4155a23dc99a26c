/**
 * Node built-ins loaded when first needed rather than imported at the top.
 * - The pools' spawners are in the code `import('unified-executor')` loads
 *   (their first workers start as the executor is created:
 *   backends/pool/head-start.ts), and an app that never makes a pool must not
 *   pay for child_process (which brings net and more) or worker_threads
 *   (test/lazy-loading.test.ts).
 * - A pool's child process needs worker_threads only without an orphan guard
 *   (its watchdog thread) or off Linux (cpu-clock.ts): ~1.6 ms of each child's
 *   start otherwise.
 * - node:v8 only on Bun and Deno (runtime.ts).
 * Synchronous, so spawning stays synchronous.
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export function childProcess(): typeof import('node:child_process') {
  return load('node:child_process') as typeof import('node:child_process');
}

export function workerThreads(): typeof import('node:worker_threads') {
  return load('node:worker_threads') as typeof import('node:worker_threads');
}

export function v8(): typeof import('node:v8') {
  return load('node:v8') as typeof import('node:v8');
}
