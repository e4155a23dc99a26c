import {
  TaskNotPortableError,
  init_esm_shims,
  isTask,
  taskLabel
} from "./chunk-CF3ROOVL.js";

// src/backends/pool/pool-settings.ts
init_esm_shims();
import { availableParallelism } from "os";
var DEFAULT_IDLE_TIMEOUT_MS = 3e4;
function poolSettings(options, defaultMinWorkers) {
  const maxWorkers = options.maxWorkers ?? availableParallelism();
  return {
    maxWorkers,
    minWorkers: Math.min(options.minWorkers ?? defaultMinWorkers, maxWorkers),
    perWorker: options.concurrentTasksPerWorker ?? 1,
    idleTimeout: options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT_MS,
    maxTasksPerWorker: options.maxTasksPerWorker ?? Number.POSITIVE_INFINITY
  };
}

// src/backends/pool/pool-facts.ts
init_esm_shims();
var FIRST_AHEAD = 1;
function refuseClosure(kind, task) {
  if (!isTask(task)) {
    throw new TaskNotPortableError(
      `Task ${taskLabel(task)} is a plain function, which cannot be sent to a ${kind === "thread" ? "worker thread" : "child process"}: define it in a module and use defineTask(module, exportName), e.g. defineTask(new URL('./tasks.js', import.meta.url), 'myTask')`
    );
  }
}
function poolFacts(kind, options) {
  const { maxWorkers, perWorker } = poolSettings(options, 0);
  return {
    kind,
    concurrency: maxWorkers * perWorker,
    capacity: maxWorkers * (perWorker + FIRST_AHEAD),
    reportsStart: true,
    accept: (task) => refuseClosure(kind, task)
  };
}

export {
  poolSettings,
  FIRST_AHEAD,
  refuseClosure,
  poolFacts
};
//# sourceMappingURL=chunk-66ZMYZSS.js.map