import { AutoExecutor, createLocalExecutor } from './policy/auto.js';
import { lazyBackend } from './backends/lazy-backend.js';
import { distributedFacts, explainDistributed } from './distributed/submitter-facts.js';
import type { Executor } from './executor.js';
import { LocalExecutor } from './core/local-executor.js';
import { validateOptions, type ExecutorOptions } from './options.js';
import type { Decision, LocalBackend } from './policy/rules.js';
import { sizeBackend, sizedOptions } from './policy/sizing.js';
import { TaskProfiles } from './policy/task-profile.js';
import type { Task, TaskFunction } from './task.js';

/** The distributed backend's code (BullMQ's link, the codec) is loaded on its first use. */
const distributedFactory = lazyBackend(distributedFacts, () =>
  import('./distributed/distributed-backend.js').then((m) => m.createDistributedBackend),
);

/**
 * Creates an executor. `backend: 'auto'` (the default) routes each task by the
 * policy; an explicit backend runs every task there.
 */
export function createExecutor(options: ExecutorOptions = {}): Executor {
  validateOptions(options);
  const backend = options.backend ?? 'auto';
  if (backend === 'auto') return new AutoExecutor(options);
  const traits = options.traits ?? {};
  // Profiles are kept here too, for explain(task).measured; an explicit backend is never moved or advised about.
  const profiles = new TaskProfiles();
  if (backend === 'distributed') {
    // The same core as every backend, over BullMQ; BullMQ itself is loaded on the first run, so this stays synchronous.
    // Tasks run on the workers' executors, which measure them: the submitter measures nothing.
    const decision = explainDistributed(options);
    return new LocalExecutor({ factory: distributedFactory, options, traits, decision: () => decision, profiles });
  }
  const decision = (task?: Task | TaskFunction): Decision => {
    const explicit: Decision = {
      backend: backend as LocalBackend,
      rule: 'explicit',
      reason: `the executor was created with backend: '${backend}'`,
      size: sizeBackend(backend as LocalBackend, traits, options),
    };
    const measured = task === undefined ? undefined : profiles.profile(task);
    return measured === undefined ? explicit : { ...explicit, measured };
  };
  return createLocalExecutor(backend, traits, sizedOptions(backend, traits, options), decision, profiles);
}
