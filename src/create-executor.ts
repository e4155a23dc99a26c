import { AutoExecutor, createLocalExecutor } from './auto.js';
import { DistributedExecutor } from './distributed/distributed-executor.js';
import type { Executor } from './executor.js';
import { validateOptions, type ExecutorOptions } from './options.js';
import type { Decision, LocalBackend } from './policy.js';
import { sizeBackend } from './sizing.js';

/**
 * Creates an executor. `backend: 'auto'` (the default) routes each task by the
 * policy; an explicit backend runs every task there.
 */
export function createExecutor(options: ExecutorOptions = {}): Executor {
  validateOptions(options);
  const backend = options.backend ?? 'auto';
  if (backend === 'auto') return new AutoExecutor(options);
  // BullMQ itself is loaded lazily, on the first run: this stays synchronous.
  if (backend === 'distributed') return new DistributedExecutor(options);
  const traits = options.traits ?? {};
  const decision = (): Decision => ({
    backend: backend as LocalBackend,
    rule: 'explicit',
    reason: `the executor was created with backend: '${backend}'`,
    size: sizeBackend(backend as LocalBackend, traits, options),
  });
  return createLocalExecutor(backend, traits, options, decision);
}
