import {
  createExecutor
} from "./chunk-7KDAAZ7A.js";
import "./chunk-66ZMYZSS.js";
import {
  RULES,
  selectBackend
} from "./chunk-5KTGPJIW.js";
import {
  ConnectionLostError,
  ExecutorClosedError,
  ExecutorError,
  QueueFullError,
  TaskLoadError,
  TaskNotPortableError,
  TaskTimeoutError,
  WorkerCrashedError,
  defineTask,
  init_esm_shims,
  isTask,
  workerFlags
} from "./chunk-CF3ROOVL.js";

// src/index.ts
init_esm_shims();

// src/distributed/create-worker.ts
init_esm_shims();
async function createWorker(options) {
  const worker = await import("./worker-Q4YPVRJ3.js");
  return worker.createWorker(options);
}
export {
  ConnectionLostError,
  ExecutorClosedError,
  ExecutorError,
  QueueFullError,
  RULES,
  TaskLoadError,
  TaskNotPortableError,
  TaskTimeoutError,
  WorkerCrashedError,
  createExecutor,
  createWorker,
  defineTask,
  isTask,
  selectBackend,
  workerFlags
};
//# sourceMappingURL=index.js.map