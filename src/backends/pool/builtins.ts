/**
 * The Node built-ins the pools start workers with, loaded when a pool first
 * needs them rather than imported at the top: the spawners are in the code
 * `import('unified-executor')` loads (their first workers start as the
 * executor is created: head-start.ts), and an app that never makes a pool
 * must not pay for child_process (which brings net and more) or worker_threads
 * (test/lazy-loading.test.ts). Synchronous, so spawning stays synchronous.
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export function childProcess(): typeof import('node:child_process') {
  return load('node:child_process') as typeof import('node:child_process');
}

export function workerThreads(): typeof import('node:worker_threads') {
  return load('node:worker_threads') as typeof import('node:worker_threads');
}
