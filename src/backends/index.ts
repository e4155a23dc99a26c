/** Which factory builds which backend. Each backend lives in its own file. */
import type { LocalBackend } from '../policy/rules.js';
import { createAsyncBackend } from './async.js';
import type { BackendFactory } from './backend.js';
import { createProcessBackend } from './process/pool.js';
import { createThreadBackend } from './thread/thread.js';

export const backendFactories: Partial<Record<LocalBackend, BackendFactory>> = {
  async: createAsyncBackend,
  thread: createThreadBackend,
  process: createProcessBackend,
};
