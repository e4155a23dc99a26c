/**
 * The backends the contract suite runs against. A new backend is one entry:
 * its name, the options that make exactly `n` tasks run at once, and what it
 * needs started first.
 */
import type { ExecutorOptions } from 'unified-executor';
import { RedisServer, redisInstalled } from '../distributed/redis.js';
import { WorkerProcess } from '../distributed/workers.js';

/** Contract items a backend may not promise; the reason is stated where the backend lists it. */
export type ContractGap = 'workers-released-on-close';

export interface BackendUnderTest {
  name: 'async' | 'thread' | 'process' | 'distributed';
  /** Options under which exactly `n` tasks run at once (n from 1 to 3). */
  slots(n: number): ExecutorOptions;
  /**
   * Options under which at most 10 tasks start in any 100 ms, with 3 slots.
   * Distributed: the limit is the workers' (BullMQ's limiter, global across machines).
   */
  rateLimited(limit: 10, intervalMs: 100): ExecutorOptions;
  /** Whether tasks run outside the test's own thread (inputs are cloned, plain functions refused). */
  isolated: boolean;
  /** Starts what the backend needs (servers, worker processes); resolves with how to stop it. */
  setup?(): Promise<() => Promise<void>>;
  /** What it does not promise, each with the reason (the README says the same). */
  gaps?: Partial<Record<ContractGap, string>>;
}

/**
 * The distributed backend against a real redis-server, with one worker process
 * per queue: queue `contract-n` is served by a single worker of concurrency n,
 * so exactly n jobs run at once, as on the local backends. The submitter is
 * told so (`concurrency: n`): it cannot see the workers' slots, and counts
 * jobs beyond them as waiting for `maxQueue`.
 */
function distributed(): BackendUnderTest {
  let url = '';
  return {
    name: 'distributed',
    isolated: true,
    slots: (n) => ({ backend: 'distributed', connection: url, queue: `contract-${n}`, concurrency: n }),
    rateLimited: () => ({ backend: 'distributed', connection: url, queue: 'contract-rate', concurrency: 3 }),
    async setup() {
      const redis = await RedisServer.start();
      url = redis.url;
      const workers = await Promise.all([
        ...[1, 2, 3].map((n) => WorkerProcess.start(url, `contract-${n}`, { concurrency: n })),
        WorkerProcess.start(url, 'contract-rate', { concurrency: 10, rateLimit: { limit: 10, intervalMs: 100 } }),
      ]);
      return async () => {
        await Promise.all(workers.map((w) => w.stop('SIGTERM')));
        await redis.stop();
      };
    },
    gaps: {
      'workers-released-on-close': 'workers are other machines: closing a submitter leaves them serving the queue',
    },
  };
}

const HAVE_REDIS = redisInstalled();
if (!HAVE_REDIS) console.warn('test/contract: the distributed backend is left out: redis-server is not installed (run .ci/install-redis.sh)');

type LocalBackendUnderTest = BackendUnderTest & { name: 'async' | 'thread' | 'process' };

/** The three local backends: the reliability suites (test/reliability/) run on these. */
const local = (name: LocalBackendUnderTest['name'], isolated: boolean, slots: (n: number) => ExecutorOptions): LocalBackendUnderTest => ({
  name,
  isolated,
  slots,
  rateLimited: (limit, intervalMs) => ({ ...slots(3), rateLimit: { limit, intervalMs } }),
});

export const localBackends: LocalBackendUnderTest[] = [
  local('async', false, (n) => ({ backend: 'async', concurrency: n })),
  local('thread', true, (n) => ({ backend: 'thread', maxWorkers: n, concurrentTasksPerWorker: 1 })),
  local('process', true, (n) => ({ backend: 'process', maxWorkers: n, concurrentTasksPerWorker: 1 })),
];

/** Every backend: the contract suite runs on these. */
export const backendsUnderTest: BackendUnderTest[] = [...localBackends, ...(HAVE_REDIS ? [distributed()] : [])];
