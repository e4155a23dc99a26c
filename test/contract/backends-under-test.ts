/**
 * The backends the contract suite runs against. A new backend is one entry:
 * its name and the options that make exactly `n` tasks run at once.
 */
import type { ExecutorOptions } from 'unified-executor';

export interface BackendUnderTest {
  name: 'async' | 'thread' | 'process';
  /** Options under which exactly `n` tasks run at once. */
  slots(n: number): ExecutorOptions;
  /** Whether tasks run outside the test's own thread (inputs are cloned, plain functions refused). */
  isolated: boolean;
}

export const backendsUnderTest: BackendUnderTest[] = [
  { name: 'async', isolated: false, slots: (n) => ({ backend: 'async', concurrency: n }) },
  { name: 'thread', isolated: true, slots: (n) => ({ backend: 'thread', maxWorkers: n, concurrentTasksPerWorker: 1 }) },
  { name: 'process', isolated: true, slots: (n) => ({ backend: 'process', maxWorkers: n, concurrentTasksPerWorker: 1 }) },
];
