/**
 * Which factory builds which backend. Each backend lives in its own file; the
 * pools are loaded on first use (lazy-backend.ts), so importing the library
 * loads neither their code nor worker_threads or child_process.
 */
import type { LocalBackend } from '../policy/rules.js';
import { createAsyncBackend } from './async/async-backend.js';
import type { BackendFactory } from './backend.js';
import { lazyBackend } from './lazy-backend.js';
import { poolFacts } from './pool/pool-facts.js';

export const backendFactories: Partial<Record<LocalBackend, BackendFactory>> = {
  async: createAsyncBackend,
  thread: lazyBackend(
    (options) => poolFacts('thread', options),
    () => import('./thread/thread.js').then((m) => m.createThreadBackend),
  ),
  process: lazyBackend(
    (options) => poolFacts('process', options),
    () => import('./process/pool.js').then((m) => m.createProcessBackend),
  ),
};
