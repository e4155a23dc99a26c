/**
 * Which factory builds which backend. Each backend lives in its own file; the
 * pools are loaded on first use (lazy-backend.ts), so importing the library
 * loads neither their code nor worker_threads or child_process. Their
 * spawners are here already: a pool's first workers start as the executor is
 * created (pool/head-start.ts), while its code loads.
 */
import type { LocalBackend } from '../policy/rules.js';
import { createAsyncBackend } from './async/async-backend.js';
import type { BackendFactory } from './backend.js';
import { lazyPool } from './pool/lazy-pool.js';
import { childSpawner } from './process/child-spawner.js';
import { threadSpawner } from './thread/thread-spawner.js';

export const backendFactories: Partial<Record<LocalBackend, BackendFactory>> = {
  async: createAsyncBackend,
  thread: lazyPool('thread', threadSpawner, () => import('./pool-backends.js').then((m) => m.createThreadBackend)),
  process: lazyPool('process', childSpawner, () => import('./pool-backends.js').then((m) => m.createProcessBackend)),
};
