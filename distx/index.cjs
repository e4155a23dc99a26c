"use strict";
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __esm = (fn, res) => function __init() {
  return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
};
var __export = (target, all) => {
  for (var name2 in all)
    __defProp(target, name2, { get: all[name2], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

// node_modules/tsup/assets/cjs_shims.js
var getImportMetaUrl, importMetaUrl;
var init_cjs_shims = __esm({
  "node_modules/tsup/assets/cjs_shims.js"() {
    "use strict";
    getImportMetaUrl = () => typeof document === "undefined" ? new URL(`file:${__filename}`).href : document.currentScript && document.currentScript.tagName.toUpperCase() === "SCRIPT" ? document.currentScript.src : new URL("main.js", document.baseURI).href;
    importMetaUrl = /* @__PURE__ */ getImportMetaUrl();
  }
});

// src/policy/traits.ts
function validateTraits(traits, source) {
  if (traits === void 0) return;
  const isOption = "option" in source;
  const trait = (key) => isOption ? `\`${source.option}.${key}\`` : `trait \`${key}\` of task ${source.task}`;
  if (typeof traits !== "object" || traits === null || Array.isArray(traits)) {
    throw new TypeError(
      isOption ? `Expected \`${source.option}\` to be an object of task traits, got ${describeValue(traits)}` : `Expected the traits of task ${source.task} to be an object, got ${describeValue(traits)}`
    );
  }
  for (const [key, value] of Object.entries(traits)) {
    if (!TRAIT_NAMES.includes(key)) {
      const where = isOption ? `\`${source.option}\`` : `the traits of task ${source.task}`;
      const near = nearestTrait(key);
      throw new TypeError(
        `Unknown task trait \`${key}\` in ${where}` + (near ? ` (did you mean \`${near}\`?)` : ` (expected one of ${TRAIT_NAMES.join(", ")})`)
      );
    }
    if (value === void 0) continue;
    if (key === "expectedCount") {
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
        const ErrorClass = typeof value === "number" ? RangeError : TypeError;
        throw new ErrorClass(`Expected ${trait(key)} to be an integer from 0 and up, got ${describeValue(value)}`);
      }
    } else if (typeof value !== "boolean") {
      throw new TypeError(`Expected ${trait(key)} to be a boolean, got ${describeValue(value)}`);
    }
  }
}
function describeValue(value) {
  return `\`${typeof value === "string" ? value : String(value)}\` (${typeof value})`;
}
function nearestTrait(key) {
  const lower = key.toLowerCase();
  let best;
  for (const name2 of TRAIT_NAMES) {
    const distance = editDistance(lower, name2.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: name2, distance };
  }
  return best?.name;
}
function editDistance(a, b) {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
var TRAIT_NAMES;
var init_traits = __esm({
  "src/policy/traits.ts"() {
    "use strict";
    init_cjs_shims();
    TRAIT_NAMES = ["cpuBound", "ioBound", "expectedCount", "needsSync", "lifecycleControl"];
  }
});

// src/task.ts
function defineTask(module2, name2 = "default", traits = {}) {
  const href = toModuleHref(module2);
  if (typeof name2 !== "string" || name2 === "") {
    throw new TypeError(`Expected the export name of task ${href} to be a non-empty string, got \`${String(name2)}\``);
  }
  const label = `${(0, import_node_path.basename)((0, import_node_url.fileURLToPath)(href))}#${name2}`;
  validateTraits(traits, { task: label });
  const task = {
    module: href,
    name: name2,
    traits: Object.freeze({ ...traits }),
    label,
    [TASK]: true
  };
  return Object.freeze(task);
}
function isTask(value) {
  return typeof value === "object" && value !== null && value[TASK] === true;
}
function taskLabel(task) {
  return isTask(task) ? task.label : task.name || "<anonymous function>";
}
function toModuleHref(module2) {
  if (module2 instanceof URL) {
    if (module2.protocol !== "file:") {
      throw new TypeError(`Task module must be an absolute path or a file: URL, got ${module2.href}`);
    }
    return module2.href;
  }
  if (typeof module2 !== "string") {
    throw new TypeError(`Task module must be an absolute path or a file: URL, got ${typeof module2}`);
  }
  if (module2.startsWith("file:")) return new URL(module2).href;
  if (!(0, import_node_path.isAbsolute)(module2)) {
    throw new TypeError(
      `Task module must be an absolute path or a file: URL, got the relative path '${module2}' (use new URL('${module2}', import.meta.url))`
    );
  }
  return (0, import_node_url.pathToFileURL)(module2).href;
}
var import_node_path, import_node_url, TASK;
var init_task = __esm({
  "src/task.ts"() {
    "use strict";
    init_cjs_shims();
    import_node_path = require("path");
    import_node_url = require("url");
    init_traits();
    TASK = /* @__PURE__ */ Symbol.for("unified-executor.task");
  }
});

// src/errors.ts
function executorErrorFromCode(code, message) {
  const ErrorClass = raisedInWorkers[code];
  return ErrorClass ? new ErrorClass(message) : void 0;
}
var ExecutorError, ExecutorClosedError, QueueFullError, TaskTimeoutError, WorkerCrashedError, TaskNotPortableError, TaskLoadError, ConnectionLostError, raisedInWorkers;
var init_errors = __esm({
  "src/errors.ts"() {
    "use strict";
    init_cjs_shims();
    ExecutorError = class extends Error {
      code;
      constructor(code, message, options) {
        super(message, options);
        this.name = new.target.name;
        this.code = code;
      }
    };
    ExecutorClosedError = class extends ExecutorError {
      constructor(message = "The executor is closed: it accepts no new tasks") {
        super("ERR_EXECUTOR_CLOSED", message);
      }
    };
    QueueFullError = class extends ExecutorError {
      constructor(message) {
        super("ERR_QUEUE_FULL", message);
      }
    };
    TaskTimeoutError = class extends ExecutorError {
      timeout;
      constructor(task, timeout) {
        super("ERR_TASK_TIMEOUT", `Task ${task} timed out after ${timeout} ms`);
        this.timeout = timeout;
      }
    };
    WorkerCrashedError = class extends ExecutorError {
      constructor(message, options) {
        super("ERR_WORKER_CRASHED", message, options);
      }
    };
    TaskNotPortableError = class extends ExecutorError {
      constructor(message, options) {
        super("ERR_TASK_NOT_PORTABLE", message, options);
      }
    };
    TaskLoadError = class extends ExecutorError {
      constructor(message, options) {
        super("ERR_TASK_LOAD", message, options);
      }
    };
    ConnectionLostError = class extends ExecutorError {
      constructor(message, options) {
        super("ERR_CONNECTION_LOST", message, options);
      }
    };
    raisedInWorkers = {
      ERR_TASK_LOAD: TaskLoadError,
      ERR_TASK_NOT_PORTABLE: TaskNotPortableError
    };
  }
});

// src/worker/task-loader.ts
function loadedTaskFunction(module2, name2) {
  return functions.get(`${module2}#${name2}`);
}
async function loadTaskFunction(module2, name2) {
  const key = `${module2}#${name2}`;
  const cached = functions.get(key);
  if (cached) return cached;
  let namespace = modules.get(module2);
  if (!namespace) {
    namespace = import(module2);
    modules.set(module2, namespace);
    namespace.catch(() => modules.delete(module2));
  }
  let exports2;
  try {
    exports2 = await namespace;
  } catch (error) {
    throw new TaskLoadError(
      `Cannot load task ${name2}: importing module ${module2} failed: ${error?.message ?? String(error)}`,
      { cause: error }
    );
  }
  const fn = findExport(exports2, name2);
  if (typeof fn !== "function") {
    const found = fn === void 0 ? "has no such export" : `exports a ${typeof fn}, not a function`;
    throw new TaskLoadError(`Cannot load task: module ${module2} ${found} named '${name2}'`);
  }
  functions.set(key, fn);
  return fn;
}
function findExport(exports2, name2) {
  if (Object.hasOwn(exports2, name2)) return exports2[name2];
  const commonjs = exports2.default;
  if (commonjs !== null && (typeof commonjs === "object" || typeof commonjs === "function") && Object.hasOwn(commonjs, name2)) {
    return commonjs[name2];
  }
  return void 0;
}
var modules, functions;
var init_task_loader = __esm({
  "src/worker/task-loader.ts"() {
    "use strict";
    init_cjs_shims();
    init_errors();
    modules = /* @__PURE__ */ new Map();
    functions = /* @__PURE__ */ new Map();
  }
});

// src/core/task-signal.ts
function settleOnAbort(promise, signal) {
  if (signal.aborted) {
    promise.catch(() => void 0);
    return Promise.reject(signal.reason);
  }
  return new Promise((resolve2, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve2(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      }
    );
  });
}
var ABORT_EVENT, TaskSignal;
var init_task_signal = __esm({
  "src/core/task-signal.ts"() {
    "use strict";
    init_cjs_shims();
    ABORT_EVENT = Object.freeze({ type: "abort" });
    TaskSignal = class {
      aborted = false;
      reason = void 0;
      #listeners;
      addEventListener(_type, listener) {
        if (this.aborted) return;
        (this.#listeners ??= []).push(listener);
      }
      removeEventListener(_type, listener) {
        const listeners = this.#listeners;
        if (!listeners) return;
        const at = listeners.indexOf(listener);
        if (at !== -1) listeners.splice(at, 1);
      }
      throwIfAborted() {
        if (this.aborted) throw this.reason;
      }
      /**
       * Makes the signal fresh for another run of the same task (a retry): not
       * aborted (a timeout aborted the last run), and without the listeners the
       * backend added for the last run.
       */
      reset() {
        this.aborted = false;
        this.reason = void 0;
        this.#listeners = void 0;
      }
      /** Aborts once; later calls are ignored, like AbortController.abort. */
      abort(reason = new DOMException("This operation was aborted", "AbortError")) {
        if (this.aborted) return;
        this.aborted = true;
        this.reason = reason;
        const listeners = this.#listeners;
        this.#listeners = void 0;
        if (!listeners) return;
        for (const listener of listeners) {
          if (typeof listener === "function") listener(ABORT_EVENT);
          else listener.handleEvent(ABORT_EVENT);
        }
      }
    };
  }
});

// src/policy/task-profile.ts
function isSampled(calls) {
  return calls <= SAMPLE_FIRST || calls % SAMPLE_ONE_IN === 0;
}
function measurementEnabled() {
  return process.env.UNIFIED_EXECUTOR_MEASURE !== "0";
}
function share(part, whole) {
  if (!(whole > 0)) return 1;
  return Math.min(1, Math.max(0, part / whole));
}
function median(values, offset, n) {
  let count = 0;
  for (let i = offset; i < offset + n; i++) if (!Number.isNaN(values[i])) scratch[count++] = values[i];
  if (count === 0) return Number.NaN;
  const sorted = scratch.subarray(0, count).sort();
  const mid = count >> 1;
  return count % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
var MAX_PROFILED_TASKS, RING, CPU_SHARE, SYNC_SHARE, RUN, CPU, SYNC, SAMPLE_FIRST, SAMPLE_ONE_IN, ProfileEntry, scratch, TaskProfiles;
var init_task_profile = __esm({
  "src/policy/task-profile.ts"() {
    "use strict";
    init_cjs_shims();
    init_task();
    MAX_PROFILED_TASKS = 256;
    RING = 16;
    CPU_SHARE = 0.5;
    SYNC_SHARE = 0.5;
    RUN = 0;
    CPU = RING;
    SYNC = RING * 2;
    SAMPLE_FIRST = 16;
    SAMPLE_ONE_IN = 64;
    ProfileEntry = class {
      constructor(key, holder) {
        this.key = key;
        this.holder = holder;
      }
      key;
      holder;
      runs = 0;
      /** Three rings in one allocation: run times (RUN), CPU shares (CPU; NaN where the sample had none), sync shares (SYNC). */
      samples = new Float64Array(RING * 3);
      /** The profile of the samples so far; undefined after a new sample, until asked. */
      cached = void 0;
      /** Policy advice was given for this task (once per task). */
      advised = false;
      add(sample) {
        const slot = this.runs % RING;
        const queued = sample.queuedMs !== void 0 && sample.queuedMs > 0 ? sample.queuedMs : 0;
        const run = Math.max(0, sample.runMs - queued);
        this.samples[RUN + slot] = run;
        this.samples[CPU + slot] = sample.cpuMs === void 0 ? Number.NaN : share(sample.cpuMs, run);
        this.samples[SYNC + slot] = share(sample.syncMs - queued, run);
        this.runs++;
        this.cached = void 0;
      }
      profile() {
        if (this.cached) return this.cached;
        const n = Math.min(this.runs, RING);
        const runMs = median(this.samples, RUN, n);
        const cpuShare = median(this.samples, CPU, n);
        const syncShare = median(this.samples, SYNC, n);
        const kind = cpuShare >= CPU_SHARE ? "cpu" : syncShare >= SYNC_SHARE ? "blocking-io" : "waiting-io";
        this.cached = Object.freeze({ runs: this.runs, runMs, cpuShare, kind });
        return this.cached;
      }
    };
    scratch = new Float64Array(RING);
    TaskProfiles = class {
      /** By definition (`module#export`, or the plain function itself); Map order is recency of measurement. */
      #entries = /* @__PURE__ */ new Map();
      /** The same entries by task object: the per-sample lookup without building a key string. */
      #byHolder = /* @__PURE__ */ new WeakMap();
      /** Called after each sample, with the task's profile (the auto executor gives advice from it). */
      onSample = void 0;
      /** Adds what was measured of one call of `task`. */
      record(task, sample) {
        let entry = this.#byHolder.get(task);
        if (entry === void 0) {
          entry = this.#find(task, true);
        } else {
          this.#entries.delete(entry.key);
          this.#entries.set(entry.key, entry);
        }
        entry.add(sample);
        this.onSample?.(task, entry.profile());
      }
      /** What was measured of `task`'s calls; undefined before any was. */
      profile(task) {
        const entry = this.#byHolder.get(task) ?? this.#find(task, false);
        return entry === void 0 || entry.runs === 0 ? void 0 : entry.profile();
      }
      /** True the first time it is asked for `task` (advice is given once per task definition). */
      firstAdvice(task) {
        const entry = this.#byHolder.get(task) ?? this.#find(task, false);
        if (entry === void 0 || entry.advised) return false;
        entry.advised = true;
        return true;
      }
      get size() {
        return this.#entries.size;
      }
      /** The entry of `task`'s definition (another Task object for the same export shares it). */
      #find(task, create) {
        const key = isTask(task) ? `${task.module}#${task.name}` : task;
        let entry = this.#entries.get(key);
        if (entry === void 0) {
          if (!create) return void 0;
          entry = new ProfileEntry(key, task);
          this.#entries.set(key, entry);
          if (this.#entries.size > MAX_PROFILED_TASKS) this.#forget();
        } else if (entry.holder !== task) {
          this.#byHolder.delete(entry.holder);
          entry.holder = task;
        }
        this.#byHolder.set(task, entry);
        return entry;
      }
      #forget() {
        const oldest = this.#entries.values().next().value;
        this.#entries.delete(oldest.key);
        this.#byHolder.delete(oldest.holder);
      }
    };
  }
});

// src/policy/run-queue-clock.ts
var import_node_module, closeSync, openSync, readSync, SPACE, ZERO, NINE, RunQueueClock;
var init_run_queue_clock = __esm({
  "src/policy/run-queue-clock.ts"() {
    "use strict";
    init_cjs_shims();
    import_node_module = require("module");
    ({ closeSync, openSync, readSync } = (0, import_node_module.createRequire)(importMetaUrl)("node:fs"));
    SPACE = 32;
    ZERO = 48;
    NINE = 57;
    RunQueueClock = class {
      #fd;
      #buffer = Buffer.alloc(64);
      #failed = false;
      /** The thread's CPU time at the last read, ms (lags up to a scheduler tick); undefined before one. */
      cpuMs;
      /** The thread's run delay so far, ms; undefined where it cannot be read. */
      read() {
        if (this.#failed) return void 0;
        try {
          this.#fd ??= openSync("/proc/thread-self/schedstat", "r");
          const buffer = this.#buffer;
          const length = readSync(this.#fd, buffer, 0, buffer.length, 0);
          let cpuNs = 0;
          let i = 0;
          for (; i < length && buffer[i] >= ZERO && buffer[i] <= NINE; i++) cpuNs = cpuNs * 10 + (buffer[i] - ZERO);
          if (i >= length || buffer[i] !== SPACE) return void 0;
          let ns = 0;
          for (i++; i < length; i++) {
            const c = buffer[i];
            if (c < ZERO || c > NINE) break;
            ns = ns * 10 + (c - ZERO);
          }
          this.cpuMs = cpuNs / 1e6;
          return ns / 1e6;
        } catch {
          this.#failed = true;
          this.close();
          return void 0;
        }
      }
      close() {
        if (this.#fd !== void 0) closeSync(this.#fd);
        this.#fd = void 0;
      }
    };
  }
});

// src/policy/sample-ration.ts
var SampleRation;
var init_sample_ration = __esm({
  "src/policy/sample-ration.ts"() {
    "use strict";
    init_cjs_shims();
    SampleRation = class {
      #oneIn;
      #burst;
      /** Calls seen so far. */
      #seen = 0;
      /** The budget as it was when `#seenAt` calls had been seen. */
      #left;
      #seenAt = 0;
      constructor(oneIn, burst) {
        this.#oneIn = oneIn;
        this.#burst = burst;
        this.#left = burst;
      }
      /** One more call seen: the budget grows by 1/oneIn. */
      seen() {
        this.#seen++;
      }
      /** What may be let through now (a fraction below one: nothing yet). */
      available() {
        return Math.min(this.#burst, this.#left + (this.#seen - this.#seenAt) / this.#oneIn);
      }
      /** Lets one call through if the budget allows it. */
      take() {
        const available = this.available();
        if (available < 1) return false;
        this.#left = available - 1;
        this.#seenAt = this.#seen;
        return true;
      }
    };
  }
});

// src/core/task-context.ts
function wantsContext(fn) {
  return fn.length >= 2;
}
function pollOnRead(signal, context) {
  const native = Object.getOwnPropertyDescriptor(AbortSignal.prototype, "aborted").get;
  Object.defineProperty(signal, "aborted", {
    get() {
      return native.call(this) || context.aborted;
    }
  });
  signal.throwIfAborted = () => context.throwIfAborted();
}
var CallContext;
var init_task_context = __esm({
  "src/core/task-context.ts"() {
    "use strict";
    init_cjs_shims();
    CallContext = class {
      constructor(sink, item, source, poll) {
        this.sink = sink;
        this.item = item;
        this.source = source;
        this.poll = poll;
      }
      sink;
      item;
      source;
      poll;
      #controller = void 0;
      #aborted = false;
      #reason = void 0;
      get signal() {
        if (this.#controller === void 0) {
          const controller = new AbortController();
          this.#controller = controller;
          if (this.poll !== void 0) pollOnRead(controller.signal, this);
          if (this.#isAborted()) controller.abort(this.#currentReason());
          else if (this.source !== void 0) {
            this.source.addEventListener("abort", this);
            this.sink.following?.(this);
          }
        }
        return this.#controller.signal;
      }
      get attempt() {
        return this.sink.attempt;
      }
      progress(value) {
        this.sink.progress(value, this.item);
      }
      throwIfAborted() {
        if (this.#isAborted()) throw this.#currentReason();
      }
      /** The source signal aborted (its listener). */
      handleEvent() {
        this.abort(this.source.reason);
      }
      /** Aborts once, with the caller's rejection reason. */
      abort(reason) {
        if (this.#aborted) return;
        this.#aborted = true;
        this.#reason = reason;
        this.#controller?.abort(reason);
      }
      /** Whether it aborted; on threads, this looks at shared memory first. */
      get aborted() {
        return this.#isAborted();
      }
      #isAborted() {
        if (this.#aborted) return true;
        if (this.source?.aborted) return true;
        if (this.poll === void 0) return false;
        this.poll();
        return this.#aborted || this.source?.aborted === true;
      }
      #currentReason() {
        return this.#aborted ? this.#reason : this.source?.reason;
      }
    };
  }
});

// src/backends/async.ts
function createAsyncBackend(context) {
  return new AsyncBackend(context);
}
function invoke(fn, input, batch, sink, source) {
  if (sink === void 0) return batch ? Promise.all(input.map((item) => fn(item))) : fn(input);
  if (!batch) return fn(input, new CallContext(sink, 0, source));
  return Promise.all(input.map((item, k) => fn(item, new CallContext(sink, k, source))));
}
function isThenable(value) {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof value.then === "function";
}
var DEFAULT_ASYNC_CONCURRENCY, DEFAULT_BLOCK_WARNING_MS, DRIFT_INTERVAL_MS, LONG_SYNC_MS, SAMPLE_BUDGET_ONE_IN, SAMPLE_BURST, NEW_FUNCTION_ONE_IN, AsyncBackend, DirectProgress, Thrown;
var init_async = __esm({
  "src/backends/async.ts"() {
    "use strict";
    init_cjs_shims();
    init_task();
    init_task_loader();
    init_task_signal();
    init_task_profile();
    init_run_queue_clock();
    init_sample_ration();
    init_task_context();
    init_errors();
    DEFAULT_ASYNC_CONCURRENCY = 500;
    DEFAULT_BLOCK_WARNING_MS = 100;
    DRIFT_INTERVAL_MS = 20;
    LONG_SYNC_MS = 0.05;
    SAMPLE_BUDGET_ONE_IN = 32;
    SAMPLE_BURST = 256;
    NEW_FUNCTION_ONE_IN = 256;
    AsyncBackend = class {
      kind = "async";
      concurrency;
      #context;
      #threshold;
      #running = /* @__PURE__ */ new Map();
      #nextCall = 0;
      /** Task objects are frozen and long-lived (so are most plain functions): found without a string key per call. */
      #functions = /* @__PURE__ */ new WeakMap();
      /** Where direct-path samples go; undefined: measurement is off. */
      #record;
      /** This thread's wait for a CPU, to take out of a sampled call's times. */
      #runQueue = new RunQueueClock();
      /** Samples that may be taken (SAMPLE_BUDGET_ONE_IN). */
      #samples = new SampleRation(SAMPLE_BUDGET_ONE_IN, SAMPLE_BURST);
      /** New plain functions that may be tracked (NEW_FUNCTION_ONE_IN). */
      #newFunctions = new SampleRation(NEW_FUNCTION_ONE_IN, SAMPLE_BURST);
      /** Aborts at destroy(): the `ctx.signal` of tasks on the direct path (which have no signal of their own). */
      #destroyed = new TaskSignal();
      #drift;
      #lastTick = 0;
      #lastReportedAt = 0;
      constructor(context) {
        this.#context = context;
        this.concurrency = context.options.concurrency ?? context.traits.expectedCount ?? DEFAULT_ASYNC_CONCURRENCY;
        if (this.concurrency < 1) this.concurrency = 1;
        this.#threshold = context.options.blockWarningMs ?? DEFAULT_BLOCK_WARNING_MS;
        this.#record = context.recordSample;
      }
      accept(_task) {
      }
      /**
       * A running JavaScript function cannot be stopped: on abort its promise is
       * abandoned and the call settles at once. A task whose function is already
       * loaded runs synchronously up to its first await, here; one that returns a
       * plain value is done, with nothing to track or race (the fast path of tiny tasks).
       */
      execute(call, signal) {
        if (signal.aborted) return Promise.reject(signal.reason);
        const loaded = this.#loaded(call.task);
        if (loaded === void 0) return settleOnAbort(this.#loadThenRun(call, signal), signal);
        let fn;
        let sink;
        if (typeof loaded === "function") {
          fn = loaded;
          if (wantsContext(fn)) sink = call;
        } else {
          if (loaded.wantsContext) sink = call;
          if (this.#record !== void 0 && this.#sampled(loaded)) {
            return settleOnAbort(this.#runSampled(loaded, call.task, call.input, call.batch, call.label, call, sink, signal), signal);
          }
          fn = loaded.fn;
        }
        let result;
        const began = performance.now();
        try {
          result = invoke(fn, call.input, call.batch, sink, signal);
        } catch (error) {
          result = Promise.reject(error);
        }
        const blocked = performance.now() - began;
        if (blocked >= this.#threshold) this.#warn(blocked, call.label, performance.now());
        if (!isThenable(result)) return Promise.resolve(result);
        return settleOnAbort(this.#track(result, call.label, void 0), signal);
      }
      /** The executor's direct path (no signal, no timeout): run now, return the value or a promise. */
      runNow(task, input, label, id) {
        const loaded = this.#loaded(task);
        if (loaded === void 0) {
          const { module: module2, name: name2 } = task;
          return loadTaskFunction(module2, name2).then(() => this.runNow(task, input, label, id));
        }
        let fn;
        if (typeof loaded === "function") {
          fn = loaded;
          if (wantsContext(fn)) return this.#runNowWithContext(loaded, task, input, label, id);
        } else if (loaded.wantsContext) return this.#runNowWithContext(loaded, task, input, label, id);
        else if (this.#record !== void 0 && this.#sampled(loaded)) {
          const result2 = this.#runSampled(loaded, task, input, false, label, void 0, void 0, void 0);
          if (result2 instanceof Thrown) throw result2.error;
          return result2;
        } else fn = loaded.fn;
        const began = performance.now();
        let result;
        try {
          result = fn(input);
        } finally {
          const blocked = performance.now() - began;
          if (blocked >= this.#threshold) this.#warn(blocked, label, performance.now());
        }
        return isThenable(result) ? this.#track(result, label, void 0) : result;
      }
      /**
       * The direct path of a task that takes a context: its progress goes to
       * `taskProgress` listeners only (a caller with `onProgress` takes the Job
       * path), until the call settles; its signal aborts at destroy().
       */
      #runNowWithContext(loaded, task, input, label, id) {
        const sink = new DirectProgress(this.#context.events, id, label);
        const source = this.#destroyed;
        let result;
        try {
          if (typeof loaded !== "function" && this.#record !== void 0 && this.#sampled(loaded)) {
            result = this.#runSampled(loaded, task, input, false, label, void 0, sink, source);
            if (result instanceof Thrown) throw result.error;
          } else {
            const fn = typeof loaded === "function" ? loaded : loaded.fn;
            const began = performance.now();
            try {
              result = invoke(fn, input, false, sink, source);
            } finally {
              const blocked = performance.now() - began;
              if (blocked >= this.#threshold) this.#warn(blocked, label, performance.now());
            }
            if (isThenable(result)) result = this.#track(result, label, void 0);
          }
        } catch (error) {
          sink.end(source);
          throw error;
        }
        if (!isThenable(result)) {
          sink.end(source);
          return result;
        }
        return Promise.resolve(result).finally(() => sink.end(source));
      }
      /** Whether to measure this call of `loaded`'s task: its turn (isSampled), and the budget allows. */
      #sampled(loaded) {
        this.#samples.seen();
        return isSampled(++loaded.calls) && this.#samples.take();
      }
      /**
       * One measured call, on either path: the synchronous part timed and its CPU
       * read around it, the rest timed to settlement; failed calls are not
       * recorded (an early throw says nothing of how the task runs). Returns the
       * value, a promise of it, or (direct path) a Thrown the caller rethrows; on
       * the Job path a throw becomes a rejection.
       */
      #runSampled(loaded, task, input, batch, label, call, sink, source) {
        const fn = loaded.fn;
        const long = loaded.longSync;
        const queuedBefore = long ? this.#runQueue.read() : void 0;
        const cpuBefore = long ? process.cpuUsage() : void 0;
        const began = performance.now();
        let result;
        let thrown;
        try {
          result = invoke(fn, input, batch, sink, source);
        } catch (error) {
          thrown = new Thrown(error);
        }
        const ended = performance.now();
        const cpu = cpuBefore === void 0 ? void 0 : process.cpuUsage(cpuBefore);
        const queuedAfter = queuedBefore === void 0 ? void 0 : this.#runQueue.read();
        const syncMs = ended - began;
        loaded.longSync = syncMs >= LONG_SYNC_MS;
        if (syncMs >= this.#threshold) this.#warn(syncMs, label, ended);
        if (thrown !== void 0) return call === void 0 ? thrown : Promise.reject(thrown.error);
        if (cpu === void 0 && loaded.longSync) return call === void 0 ? this.#unmeasured(result, label) : this.#settled(result, label);
        const cpuMs = cpu === void 0 ? syncMs : (cpu.user + cpu.system) / 1e3;
        const queuedMs = queuedBefore === void 0 || queuedAfter === void 0 ? 0 : queuedAfter - queuedBefore;
        if (!isThenable(result)) {
          this.#report({ runMs: syncMs, syncMs, cpuMs, queuedMs }, task, call);
          return call === void 0 ? result : Promise.resolve(result);
        }
        return this.#track(result, label, { began, syncMs, cpuMs, queuedMs, call, task });
      }
      /** A call's outcome as the direct path returns it: the value, or a promise tracked for block warnings. */
      #unmeasured(result, label) {
        return isThenable(result) ? this.#track(result, label, void 0) : result;
      }
      /** The same as the Job path returns it: always a promise. */
      #settled(result, label) {
        return isThenable(result) ? this.#track(result, label, void 0) : Promise.resolve(result);
      }
      #report(sample, task, call) {
        if (call !== void 0) call.measured(sample);
        else this.#record?.(task, sample);
      }
      /**
       * The function of a task already imported (or a plain function), without
       * building a key string; undefined when the task's module must be imported
       * first. A plain function seen for the first time is returned as is, not
       * tracked for sampling, unless a sample may be taken now: code that passes a
       * new closure to every `run` would otherwise add an entry per call.
       */
      #loaded(task) {
        let loaded = this.#functions.get(task);
        if (loaded === void 0) {
          if (!isTask(task)) {
            if (this.#record === void 0 || this.#newFunctions.available() < 1 || this.#samples.available() < 1) {
              this.#newFunctions.seen();
              this.#samples.seen();
              return task;
            }
            this.#newFunctions.take();
          }
          const fn = isTask(task) ? loadedTaskFunction(task.module, task.name) : task;
          if (fn === void 0) return void 0;
          loaded = { fn, wantsContext: wantsContext(fn), calls: 0, longSync: false };
          this.#functions.set(task, loaded);
        }
        return loaded;
      }
      /**
       * First call of a task: import its module, then run it as every later call
       * does, unless it was aborted (or timed out) during the import: the caller
       * has had its rejection, and the task must not start after all.
       */
      async #loadThenRun(call, signal) {
        const task = call.task;
        await loadTaskFunction(task.module, task.name);
        if (signal.aborted) return void 0;
        return this.execute(call, signal);
      }
      /** Names the task in block warnings while it awaits (the drift timer reports the running ones); ends a sampled call's measurement. */
      async #track(pending, label, sample) {
        const id = this.#nextCall++;
        this.#running.set(id, label);
        this.#startDriftTimer();
        try {
          const value = await pending;
          if (sample !== void 0) {
            const { began, syncMs, cpuMs, queuedMs, call, task } = sample;
            this.#report({ runMs: performance.now() - began, syncMs, cpuMs, queuedMs }, task, call);
          }
          return value;
        } finally {
          this.#running.delete(id);
        }
      }
      workers() {
        return 0;
      }
      async close() {
        this.#stopDriftTimer();
        this.#runQueue.close();
      }
      async destroy() {
        this.#destroyed.abort(new ExecutorClosedError("The executor was destroyed while the task ran"));
        this.#stopDriftTimer();
        this.#runQueue.close();
      }
      #warn(delayMs, task, at) {
        this.#lastReportedAt = at;
        const rounded = Math.round(delayMs);
        this.#context.events.emit("warning", {
          type: "event-loop-blocked",
          backend: "async",
          task,
          delayMs: rounded,
          message: `Task ${task ?? "(unknown)"} blocked the event loop for ${rounded} ms (threshold ${this.#threshold} ms): a synchronous loop or a missing await? CPU-bound work belongs on the thread or process backend`
        });
      }
      #startDriftTimer() {
        if (this.#drift) return;
        this.#lastTick = performance.now();
        this.#drift = setInterval(() => {
          const now = performance.now();
          const late = now - this.#lastTick - DRIFT_INTERVAL_MS;
          this.#lastTick = now;
          if (this.#running.size === 0) {
            this.#stopDriftTimer();
            return;
          }
          if (late >= this.#threshold && this.#lastReportedAt < now - late) {
            this.#warn(late, [...new Set(this.#running.values())].join(", ") || void 0, now);
          }
        }, DRIFT_INTERVAL_MS);
        this.#drift.unref();
      }
      #stopDriftTimer() {
        clearInterval(this.#drift);
        this.#drift = void 0;
      }
    };
    DirectProgress = class {
      constructor(events, id, label) {
        this.events = events;
        this.id = id;
        this.label = label;
      }
      events;
      id;
      label;
      attempt = 1;
      #done = false;
      #contexts;
      progress(value) {
        if (this.#done || this.events.listenerCount("taskProgress") === 0) return;
        this.events.emit("taskProgress", { id: this.id, task: this.label, backend: "async", value });
      }
      /** The call settled: no more progress, and its context stops listening for destroy(). */
      end(source) {
        this.#done = true;
        for (const context of this.#contexts ?? []) source.removeEventListener("abort", context);
      }
      /** A context that follows the shared destroy() signal (CallContext asks when the task reads ctx.signal). */
      following(context) {
        (this.#contexts ??= []).push(context);
      }
    };
    Thrown = class {
      constructor(error) {
        this.error = error;
      }
      error;
    };
  }
});

// src/backends/lazy-backend.ts
function lazyBackend(facts, load) {
  return (context) => new LazyBackend(context, facts(context.options), load);
}
var LazyBackend;
var init_lazy_backend = __esm({
  "src/backends/lazy-backend.ts"() {
    "use strict";
    init_cjs_shims();
    init_errors();
    init_task_signal();
    LazyBackend = class {
      kind;
      concurrency;
      reportsStart;
      retriesItself;
      #facts;
      #backend;
      /** The backend once made; undefined if close() or destroy() came first. */
      #ready;
      #state = "open";
      /** executor.pause() came before the backend: it is made paused. */
      #paused = false;
      /** @see Backend.loading */
      loading;
      constructor(context, facts, load) {
        this.#facts = facts;
        this.kind = facts.kind;
        this.concurrency = facts.concurrency;
        this.reportsStart = facts.reportsStart === true;
        this.retriesItself = facts.retriesItself === true;
        this.#ready = load().then((factory) => {
          if (this.#state !== "open") return void 0;
          this.#backend = factory(context);
          if (this.#paused) this.#backend.pause?.();
          return this.#backend;
        });
        this.loading = this.#ready.then(
          () => void (this.loading = void 0),
          () => void (this.loading = void 0)
        );
      }
      get capacity() {
        const backend = this.#backend;
        if (backend === void 0) return this.#facts.capacity ?? this.concurrency;
        return backend.capacity ?? backend.concurrency;
      }
      get mapWindow() {
        return this.#backend?.mapWindow ?? this.#facts.mapWindow ?? this.concurrency;
      }
      accept(task) {
        if (this.#backend) this.#backend.accept(task);
        else this.#facts.accept(task);
      }
      execute(call, signal) {
        if (this.#backend) return this.#backend.execute(call, signal);
        if (signal.aborted) return Promise.reject(signal.reason);
        const later = this.#ready.then((backend) => {
          if (signal.aborted) return void 0;
          if (backend === void 0) throw new ExecutorClosedError(`Cannot run task ${call.label}: the ${this.kind} backend is closed`);
          return backend.execute(call, signal);
        });
        return settleOnAbort(later, signal);
      }
      pause() {
        this.#paused = true;
        this.#backend?.pause?.();
      }
      resume() {
        this.#paused = false;
        this.#backend?.resume?.();
      }
      workers() {
        return this.#backend?.workers() ?? 0;
      }
      async close() {
        this.#state = "closed";
        const backend = await this.#ready.catch(() => void 0);
        await backend?.close();
      }
      async destroy() {
        this.#state = "closed";
        const backend = await this.#ready.catch(() => void 0);
        await backend?.destroy();
      }
    };
  }
});

// src/backends/pool/pool-settings.ts
function poolSettings(options, defaultMinWorkers) {
  const maxWorkers = options.maxWorkers ?? (0, import_node_os.availableParallelism)();
  return {
    maxWorkers,
    minWorkers: Math.min(options.minWorkers ?? defaultMinWorkers, maxWorkers),
    perWorker: options.concurrentTasksPerWorker ?? 1,
    idleTimeout: options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT_MS,
    maxTasksPerWorker: options.maxTasksPerWorker ?? Number.POSITIVE_INFINITY
  };
}
var import_node_os, DEFAULT_IDLE_TIMEOUT_MS;
var init_pool_settings = __esm({
  "src/backends/pool/pool-settings.ts"() {
    "use strict";
    init_cjs_shims();
    import_node_os = require("os");
    DEFAULT_IDLE_TIMEOUT_MS = 3e4;
  }
});

// src/backends/pool/pool-facts.ts
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
var FIRST_AHEAD;
var init_pool_facts = __esm({
  "src/backends/pool/pool-facts.ts"() {
    "use strict";
    init_cjs_shims();
    init_errors();
    init_task();
    init_pool_settings();
    FIRST_AHEAD = 1;
  }
});

// src/worker/worker-flags.ts
function probeWorker() {
  return (0, import_node_module2.createRequire)(importMetaUrl)("node:worker_threads").Worker;
}
function kindOf(name2) {
  if (/^--(test|watch|experimental-test)-/.test(name2)) return "runs-other";
  return KIND.get(name2) ?? (name2.startsWith("--no-") ? KIND.get(`--${name2.slice(5)}`) : void 0);
}
function parse(execArgv) {
  const flags = [];
  for (const arg of execArgv) {
    const last = flags[flags.length - 1];
    if (last && (!arg.startsWith("-") || arg === "-")) {
      last.text.push(arg);
      last.value ??= arg;
      continue;
    }
    const eq = arg.indexOf("=");
    let name2 = eq === -1 ? arg : arg.slice(0, eq);
    if (name2.startsWith("--")) name2 = name2.replaceAll("_", "-");
    name2 = ALIASES[name2] ?? name2;
    flags.push({ text: [arg], name: name2, kind: kindOf(name2), ...eq === -1 ? {} : { value: arg.slice(eq + 1) } });
  }
  return flags;
}
function inspectorHost(value) {
  if (value === void 0 || /^\d+$/.test(value)) return void 0;
  const match = /^(.*):\d+$/.exec(value);
  return match ? match[1] : value;
}
function processFlags(execArgv) {
  const out = [];
  let host = "127.0.0.1";
  let inspector = "none";
  for (const flag of parse(execArgv)) {
    if (flag.kind === "runs-other") continue;
    if (flag.kind !== "inspector") {
      out.push(...flag.text);
      continue;
    }
    host = inspectorHost(flag.value) ?? host;
    if (flag.name === "--inspect-port") inspector = inspector === "none" ? "port" : inspector;
    else inspector = "active";
  }
  if (inspector === "active") out.push(`--inspect=${host}:0`);
  else if (inspector === "port") out.push(`--inspect-port=${host}:0`);
  return out;
}
function threadFlags(execArgv) {
  const flags = parse(execArgv);
  const refused = workerRefuses(flags.filter((f) => f.kind === void 0).map((f) => f.text));
  const result = { execArgv: [] };
  for (const flag of flags) {
    if (flag.kind === "heap") {
      const mb = Number(flag.value);
      if (Number.isInteger(mb) && mb > 0) result.heapMb = mb;
    } else if (flag.kind === "both" || flag.kind === void 0 && !refused.has(flag.text[0])) {
      result.execArgv.push(...flag.text);
    }
  }
  return result;
}
function workerFlags(execArgv = process.execArgv) {
  const thread = threadFlags(execArgv);
  return { process: processFlags(execArgv), thread: thread.execArgv, threadHeapMb: thread.heapMb };
}
function checkExecArgv(execArgv, backend) {
  const flags = parse(execArgv);
  const other = flags.find((f) => f.kind === "runs-other");
  if (other) {
    throw new TypeError(
      `\`execArgv\` cannot hold \`${other.text[0]}\`: it makes Node run something else instead of the worker's own entry`
    );
  }
  if (backend !== "thread") return;
  const refused = workerRefuses(flags.filter((f) => f.kind === void 0).map((f) => f.text));
  const bad = flags.find((f) => f.kind === "per-process" || f.kind === "inspector" || refused.has(f.text[0]));
  if (bad) {
    throw new TypeError(
      `\`execArgv\` of a thread backend cannot hold \`${bad.text[0]}\`: ` + (bad.kind === "inspector" ? "a worker thread is debugged through its parent process" : "it is a per-process flag, which a worker thread refuses (ERR_WORKER_INVALID_EXEC_ARGV); V8 flags of the parent already apply to its threads, and a thread's heap is set with `resourceLimits`")
    );
  }
}
function workerRefuses(unknown) {
  const fresh = unknown.filter((text) => !probed.has(text[0]));
  if (fresh.length > 0) {
    let message;
    try {
      const Worker = probeWorker();
      const probe = new Worker("", { eval: true, execArgv: fresh.flat(), stdout: true, stderr: true });
      probe.on("error", () => {
      });
      probe.unref();
      void probe.terminate();
    } catch (error) {
      message = String(error?.message ?? error);
    }
    const listed = message?.split(": ").slice(1).join(": ").split(", ");
    const named = fresh.filter((text) => listed?.includes(text[0]));
    for (const text of fresh) probed.set(text[0], message !== void 0 && (named.length === 0 || named.includes(text)));
  }
  return new Set(unknown.filter((text) => probed.get(text[0])).map((text) => text[0]));
}
var import_node_module2, TABLE, KIND, ALIASES, probed;
var init_worker_flags = __esm({
  "src/worker/worker-flags.ts"() {
    "use strict";
    init_cjs_shims();
    import_node_module2 = require("module");
    TABLE = [
      ["runs-other", "--eval --print --interactive --input-type --check --test --watch --prof-process --build-snapshot"],
      ["runs-other", "--build-snapshot-config --snapshot-blob --experimental-sea-config --help --version --v8-options"],
      ["runs-other", "--completion-bash"],
      ["inspector", "--inspect --inspect-brk --inspect-wait --inspect-brk-node --inspect-port"],
      ["heap", "--max-old-space-size"],
      // Node's own per-process options.
      ["per-process", "--title --inspect-publish-uid --experimental-policy --policy-integrity --experimental-permission"],
      ["per-process", "--allow-fs-read --allow-fs-write --allow-child-process --allow-worker --allow-addons --allow-wasi"],
      ["per-process", "--secure-heap --secure-heap-min --openssl-config --openssl-legacy-provider --openssl-shared-config"],
      ["per-process", "--use-openssl-ca --use-bundled-ca --enable-fips --force-fips --tls-cipher-list --icu-data-dir"],
      ["per-process", "--v8-pool-size --use-largepages --zero-fill-buffers --disable-proto --trace-sigint --node-memory-debug"],
      ["per-process", "--report-dir --report-filename --report-compact --report-on-fatalerror --trace-event-categories"],
      ["per-process", "--trace-event-file-pattern --experimental-global-navigator --enable-etw-stack-walking --security-revert"],
      ["per-process", "--disable-wasm-trap-handler --abort-on-uncaught-exception --disallow-code-generation-from-strings"],
      // V8 flags people pass (any V8 flag is per-process; these spare the probe).
      ["per-process", "--expose-gc --max-semi-space-size --max-young-generation-size --stack-size --stack-trace-limit"],
      ["per-process", "--huge-max-old-generation-size --jitless --prof --perf-basic-prof --perf-basic-prof-only-functions"],
      ["per-process", "--perf-prof --interpreted-frames-native-stack --allow-natives-syntax --harmony --single-threaded"],
      ["per-process", "--experimental-shadow-realm"],
      // Per-isolate and per-environment options: a Worker takes them.
      ["both", "--import --require --experimental-loader --conditions --enable-source-maps --preserve-symlinks"],
      ["both", "--preserve-symlinks-main --experimental-default-type --experimental-specifier-resolution"],
      ["both", "--experimental-detect-module --experimental-require-module --experimental-vm-modules --experimental-wasm-modules"],
      ["both", "--experimental-import-meta-resolve --experimental-network-imports --experimental-json-modules"],
      ["both", "--experimental-top-level-await --experimental-print-required-tla --experimental-websocket --experimental-fetch"],
      ["both", "--experimental-eventsource --experimental-global-customevent --experimental-global-webcrypto"],
      ["both", "--experimental-network-inspection --experimental-abortcontroller --experimental-worker --experimental-report"],
      ["both", "--experimental-wasi-unstable-preview1 --experimental-repl-await --warnings --deprecation --trace-deprecation"],
      ["both", "--throw-deprecation --pending-deprecation --trace-warnings --disable-warning --unhandled-rejections"],
      ["both", "--redirect-warnings --trace-exit --trace-uncaught --trace-promises --trace-sync-io --trace-tls"],
      ["both", "--trace-atomics-wait --trace-require-module --track-heap-objects --frozen-intrinsics --addons --global-search-paths"],
      ["both", "--force-context-aware --force-node-api-uncaught-exceptions-policy --insecure-http-parser --max-http-header-size"],
      ["both", "--dns-result-order --network-family-autoselection --network-family-autoselection-attempt-timeout"],
      ["both", "--enable-network-family-autoselection --tls-min-v1.0 --tls-min-v1.1 --tls-min-v1.2 --tls-min-v1.3 --tls-max-v1.2"],
      ["both", "--tls-max-v1.3 --tls-keylog --env-file --env-file-if-exists --diagnostic-dir --report-on-signal --report-signal"],
      ["both", "--report-uncaught-exception --report-exclude-network --heapsnapshot-signal --heapsnapshot-near-heap-limit"],
      ["both", "--cpu-prof --cpu-prof-dir --cpu-prof-name --cpu-prof-interval --heap-prof --heap-prof-dir --heap-prof-name"],
      ["both", "--heap-prof-interval --expose-internals --extra-info-on-fatal-exception --force-async-hooks-checks --verify-base-objects"]
    ];
    KIND = new Map(TABLE.flatMap(([kind, names]) => names.split(" ").map((name2) => [name2, kind])));
    ALIASES = {
      "-e": "--eval",
      "-p": "--print",
      "-pe": "--print",
      "-i": "--interactive",
      "-c": "--check",
      "-r": "--require",
      "-C": "--conditions",
      "-h": "--help",
      "-v": "--version",
      "--loader": "--experimental-loader",
      "--debug-port": "--inspect-port",
      "--report-directory": "--report-dir",
      "--es-module-specifier-resolution": "--experimental-specifier-resolution"
    };
    probed = /* @__PURE__ */ new Map();
  }
});

// src/worker/cloneable.ts
function findUncloneable(value, path) {
  const seen = /* @__PURE__ */ new Set();
  let budget = MAX_NODES;
  const walk = (item, at) => {
    if (typeof item === "function") return `${at} is a function`;
    if (typeof item === "symbol") return `${at} is a symbol`;
    if (typeof item !== "object" || item === null) return void 0;
    if (seen.has(item) || --budget < 0) return void 0;
    seen.add(item);
    if (item instanceof Promise) return `${at} is a promise (await it before returning)`;
    if (item instanceof WeakMap || item instanceof WeakSet || item instanceof WeakRef) {
      return `${at} is a ${item.constructor.name}`;
    }
    if (ArrayBuffer.isView(item) || CLONEABLE_AS_IS.some((type) => item instanceof type)) return void 0;
    if (item instanceof Map) {
      for (const [key, entry] of item) {
        const found = walk(key, `${at} key`) ?? walk(entry, `${at}.get(${String(key)})`);
        if (found) return found;
      }
      return void 0;
    }
    if (item instanceof Set) {
      for (const entry of item) {
        const found = walk(entry, `${at} entry`);
        if (found) return found;
      }
      return void 0;
    }
    if (Array.isArray(item)) {
      for (let i = 0; i < item.length; i++) {
        const found = walk(item[i], `${at}[${i}]`);
        if (found) return found;
      }
      return void 0;
    }
    for (const key of Object.keys(item)) {
      const found = walk(item[key], `${at}.${key}`);
      if (found) return found;
    }
    return void 0;
  };
  return walk(value, path);
}
var CLONEABLE_AS_IS, MAX_NODES;
var init_cloneable = __esm({
  "src/worker/cloneable.ts"() {
    "use strict";
    init_cjs_shims();
    CLONEABLE_AS_IS = [Date, RegExp, ArrayBuffer, DataView, Error, Boolean, Number, String];
    MAX_NODES = 1e4;
  }
});

// src/worker/serialize-error.ts
function serializeError(error, depth = 0) {
  if (!(error instanceof Error) || depth > MAX_DEPTH) return error;
  const builtin = builtinOf(error);
  const props = {};
  for (const key of Object.keys(error)) {
    if (key === "cause" || builtin === "AggregateError" && key === "errors") continue;
    const value = error[key];
    if (typeof value !== "function" && typeof value !== "symbol") props[key] = value;
  }
  const inner = builtin === "AggregateError" ? error.errors : void 0;
  return {
    __error: true,
    name: error.name,
    message: error.message,
    stack: error.stack,
    cause: "cause" in error ? serializeError(error.cause, depth + 1) : void 0,
    ...builtin !== "Error" && { builtin },
    ...Array.isArray(inner) && { errors: inner.map((e) => serializeError(e, depth + 1)) },
    props
  };
}
function isSerializedError(value) {
  return typeof value === "object" && value !== null && value.__error === true;
}
function deserializeError(value) {
  if (!isSerializedError(value)) return value;
  const code = value.props.code;
  const error = typeof code === "string" && value.name !== "Error" && executorErrorFromCode(code, value.message) || construct(value);
  if (!(error instanceof ExecutorError) && error.name !== value.name) {
    Object.defineProperty(error, "name", { value: value.name, writable: true, configurable: true, enumerable: false });
  }
  if (value.stack !== void 0) {
    Object.defineProperty(error, "stack", { value: value.stack, writable: true, configurable: true, enumerable: false });
  }
  if (value.cause !== void 0) {
    Object.defineProperty(error, "cause", {
      value: deserializeError(value.cause),
      writable: true,
      configurable: true,
      enumerable: false
    });
  }
  Object.assign(error, value.props);
  return error;
}
function builtinOf(error) {
  for (let proto = Object.getPrototypeOf(error); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const name2 = builtinByPrototype.get(proto);
    if (name2) return name2;
  }
  return "Error";
}
function construct(value) {
  const builtin = value.builtin ?? (Object.hasOwn(builtins, value.name) ? value.name : "Error");
  switch (builtin) {
    case "AggregateError":
      return new AggregateError((value.errors ?? []).map(deserializeError), value.message);
    case "DOMException":
      return new DOMException(value.message, value.name);
    default:
      return new builtins[builtin](value.message);
  }
}
var builtins, builtinByPrototype, MAX_DEPTH;
var init_serialize_error = __esm({
  "src/worker/serialize-error.ts"() {
    "use strict";
    init_cjs_shims();
    init_errors();
    builtins = {
      Error,
      TypeError,
      RangeError,
      SyntaxError,
      ReferenceError,
      EvalError,
      URIError,
      AggregateError,
      DOMException
    };
    builtinByPrototype = new Map(
      Object.entries(builtins).map(([name2, ctor]) => [ctor.prototype, name2])
    );
    MAX_DEPTH = 8;
  }
});

// src/worker/protocol.ts
function withAttempt(flags, attempt) {
  return flags + (attempt - 1) * (1 << ATTEMPT_SHIFT);
}
function toSample([runMs, syncMs, cpuMs, queuedMs]) {
  return { runMs, syncMs, cpuMs: cpuMs ?? void 0, queuedMs };
}
var TAG, CALL_FLAG, ATTEMPT_SHIFT, PROGRESS, RESULT_STRIDE, TaskKeys;
var init_protocol = __esm({
  "src/worker/protocol.ts"() {
    "use strict";
    init_cjs_shims();
    TAG = {
      /** Pool -> worker: `[define, key, module, exportName, label]`. */
      define: 0,
      /**
       * Pool -> worker: `[run, id, key, flags, input, id, key, flags, input, ...]`, run in this order.
       * flags: CALL_FLAG bits, and the attempt above them (`ctx.attempt`, see attemptOf).
       */
      run: 1,
      /** Worker -> pool: `[ready, threadId]` (`[ready]` from a child), once it listens for calls. */
      ready: 2,
      /**
       * Worker -> pool: `[results, id, ok (0|1), value or serialized error, sample (0 or [runMs, syncMs, cpuMs, queuedMs]), ...]`.
       * An entry with ok = PROGRESS is a `ctx.progress()` value, not a result: `id, 2, value, item`
       * (item: the index within a batch). It travels in the same batches as results, in order, so
       * every value of a call comes before its result.
       */
      results: 3,
      /** Pool -> worker: `[drop, id, ...]`: calls aborted before the pool saw them start; skip them. */
      drop: 4,
      /** Worker -> pool: `[started, id, ...]`: dropped calls that had already started (the pool ends the worker). */
      started: 5,
      /** Pool -> thread: `[close]`: the session ends (a child ends when its channel closes instead). */
      close: 6,
      /** Worker -> pool: `[dropped, id, ...]`: dropped calls it had not started (skipped; their slots are free). */
      dropped: 7,
      /** Pool -> worker: `[pause]`: start no call until `resume` (executor.pause(); calls sent ahead wait here). */
      pause: 8,
      /** Pool -> worker: `[resume]`: start calls again. */
      resume: 9,
      /**
       * Worker -> pool: `[paused, id, ...]`, the answer to `pause`, after the results it held: the calls
       * running then. The pool may not have seen them start (it learns starts from results): now it has.
       */
      paused: 10,
      /**
       * Pool -> worker: `[cancel, id, serialized reason]`: a running call was aborted or timed out; abort
       * its `ctx.signal`. The worker answers `started` if the task takes no context (it cannot hear:
       * the pool ends the worker at once), else nothing: its result, within the grace period, frees it.
       */
      cancel: 11,
      /**
       * Worker -> pool: `[deaf, key]`, once per task per worker, before its first call runs: the
       * task's function takes no context, so a cancel cannot reach it; the pool ends the worker of
       * an aborted call of it at once instead of waiting `abortGraceMs` (a synchronous loop could
       * not even answer the cancel).
       */
      deaf: 12
    };
    CALL_FLAG = {
      batch: 1,
      timed: 2
    };
    ATTEMPT_SHIFT = 2;
    PROGRESS = 2;
    RESULT_STRIDE = 4;
    TaskKeys = class {
      /** Task objects are frozen and long-lived: a WeakMap finds their key without building a string. */
      #keys = /* @__PURE__ */ new WeakMap();
      #definitions = [];
      keyOf(task) {
        let key = this.#keys.get(task);
        if (key === void 0) {
          key = this.#definitions.length;
          this.#definitions.push([TAG.define, key, task.module, task.name, task.label]);
          this.#keys.set(task, key);
        }
        return key;
      }
      definition(key) {
        return this.#definitions[key];
      }
    };
  }
});

// src/backends/pool/pool-worker.ts
function callFlags(call) {
  const timed = call.timeout !== void 0 || call.options.signal !== void 0;
  return withAttempt((call.batch ? CALL_FLAG.batch : 0) | (timed ? CALL_FLAG.timed : 0), call.attempt);
}
function crashMessage(worker, pending, exit, kind, heapMb) {
  if (worker.endedBy) {
    return `${exit.description} after it was stopped because ${worker.endedBy}; task ${pending.call.label} was running in the same ${kind}`;
  }
  let message = `${exit.description} while running task ${pending.call.label}`;
  if (exit.outOfMemory) message += ` (out of memory: ${heapMb ? `the heap limit is ${heapMb} MB` : "no heap limit was set"})`;
  return message;
}
var PoolCall, PoolWorker;
var init_pool_worker = __esm({
  "src/backends/pool/pool-worker.ts"() {
    "use strict";
    init_cjs_shims();
    init_protocol();
    PoolCall = class {
      constructor(id, call, key, signal, resolve2, reject, onAbort) {
        this.id = id;
        this.call = call;
        this.key = key;
        this.signal = signal;
        this.resolve = resolve2;
        this.reject = reject;
        this.onAbort = onAbort;
      }
      id;
      call;
      key;
      signal;
      resolve;
      reject;
      onAbort;
      state = "waiting";
      worker = void 0;
      /** In the worker's hands (not only in its outbox). */
      sent = false;
      /** Put back in line once after its worker died before starting it. */
      requeued = false;
      /** `cancelling`: ends the worker when the grace period passes. */
      graceTimer = void 0;
      handleEvent() {
        this.onAbort(this);
      }
    };
    PoolWorker = class {
      constructor(handle) {
        this.handle = handle;
      }
      handle;
      /**
       * starting: not ready yet; ready: takes calls; retiring: takes no more
       * (recycled, or idle) and leaves when its calls are done; stopping: being ended.
       */
      state = "starting";
      /** Unfinished calls in the order the worker runs them; the first `running` run. */
      line = [];
      running = 0;
      /** Assigned, not yet sent (one message at the next flush). */
      outbox = [];
      /** Aborted calls the worker should skip (sent with the next flush). */
      drops = [];
      /** Task keys this worker has been told about, and definitions still to send. */
      defined = [];
      defines = [];
      /** Calls ever assigned, for `maxTasksPerWorker`. */
      assigned = 0;
      idleSince = 0;
      /** When it said `ready`; 0: never (an exit then is a failed start, unless we stopped it). */
      readyAt = 0;
      /** When its last message came (for the run-time estimate). */
      lastHeard = 0;
      /** Why we ended it, for the calls it still ran. */
      endedBy = void 0;
      dirty = false;
      /** Calls sent ahead that have not started. */
      get ahead() {
        return this.line.length - this.running;
      }
      /** It was told to start no call (executor.pause()): it holds what it was sent. */
      held = false;
      /** Marks started the calls now at the front of the line (sent ones only); returns how many. None while held. */
      promote(perWorker) {
        if (this.held) return 0;
        let started = 0;
        while (this.running < perWorker && this.running < this.line.length) {
          const call = this.line[this.running];
          if (!call.sent) break;
          this.running++;
          if (call.state === "dropping") continue;
          call.state = "running";
          started++;
          call.call.markStarted();
        }
        return started;
      }
      /**
       * It paused with these calls running (its answer to `pause`, after the
       * results it held): those at the front of the line not yet seen to start have.
       */
      confirmRunning(ids) {
        const running = new Set(ids);
        while (this.running < this.line.length && running.has(this.line[this.running].id)) {
          const call = this.line[this.running++];
          if (call.state === "dropping") continue;
          call.state = "running";
          call.call.markStarted();
        }
      }
      /** A call left the line (settled or aborted). */
      remove(call) {
        const at = this.line.indexOf(call);
        if (at === -1) return;
        this.line.splice(at, 1);
        if (at < this.running) this.running--;
      }
      /**
       * Sends what the worker has not been sent: drops, task definitions, then its
       * calls in one message. Returns the calls whose input could not be cloned
       * (nothing of the message went then: the others are sent one by one).
       */
      send() {
        const handle = this.handle;
        if (this.drops.length > 0) {
          handle.send([TAG.drop, ...this.drops]);
          this.drops = [];
        }
        if (this.outbox.length === 0) return [];
        for (const define of this.defines) handle.send(define);
        this.defines = [];
        const calls = this.outbox;
        this.outbox = [];
        const message = [TAG.run];
        let transfer;
        for (const pending of calls) {
          message.push(pending.id, pending.key, callFlags(pending.call), pending.call.input);
          if (pending.call.transfer) (transfer ??= []).push(...pending.call.transfer);
        }
        try {
          handle.send(message, transfer);
          for (const pending of calls) pending.sent = true;
          return [];
        } catch {
          const failed = [];
          for (const pending of calls) {
            try {
              handle.send([TAG.run, pending.id, pending.key, callFlags(pending.call), pending.call.input], pending.call.transfer);
              pending.sent = true;
            } catch (error) {
              failed.push({ pending, error });
            }
          }
          return failed;
        }
      }
    };
  }
});

// src/backends/pool/run-window.ts
var AHEAD_MS, MAX_AHEAD, WEIGHT, RunWindow;
var init_run_window = __esm({
  "src/backends/pool/run-window.ts"() {
    "use strict";
    init_cjs_shims();
    init_pool_facts();
    AHEAD_MS = 1;
    MAX_AHEAD = 256;
    WEIGHT = 0.2;
    RunWindow = class {
      /** Moving average of a call's run time, ms; undefined before the first measure. */
      #runMs;
      /** `calls` settled over `elapsedMs` of a worker busy all along. */
      observe(calls, elapsedMs) {
        if (calls <= 0 || !(elapsedMs >= 0)) return;
        const sample = elapsedMs / calls;
        this.#runMs = this.#runMs === void 0 ? sample : this.#runMs + WEIGHT * (sample - this.#runMs);
      }
      /** Calls to hold ahead per worker. */
      get ahead() {
        if (this.#runMs === void 0) return FIRST_AHEAD;
        return Math.max(1, Math.min(MAX_AHEAD, Math.floor(AHEAD_MS / Math.max(this.#runMs, 1e-3))));
      }
    };
  }
});

// src/backends/pool/start-backoff.ts
var BACKOFF_BASE_MS, BACKOFF_MAX_MS, MAX_START_FAILURES, BROKEN_COOLDOWN_MS, StartBackoff;
var init_start_backoff = __esm({
  "src/backends/pool/start-backoff.ts"() {
    "use strict";
    init_cjs_shims();
    BACKOFF_BASE_MS = 100;
    BACKOFF_MAX_MS = 2e3;
    MAX_START_FAILURES = 5;
    BROKEN_COOLDOWN_MS = 5e3;
    StartBackoff = class {
      #failures = 0;
      #nextSpawnAt = 0;
      #broken;
      /** Backing off: start one probe child at a time, not before `wait()`. */
      get active() {
        return this.#failures > 0;
      }
      /** Milliseconds until the next child may be forked (0: now). */
      wait(now = performance.now()) {
        return Math.max(0, this.#nextSpawnAt - now);
      }
      /** A child got ready: children can start after all. */
      succeeded() {
        this.#failures = 0;
        this.#broken = void 0;
      }
      /**
       * A worker died before it was ready (`exit` says how). Returns the message
       * to reject the waiting calls with when it is time to give up.
       */
      failed(exit, kind, hint) {
        const now = performance.now();
        this.#failures++;
        this.#nextSpawnAt = now + Math.min(BACKOFF_BASE_MS * 2 ** (this.#failures - 1), BACKOFF_MAX_MS);
        if (this.#failures < MAX_START_FAILURES) return void 0;
        const message = `Cannot start a ${kind}: ${this.#failures} in a row exited before they were ready (the last: ${exit}). ` + hint;
        this.#broken = { until: now + BROKEN_COOLDOWN_MS, message };
        this.#failures = MAX_START_FAILURES - 1;
        return message;
      }
      /** While the pool has given up: why new calls are refused. */
      brokenMessage(now = performance.now()) {
        return this.#broken && now < this.#broken.until ? this.#broken.message : void 0;
      }
    };
  }
});

// src/backends/pool/worker-set.ts
var WorkerSet;
var init_worker_set = __esm({
  "src/backends/pool/worker-set.ts"() {
    "use strict";
    init_cjs_shims();
    init_pool_worker();
    init_start_backoff();
    WorkerSet = class {
      /** Every worker not yet exited. */
      all = /* @__PURE__ */ new Map();
      /** Ready workers that take calls: the dispatch candidates. */
      ready = [];
      starting = 0;
      backoff = new StartBackoff();
      #spawner;
      #settings;
      #listener;
      #events;
      /** Calls waiting for a worker (the pool's). */
      #waiting;
      #open = true;
      /** What to check when workers die before they are ready. */
      get startHint() {
        return this.#spawner.startHint;
      }
      /** Whether workers hold the event loop: only while calls wait or run. */
      #active = false;
      #retryTimer;
      #idleTimer;
      #exitWaiters = [];
      constructor(spawner, settings, listener, events, waiting) {
        this.#waiting = waiting;
        this.#spawner = spawner;
        this.#settings = settings;
        this.#listener = listener;
        this.#events = events;
      }
      /** Live workers: starting, ready or retiring (not the ones being ended). */
      live() {
        let live = 0;
        for (const worker of this.all.values()) if (worker.state !== "stopping") live++;
        return live;
      }
      /** Workers not ready yet (not stopped). */
      get startingWorkers() {
        const list = [];
        for (const worker of this.all.values()) if (worker.state === "starting") list.push(worker);
        return list;
      }
      /** Calls already handed to workers that are still starting (they count as demand for more workers). */
      startingLines() {
        let calls = 0;
        for (const worker of this.all.values()) if (worker.state === "starting") calls += worker.line.length;
        return calls;
      }
      /** Workers that may still come: starting ones, and room to start more. */
      coming() {
        return this.starting + (this.#open ? Math.max(0, this.#settings.maxWorkers - this.live()) : 0);
      }
      /** Starts workers while waiting calls need more than the starting ones will take, or below minWorkers. */
      grow() {
        if (!this.#open) return;
        const { maxWorkers, minWorkers, perWorker } = this.#settings;
        for (; ; ) {
          const live = this.live();
          const wanted = this.#waiting() > this.starting * perWorker || live < minWorkers;
          if (!wanted || live >= maxWorkers) return;
          if (this.backoff.active) {
            if (this.starting > 0) return;
            const wait = this.backoff.wait();
            if (wait > 0) {
              this.#retryTimer ??= setTimeout(() => {
                this.#retryTimer = void 0;
                this.grow();
              }, wait);
              return;
            }
          }
          this.#spawn();
        }
      }
      #spawn() {
        const handle = this.#spawner.spawn(this.#listener);
        this.all.set(handle, new PoolWorker(handle));
        this.starting++;
        if (!this.#active) handle.reference(false);
        if (handle.id !== 0 && this.#spawner.kind === "process") this.#events.emit("workerSpawn", { backend: "process", id: handle.id });
      }
      /** It said `ready`: it takes calls now. False if it was not starting. */
      markReady(worker) {
        if (worker.state !== "starting") return false;
        worker.state = "ready";
        worker.readyAt = worker.lastHeard = performance.now();
        this.starting--;
        this.backoff.succeeded();
        if (this.#spawner.kind === "thread") this.#events.emit("workerSpawn", { backend: "thread", id: worker.handle.id });
        this.ready.push(worker);
        return true;
      }
      /** Takes no new calls; leaves once its line is empty. */
      retire(worker) {
        if (worker.state === "ready" || worker.state === "starting") worker.state = "retiring";
        const at = this.ready.indexOf(worker);
        if (at !== -1) this.ready.splice(at, 1);
      }
      /** Graceful: the worker exits once released. */
      release(worker) {
        this.retire(worker);
        worker.state = "stopping";
        worker.handle.release();
      }
      /** Now. Calls it still runs fail when it exits. */
      stop(worker, reason) {
        this.retire(worker);
        worker.state = "stopping";
        worker.endedBy ??= reason;
        worker.handle.kill();
      }
      /**
       * A worker exited: forget it. Returns it, and whether that was a failed
       * start (it died before `ready` without being asked to).
       */
      forget(handle) {
        const worker = this.all.get(handle);
        if (!worker) return void 0;
        const failedStart = worker.readyAt === 0 && worker.state !== "stopping";
        if (worker.readyAt === 0) this.starting--;
        this.all.delete(handle);
        this.retire(worker);
        worker.state = "stopping";
        return { worker, failedStart };
      }
      /** After an exit was handled: wake close()/destroy() once none is left. */
      exited() {
        if (this.all.size === 0) for (const resolve2 of this.#exitWaiters.splice(0)) resolve2();
      }
      /** No more workers start; timers stop. */
      shutDown() {
        this.#open = false;
        clearTimeout(this.#retryTimer);
        clearTimeout(this.#idleTimer);
      }
      async allExited() {
        if (this.all.size > 0) await new Promise((resolve2) => this.#exitWaiters.push(resolve2));
        await this.#spawner.shutdown?.();
      }
      /** Idle workers above `minWorkers` leave after `idleTimeout`; one timer serves them all. */
      armIdleTimer(delay = this.#settings.idleTimeout) {
        if (this.#idleTimer || !Number.isFinite(this.#settings.idleTimeout) || !this.#open) return;
        this.#idleTimer = setTimeout(() => {
          this.#idleTimer = void 0;
          this.#sweepIdle();
        }, delay);
        this.#idleTimer.unref();
      }
      #sweepIdle() {
        const now = performance.now();
        let live = this.live();
        let next = Number.POSITIVE_INFINITY;
        for (const worker of [...this.ready]) {
          if (worker.line.length > 0 || live <= this.#settings.minWorkers) continue;
          const left = worker.idleSince + this.#settings.idleTimeout - now;
          if (left <= 1) {
            this.release(worker);
            live--;
          } else next = Math.min(next, left);
        }
        if (next !== Number.POSITIVE_INFINITY) this.armIdleTimer(next);
      }
      /** Workers hold the caller's event loop only while calls wait or run (like piscina's unref of idle workers). */
      reference(active) {
        if (active === this.#active) return;
        this.#active = active;
        for (const worker of this.all.values()) if (worker.state !== "stopping") worker.handle.reference(active);
      }
    };
  }
});

// src/backends/pool/worker-pool.ts
var DEFAULT_ABORT_GRACE_MS, WorkerPool;
var init_worker_pool = __esm({
  "src/backends/pool/worker-pool.ts"() {
    "use strict";
    init_cjs_shims();
    init_errors();
    init_serialize_error();
    init_pool_worker();
    init_protocol();
    init_run_window();
    init_pool_facts();
    init_worker_set();
    DEFAULT_ABORT_GRACE_MS = 100;
    WorkerPool = class {
      concurrency;
      reportsStart = true;
      #context;
      #settings;
      #workers;
      #onAbort = (call) => this.#abort(call);
      #flushBound = () => this.#flush();
      #waiting = [];
      /** Calls in a worker's line, by id (for results). */
      #inLine = /* @__PURE__ */ new Map();
      #dirty = [];
      #flushScheduled = false;
      /** Results settled this turn that the executor has not taken yet (it takes each one microtask later). */
      #untaken = false;
      #taken = () => {
        this.#untaken = false;
      };
      /** executor.pause(): workers hold their calls. */
      #paused = false;
      #nextId = 1;
      #tasks = new TaskKeys();
      #state = "open";
      #window = new RunWindow();
      #graceMs;
      /** Task keys whose function takes no context (a worker said so): an abort ends their worker at once. */
      #deaf = [];
      constructor(context, spawner, settings) {
        this.#context = context;
        this.#settings = settings;
        this.concurrency = settings.maxWorkers * settings.perWorker;
        this.#graceMs = context.options.abortGraceMs ?? DEFAULT_ABORT_GRACE_MS;
        const listener = {
          message: (handle, message) => this.#onMessage(handle, message),
          exit: (handle, exit) => this.#onExit(handle, exit)
        };
        this.#workers = new WorkerSet(spawner, settings, listener, context.events, () => this.#waiting.length + this.#workers.startingLines());
        queueMicrotask(() => this.#workers.grow());
      }
      /** Only a task from defineTask can go to another thread or process: a closure cannot. */
      accept(task) {
        refuseClosure(this.kind, task);
      }
      /** Calls the executor hands over: every worker's slots plus its window ahead. */
      get capacity() {
        return this.#settings.maxWorkers * (this.#settings.perWorker + this.#window.ahead);
      }
      #depth() {
        return this.#settings.perWorker + this.#window.ahead;
      }
      execute(call, signal) {
        if (this.#state !== "open") {
          return Promise.reject(new ExecutorClosedError(`Cannot run task ${call.label}: the ${this.kind} pool is closed`));
        }
        if (signal.aborted) return Promise.reject(signal.reason);
        const broken = this.#workers.backoff.brokenMessage();
        if (broken) return Promise.reject(new WorkerCrashedError(`${broken}; task ${call.label} was not run`));
        return new Promise((resolve2, reject) => {
          const pending = new PoolCall(this.#nextId++, call, this.#tasks.keyOf(call.task), signal, resolve2, reject, this.#onAbort);
          signal.addEventListener("abort", pending);
          const worker = this.#pick(this.#waiting.length + 1);
          if (worker) this.#assign(worker, pending);
          else {
            this.#waiting.push(pending);
            this.#drain();
          }
          this.#updateReference();
        });
      }
      workers() {
        return this.#workers.live();
      }
      async close() {
        if (this.#state === "open") {
          this.#shutDown();
          for (const worker of this.#workers.all.values()) this.#workers.release(worker);
        }
        await this.#workers.allExited();
      }
      async destroy() {
        if (this.#state === "open") this.#shutDown();
        for (const worker of this.#workers.all.values()) {
          for (const pending of [...worker.line]) {
            this.#settle(pending);
            pending.reject(new ExecutorClosedError("The executor was destroyed while the task ran"));
          }
          this.#workers.stop(worker, "the executor was destroyed");
        }
        await this.#workers.allExited();
      }
      #shutDown() {
        this.#state = "closed";
        this.#workers.shutDown();
        this.#rejectWaiting(() => new ExecutorClosedError("The executor was closed before the task started"));
      }
      #rejectWaiting(error) {
        for (const pending of this.#waiting.splice(0)) {
          pending.state = "settled";
          pending.reject(error(pending));
        }
      }
      /**
       * Where the next call goes: a ready worker with a free slot (the shortest
       * line); else a starting worker's free slot (the call waits in its channel,
       * not started: the first result saves the round trip of `ready`); else, while
       * workers may still come, nowhere yet (parallelism first); else the shortest
       * line with room ahead. `placing`: the calls that need a place, this one included.
       */
      #pick(placing) {
        const perWorker = this.#settings.perWorker;
        const depth = this.#depth();
        let free;
        let ahead;
        for (const worker of this.#workers.ready) {
          const length = worker.line.length;
          if (length < perWorker) {
            if (length === 0) return worker;
            if (free === void 0 || length < free.line.length) free = worker;
          } else if (length < depth && (ahead === void 0 || length < ahead.line.length)) ahead = worker;
        }
        if (free) return free;
        for (const worker of this.#workers.startingWorkers) if (worker.line.length < perWorker) return worker;
        if (placing <= this.#workers.coming() * perWorker) return void 0;
        return ahead;
      }
      #assign(worker, pending) {
        const idle = worker.line.length === 0;
        pending.worker = worker;
        pending.state = "assigned";
        worker.line.push(pending);
        worker.outbox.push(pending);
        this.#inLine.set(pending.id, pending);
        if (worker.defined[pending.key] !== true) {
          worker.defined[pending.key] = true;
          worker.defines.push(this.#tasks.definition(pending.key));
        }
        if (++worker.assigned >= this.#settings.maxTasksPerWorker) this.#workers.retire(worker);
        if (idle) this.#sendTo(worker);
        else this.#markDirty(worker);
      }
      #markDirty(worker) {
        if (!worker.dirty) {
          worker.dirty = true;
          this.#dirty.push(worker);
        }
        if (!this.#flushScheduled) {
          this.#flushScheduled = true;
          setImmediate(this.#flushBound);
        }
      }
      #flush() {
        this.#flushScheduled = false;
        const dirty = this.#dirty;
        this.#dirty = [];
        for (const worker of dirty) {
          worker.dirty = false;
          if (worker.state !== "stopping") this.#sendTo(worker);
        }
      }
      /**
       * executor.pause(): every worker, and any started later, holds the calls it
       * was sent (and those still to come) until resume(); the pool stops
       * inferring starts from results meanwhile.
       */
      pause() {
        this.#paused = true;
        for (const worker of this.#workers.all.values()) this.#tellHold(worker);
      }
      resume() {
        this.#paused = false;
        for (const worker of this.#workers.all.values()) if (worker.state !== "stopping") this.#sendTo(worker);
      }
      /** Tells `worker` to hold or go on, when that differs from what it was last told (a new worker: before its first call). */
      #tellHold(worker) {
        if (worker.held === this.#paused || worker.state === "stopping") return;
        worker.held = this.#paused;
        if (!this.#paused && worker.drops.length > 0) {
          worker.handle.send([TAG.drop, ...worker.drops]);
          worker.drops = [];
        }
        worker.handle.send([this.#paused ? TAG.pause : TAG.resume]);
      }
      /** Sends what `worker` has not been sent; a call whose input cannot be cloned fails alone. */
      #sendTo(worker) {
        if (this.#paused) this.#tellHold(worker);
        for (const { pending, error } of worker.send()) {
          this.#settle(pending);
          pending.reject(this.notPortable(pending.call, error));
        }
        if (!this.#paused) this.#tellHold(worker);
        if (worker.state !== "starting") worker.promote(this.#settings.perWorker);
      }
      #onMessage(handle, message) {
        const worker = this.#workers.all.get(handle);
        if (!worker) return;
        if (message[0] === TAG.results) this.#onResults(worker, message);
        else if (message[0] === TAG.ready) this.#onReady(worker);
        else if (message[0] === TAG.dropped) this.#onDropped(worker, message.slice(1));
        else if (message[0] === TAG.paused) worker.confirmRunning(message.slice(1));
        else if (message[0] === TAG.deaf) this.#deaf[message[1]] = true;
        else if (message[0] === TAG.started) {
          if (worker.state === "stopping") return;
          const cancelled = this.#inLine.get(message[1]);
          this.#workers.stop(
            worker,
            cancelled?.state === "cancelling" ? this.#stopReason(cancelled) : "a task aborted just as it started was still running in it"
          );
        }
      }
      #onReady(worker) {
        if (!this.#workers.markReady(worker)) return;
        worker.promote(this.#settings.perWorker);
        this.#drain();
      }
      #onResults(worker, message) {
        const now = performance.now();
        let results = 0;
        for (let i = 1; i < message.length; i += RESULT_STRIDE) if (message[i + 1] !== PROGRESS) results++;
        if (worker.running > 0 && results > 0) this.#window.observe(results, now - worker.lastHeard);
        worker.lastHeard = now;
        this.#takeResults(worker, message, 1, now, results > 0);
      }
      /**
       * The results and progress values of one message, from index `from`. The
       * executor takes a result one microtask after it settles (its taskEnd): a
       * call not yet seen to start (sent ahead, its start told only by its own
       * result or progress) waits for that when results of this turn are untaken,
       * so its `taskStart` comes after their `taskEnd`s. Else a batch [c1, c3] (or
       * two messages read in one turn) gave start c3 before end c1: three running
       * on two slots to the events and `running` (the contract test 'runs no more
       * than its slots', 1 run in 10 under load).
       */
      #takeResults(worker, message, from, now, anyResult) {
        for (let i = from; i < message.length; i += RESULT_STRIDE) {
          const pending = this.#inLine.get(message[i]);
          if (this.#untaken && pending?.state === "assigned") {
            queueMicrotask(() => this.#takeResults(worker, message, i, now, anyResult));
            return;
          }
          if (message[i + 1] === PROGRESS) {
            if (pending !== void 0) this.#onProgress(worker, pending, message[i + 2], message[i + 3]);
            continue;
          }
          if (pending === void 0) continue;
          if (pending.state === "dropping" || pending.state === "cancelling") {
            this.#settle(pending);
            continue;
          }
          const sample = message[i + 3] === 0 ? void 0 : toSample(message[i + 3]);
          pending.call.markStarted(sample && now - sample.runMs);
          this.#settle(pending);
          if (sample) pending.call.measured(sample);
          if (message[i + 1] === 1) pending.resolve(message[i + 2]);
          else pending.reject(deserializeError(message[i + 2]));
          if (!this.#untaken) {
            this.#untaken = true;
            queueMicrotask(this.#taken);
          }
        }
        if (!anyResult) return;
        queueMicrotask(() => {
          worker.promote(this.#settings.perWorker);
          this.#afterSettle(worker);
        });
      }
      /**
       * A `ctx.progress()` value, to the caller while its call is live. A value
       * shows that the call has started: the results before it in the worker's
       * line came in the same message or earlier.
       */
      #onProgress(worker, pending, value, item) {
        if (pending.state === "assigned") worker.promote(this.#settings.perWorker);
        if (pending.state === "running") pending.call.progress(value, item);
      }
      /** Unlinks a call from the pool: no more abort, no longer in a line or waiting. */
      #settle(pending) {
        if (pending.graceTimer !== void 0) clearTimeout(pending.graceTimer);
        pending.state = "settled";
        const worker = pending.worker;
        if (worker) {
          worker.remove(pending);
          this.#inLine.delete(pending.id);
          const at = worker.outbox.indexOf(pending);
          if (at !== -1) worker.outbox.splice(at, 1);
        } else {
          const at = this.#waiting.indexOf(pending);
          if (at !== -1) this.#waiting.splice(at, 1);
        }
      }
      /** After calls of `worker` left its line: retire or note it idle, feed waiting calls. */
      #afterSettle(worker) {
        if (worker.line.length === 0) {
          if (worker.state === "retiring") this.#workers.release(worker);
          else if (worker.state === "ready") {
            worker.idleSince = performance.now();
            this.#workers.armIdleTimer();
          }
        }
        if (this.#waiting.length > 0) this.#drain();
        this.#updateReference();
      }
      #abort(pending) {
        if (pending.state === "settled" || pending.state === "dropping" || pending.state === "cancelling") return;
        const worker = pending.worker;
        const running = pending.state === "running";
        pending.reject(pending.signal.reason);
        if (worker && !running && pending.sent) {
          pending.state = "dropping";
          worker.drops.push(pending.id);
          this.#markDirty(worker);
          return;
        }
        if (worker && running && this.#cancel(worker, pending)) return;
        this.#settle(pending);
        if (worker && running) {
          this.#workers.stop(worker, this.#stopReason(pending));
          this.#drain();
        }
        if (worker && !running) this.#afterSettle(worker);
        else this.#updateReference();
      }
      /**
       * Cooperative abort (API.md "Task context"): the running call's `ctx.signal`
       * aborts in the worker (by message; on threads also in shared memory, so a
       * synchronous loop sees it), and the call keeps its slot until it settles or
       * `abortGraceMs` passes; then its worker is ended, as without a context.
       * False when there is no grace period, or the reason cannot be sent.
       */
      #cancel(worker, pending) {
        if (this.#graceMs === 0 || worker.state === "stopping" || this.#deaf[pending.key] === true) return false;
        worker.handle.markAborted?.(pending.id);
        try {
          if (!worker.handle.send([TAG.cancel, pending.id, serializeError(pending.signal.reason)])) return false;
        } catch {
          return false;
        }
        pending.state = "cancelling";
        pending.graceTimer = setTimeout(() => this.#graceOver(pending), this.#graceMs);
        return true;
      }
      /** The aborted task did not settle within abortGraceMs: end its worker. */
      #graceOver(pending) {
        pending.graceTimer = void 0;
        const worker = pending.worker;
        if (pending.state !== "cancelling" || !worker) return;
        this.#settle(pending);
        if (worker.state !== "stopping") this.#workers.stop(worker, `${this.#stopReason(pending)} and did not stop within abortGraceMs (${this.#graceMs} ms)`);
        this.#drain();
        this.#updateReference();
      }
      #stopReason(pending) {
        return `task ${pending.call.label} on it ${pending.signal.reason instanceof TaskTimeoutError ? "timed out" : "was aborted"}`;
      }
      /** The worker skipped these dropped calls: their places are free. */
      #onDropped(worker, ids) {
        for (const id of ids) {
          const pending = this.#inLine.get(id);
          if (pending?.state === "dropping" || pending?.state === "cancelling") this.#settle(pending);
        }
        worker.promote(this.#settings.perWorker);
        this.#afterSettle(worker);
      }
      /** Waiting calls to workers with room; start more workers if they cannot take them all (and give them theirs). */
      #drain() {
        this.#place();
        this.#workers.grow();
        this.#place();
      }
      #place() {
        while (this.#waiting.length > 0) {
          const worker = this.#pick(this.#waiting.length);
          if (!worker) break;
          this.#assign(worker, this.#waiting.shift());
        }
      }
      #onExit(handle, exit) {
        const forgotten = this.#workers.forget(handle);
        if (!forgotten) return;
        const { worker } = forgotten;
        if (forgotten.failedStart) this.#startFailed(exit.description);
        const line = worker.line.splice(0);
        const running = line.slice(0, worker.running);
        worker.running = 0;
        worker.outbox = [];
        for (const pending of running) {
          this.#inLine.delete(pending.id);
          if (pending.graceTimer !== void 0) clearTimeout(pending.graceTimer);
          if (pending.state === "dropping" || pending.state === "cancelling") continue;
          pending.state = "settled";
          pending.reject(new WorkerCrashedError(crashMessage(worker, pending, exit, this.kind, this.#context.options.resourceLimits?.maxOldGenerationSizeMb)));
        }
        const requeue = [];
        for (const pending of line.slice(running.length)) {
          this.#inLine.delete(pending.id);
          if (pending.state === "dropping") continue;
          if (pending.requeued && worker.readyAt !== 0) {
            pending.call.markStarted();
            pending.state = "settled";
            pending.reject(new WorkerCrashedError(crashMessage(worker, pending, exit, this.kind, this.#context.options.resourceLimits?.maxOldGenerationSizeMb)));
            continue;
          }
          if (worker.readyAt !== 0) pending.requeued = true;
          pending.worker = void 0;
          pending.sent = false;
          pending.state = "waiting";
          requeue.push(pending);
        }
        this.#waiting.unshift(...requeue);
        this.#context.events.emit("workerExit", { backend: this.kind, id: handle.id, code: exit.code, ...this.kind === "process" ? { signal: exit.signal } : {} });
        this.#workers.exited();
        if (this.#state !== "open") this.#rejectWaiting(() => new ExecutorClosedError("The executor was closed before the task started"));
        this.#drain();
        this.#updateReference();
      }
      #startFailed(exit) {
        const kind = this.kind === "process" ? "child process" : "worker thread";
        const message = this.#workers.backoff.failed(exit, kind, this.#workers.startHint);
        if (message !== void 0) this.#rejectWaiting((pending) => new WorkerCrashedError(`${message}; task ${pending.call.label} was not run`));
      }
      #updateReference() {
        this.#workers.reference(this.#inLine.size > 0 || this.#waiting.length > 0);
      }
    };
  }
});

// src/worker/runtime.ts
function v8() {
  return (0, import_node_module3.createRequire)(importMetaUrl)("node:v8");
}
function checkHeapLimitSupported(backend, heapMb) {
  if (RUNTIME !== "bun" || heapMb === void 0 || backend === "async" || backend === "distributed") return;
  throw new TypeError(
    `\`resourceLimits.maxOldGenerationSizeMb\` cannot be enforced on ${RUNTIME_LABEL}: its worker threads and child processes have no heap limit (JavaScriptCore ignores \`resourceLimits\` and \`--max-old-space-size\`). Leave the option out on Bun, or run on Node or Deno`
  );
}
var import_node_module3, RUNTIME, RUNTIME_LABEL, checkIpcCloneable, SILENT_OOM;
var init_runtime = __esm({
  "src/worker/runtime.ts"() {
    "use strict";
    init_cjs_shims();
    import_node_module3 = require("module");
    RUNTIME = process.versions.bun ? "bun" : process.versions.deno ? "deno" : "node";
    RUNTIME_LABEL = RUNTIME === "bun" ? `Bun ${process.versions.bun}` : RUNTIME === "deno" ? `Deno ${process.versions.deno}` : `Node ${process.versions.node}`;
    checkIpcCloneable = RUNTIME === "node" ? () => {
    } : (message) => void v8().serialize(message);
    SILENT_OOM = "stopped a task in this thread without an error: it ran out of heap";
  }
});

// src/worker/abort-flags.ts
var SLOTS, AbortFlags;
var init_abort_flags = __esm({
  "src/worker/abort-flags.ts"() {
    "use strict";
    init_cjs_shims();
    SLOTS = 4096;
    AbortFlags = class {
      buffer;
      #cells;
      constructor(buffer = new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT)) {
        this.buffer = buffer;
        this.#cells = new Int32Array(buffer);
      }
      set(id) {
        Atomics.store(this.#cells, id & SLOTS - 1, id | 0);
      }
      isSet(id) {
        return Atomics.load(this.#cells, id & SLOTS - 1) === (id | 0);
      }
      /** The call settled: its mark goes (only if no other call's mark replaced it). */
      clear(id) {
        Atomics.compareExchange(this.#cells, id & SLOTS - 1, id | 0, 0);
      }
    };
  }
});

// src/backends/thread/thread-spawner.ts
function loadPiscina() {
  return (0, import_node_module4.createRequire)(importMetaUrl)("piscina").Piscina;
}
function portReferenceOf(worker) {
  const symbol = Object.getOwnPropertySymbols(worker).find((s) => s.description === WORKER_RECORD);
  const record = symbol && worker[symbol];
  return typeof record?.ref === "function" && typeof record.unref === "function" ? record : void 0;
}
var import_node_module4, import_node_worker_threads, import_node_url2, WORKER_FILE, WORKER_RECORD, THREAD_HEADROOM, ThreadSpawner, ThreadHandle;
var init_thread_spawner = __esm({
  "src/backends/thread/thread-spawner.ts"() {
    "use strict";
    init_cjs_shims();
    import_node_module4 = require("module");
    import_node_worker_threads = require("worker_threads");
    import_node_url2 = require("url");
    init_protocol();
    init_runtime();
    init_abort_flags();
    WORKER_FILE = (0, import_node_url2.fileURLToPath)(new URL("./thread-worker.cjs", importMetaUrl));
    WORKER_RECORD = "Piscina.kWorkerData";
    THREAD_HEADROOM = 8;
    ThreadSpawner = class {
      kind = "thread";
      startHint;
      #pool;
      #perWorker;
      /** piscina's port reference of each thread, by thread id (see WORKER_RECORD). */
      #ports = /* @__PURE__ */ new Map();
      constructor(options) {
        this.#perWorker = options.perWorker;
        this.startHint = `Check the execArgv ${JSON.stringify(options.execArgv)} of the thread backend`;
        const PiscinaPool = loadPiscina();
        this.#pool = new PiscinaPool({
          filename: WORKER_FILE,
          // Our pool keeps at most maxThreads sessions; threads it is ending still
          // count in piscina until they exit. A session run() while piscina is
          // full waits in piscina's queue, and piscina does not start a thread for
          // it when one exits (it only tops up to minThreads): headroom instead.
          maxThreads: options.maxThreads * 2 + THREAD_HEADROOM,
          // Our pool decides when threads start and end: piscina keeps none on its own.
          minThreads: 0,
          idleTimeout: 0,
          // One session per thread; the session runs `perWorker` calls at once itself.
          concurrentTasksPerWorker: 1,
          // A session never returns between calls: piscina's Atomics wait would never be used.
          atomics: "disabled",
          execArgv: options.execArgv,
          ...options.heapMb !== void 0 ? { resourceLimits: { maxOldGenerationSizeMb: options.heapMb } } : {},
          recordTiming: false
        });
        this.#pool.on("error", options.onError);
        this.#pool.on("workerCreate", (worker) => {
          const port = portReferenceOf(worker);
          if (port) this.#ports.set(worker.id, port);
        });
        this.#pool.on("workerDestroy", (worker) => this.#ports.delete(worker.id));
      }
      spawn(listener) {
        const { port1, port2 } = new import_node_worker_threads.MessageChannel();
        const flags = new AbortFlags();
        const handle = new ThreadHandle(port1, listener, this.#pool, this.#ports, flags);
        this.#pool.run({ port: port2, perWorker: this.#perWorker, abortFlags: flags.buffer }, { transferList: [port2] }).then(
          () => handle.sessionEnded(void 0),
          (error) => handle.sessionEnded(error)
        );
        return handle;
      }
      async shutdown() {
        await this.#pool.destroy();
      }
    };
    ThreadHandle = class {
      constructor(port, listener, pool, ports, flags) {
        this.flags = flags;
        this.#port = port;
        this.#listener = listener;
        this.#pool = pool;
        this.#ports = ports;
        port.on("message", (message) => {
          if (message[0] === TAG.ready) this.#onReady(message[1]);
          listener.message(this, message);
        });
      }
      flags;
      id = 0;
      #port;
      #listener;
      #pool;
      #ports;
      #worker;
      #exitCode;
      #ended = false;
      #referenced = true;
      #onReady(threadId) {
        this.id = threadId;
        this.#worker = this.#pool.threads.find((w) => w.threadId === threadId);
        const worker = this.#worker;
        if (worker) this.#exitCode = new Promise((resolve2) => worker.once("exit", resolve2));
        this.reference(this.#referenced);
      }
      send(message, transfer) {
        if (this.#ended) return false;
        this.#port.postMessage(message, transfer);
        return true;
      }
      release() {
        if (this.#ended) return;
        this.#holdUntilExit();
        this.#port.postMessage([TAG.close]);
      }
      /** Seen at once by a task polling ctx.signal.aborted in a synchronous loop (abort-flags.ts). */
      markAborted(id) {
        this.flags.set(id);
      }
      kill() {
        if (this.#ended) return;
        this.#holdUntilExit();
        if (this.#worker) void this.#worker.terminate();
        else this.#port.close();
      }
      /**
       * Busy: our port and piscina's hold the caller's event loop. Idle: neither
       * does (piscina leaves the Worker itself unref'd), as piscina's own idle
       * threads and our idle child processes do not.
       */
      reference(active) {
        this.#referenced = active;
        const piscinaPort = this.id === 0 ? void 0 : this.#ports.get(this.id);
        if (active) {
          this.#port.ref();
          piscinaPort?.ref();
        } else {
          this.#port.unref();
          piscinaPort?.unref();
        }
      }
      /** Being ended: the thread holds the event loop until its exit is seen (close() and destroy() wait for it). */
      #holdUntilExit() {
        this.reference(true);
        this.#worker?.ref();
      }
      /** piscina settled the session: it returned (released) or its thread died. */
      async sessionEnded(error) {
        if (this.#ended) return;
        this.#ended = true;
        this.#port.close();
        void this.#worker?.terminate();
        const code = this.#exitCode ? await this.#exitCode : null;
        const message = error?.message;
        const outOfMemory = error?.code === "ERR_WORKER_OUT_OF_MEMORY" || !!message?.includes(SILENT_OOM);
        const detail = message === void 0 || /^worker exited with code/i.test(message) ? "" : ` (${message})`;
        const exit = {
          description: `Thread ${this.id || "(not started)"} ended with exit code ${code ?? "unknown"}${detail}`,
          code,
          signal: null,
          outOfMemory
        };
        this.#listener.exit(this, exit);
      }
    };
  }
});

// src/backends/thread/thread.ts
var thread_exports = {};
__export(thread_exports, {
  createThreadBackend: () => createThreadBackend
});
function createThreadBackend(context) {
  return new ThreadPool(context);
}
var import_node_os2, ThreadPool;
var init_thread = __esm({
  "src/backends/thread/thread.ts"() {
    "use strict";
    init_cjs_shims();
    import_node_os2 = require("os");
    init_errors();
    init_worker_flags();
    init_cloneable();
    init_worker_pool();
    init_pool_settings();
    init_thread_spawner();
    ThreadPool = class extends WorkerPool {
      kind = "thread";
      constructor(context) {
        const { options } = context;
        const settings = poolSettings(options, Math.max(1, Math.floor((0, import_node_os2.availableParallelism)() / 2)));
        const flags = threadFlags(options.execArgv ?? process.execArgv);
        const heapMb = options.resourceLimits ? options.resourceLimits.maxOldGenerationSizeMb : flags.heapMb;
        const spawner = new ThreadSpawner({
          maxThreads: settings.maxWorkers,
          perWorker: settings.perWorker,
          execArgv: flags.execArgv,
          heapMb,
          // An error of a thread outside any session.
          onError: (error) => context.events.emit("warning", {
            type: "worker-error",
            backend: "thread",
            message: `A worker thread failed outside any task: ${error?.message ?? String(error)}`
          })
        });
        super(context, spawner, settings);
      }
      notPortable(call, error) {
        const found = findUncloneable(call.input, call.batch ? "inputs" : "input");
        return new TaskNotPortableError(
          `Task ${call.label} cannot be sent to a worker thread: ${found ?? error?.message ?? String(error)}. Pass plain data (objects, arrays, numbers, strings, typed arrays, Map, Set, Date); list ArrayBuffers to move in \`transfer\``,
          { cause: error }
        );
      }
    };
  }
});

// src/backends/process/node-options.ts
function withChildNodeOptions(env) {
  const value = env.NODE_OPTIONS;
  if (value === void 0) return env;
  const given = splitNodeOptions(value);
  const kept = processFlags(given);
  if (kept.length === given.length && kept.every((flag, i) => flag === given[i])) return env;
  const out = { ...env };
  if (kept.length === 0) delete out.NODE_OPTIONS;
  else out.NODE_OPTIONS = joinNodeOptions(kept);
  return out;
}
function splitNodeOptions(value) {
  const args = [];
  let current = "";
  let started = false;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted && c === "\\" && i + 1 < value.length) {
      current += value[++i];
    } else if (c === '"') {
      quoted = !quoted;
    } else if (c === " " && !quoted) {
      if (started) args.push(current);
      current = "";
      started = false;
      continue;
    } else {
      current += c;
    }
    started = true;
  }
  if (started) args.push(current);
  return args;
}
function joinNodeOptions(args) {
  return args.map((arg) => arg === "" || /[ "\\]/.test(arg) ? `"${arg.replace(/["\\]/g, "\\$&")}"` : arg).join(" ");
}
var init_node_options = __esm({
  "src/backends/process/node-options.ts"() {
    "use strict";
    init_cjs_shims();
    init_worker_flags();
  }
});

// src/backends/process/start-guard.ts
function poolChildEnv(env) {
  return { ...env, [POOL_CHILD_ENV]: String(process.pid) };
}
function refuseForkInPoolChild() {
  const parent = process.env[POOL_CHILD_ENV];
  if (parent === void 0) return;
  (0, import_node_fs.writeSync)(
    2,
    `unified-executor: process ${process.pid} was forked by the process pool of process ${parent} to run its child entry, but runs other code that starts a process pool of its own (its Node flags: ${JSON.stringify(process.execArgv.map(clip))}). It exits instead of forking again.
`
  );
  process.exit(1);
}
function clip(flag) {
  return flag.length > 60 ? `${flag.slice(0, 57)}...` : flag;
}
var import_node_fs, POOL_CHILD_ENV, START_TIMEOUT_MS;
var init_start_guard = __esm({
  "src/backends/process/start-guard.ts"() {
    "use strict";
    init_cjs_shims();
    import_node_fs = require("fs");
    POOL_CHILD_ENV = "UNIFIED_EXECUTOR_POOL_CHILD";
    START_TIMEOUT_MS = 15e3;
  }
});

// src/backends/process/child-handle.ts
function describeExit(pid, code, signal) {
  const who = pid ? `Child process ${pid}` : "A child process that could not be spawned";
  if (signal) return `${who} was killed by signal ${signal}`;
  return `${who} exited with code ${code ?? "unknown"}`;
}
var import_node_child_process, import_node_url3, CHILD_ENTRY, EXIT_DRAIN_MS, RELEASE_GRACE_MS, ChildHandle;
var init_child_handle = __esm({
  "src/backends/process/child-handle.ts"() {
    "use strict";
    init_cjs_shims();
    import_node_child_process = require("child_process");
    import_node_url3 = require("url");
    init_protocol();
    init_node_options();
    init_runtime();
    init_start_guard();
    CHILD_ENTRY = (0, import_node_url3.fileURLToPath)(new URL("./process-child.js", importMetaUrl));
    EXIT_DRAIN_MS = 1e3;
    RELEASE_GRACE_MS = 2e3;
    ChildHandle = class {
      /** The pid; 0 when the OS refused to spawn (the exit follows at once). */
      id;
      #process;
      #listener;
      #exited = false;
      #stopping = false;
      #timer;
      #referenced = true;
      /** Ends a child that never says `ready` (see START_TIMEOUT_MS). */
      #startTimer;
      #startTimedOut = false;
      #status;
      #guard;
      constructor(options, listener) {
        this.#listener = listener;
        refuseForkInPoolChild();
        let child;
        try {
          child = (0, import_node_child_process.fork)(CHILD_ENTRY, [String(options.perWorker), options.guard.active ? "guarded" : "unguarded"], {
            execArgv: options.execArgv,
            // At each fork, not once per pool: a change to process.env reaches children forked later, as before.
            // NODE_OPTIONS under the same rules as the flags (no `--inspect-brk` that would stop the child).
            env: poolChildEnv(withChildNodeOptions(options.env)),
            serialization: "advanced"
          });
        } catch {
          this.id = 0;
          queueMicrotask(() => this.#onExit(null, null));
          return;
        }
        this.#process = child;
        this.id = child.pid ?? 0;
        this.#guard = options.guard;
        this.#guard.add(this.id);
        child.on("message", (message) => {
          if (message[0] === TAG.ready) clearTimeout(this.#startTimer);
          this.#listener.message(this, message);
        });
        this.#startTimer = setTimeout(() => {
          if (this.#stopping) return;
          this.#startTimedOut = true;
          this.kill();
        }, START_TIMEOUT_MS);
        this.#startTimer.unref();
        child.on("exit", (code, signal) => {
          this.#status = { code, signal };
          clearTimeout(this.#timer);
          if (!child.connected) this.#onExit(code, signal);
          else this.#timer = setTimeout(() => child.connected && child.disconnect(), EXIT_DRAIN_MS);
        });
        child.on("disconnect", () => {
          if (this.#status) this.#onExit(this.#status.code, this.#status.signal);
        });
        child.on("error", () => {
          if (child.pid === void 0) this.#onExit(null, null);
        });
      }
      get exited() {
        return this.#exited;
      }
      /** Throws synchronously when the message cannot be cloned (nothing is written then). */
      send(message) {
        const child = this.#process;
        if (!child || !child.connected) return false;
        checkIpcCloneable(message);
        child.send(message);
        return true;
      }
      /** An idle child must not keep the parent alive; a busy one must. */
      reference(on) {
        const child = this.#process;
        if (!child || on === this.#referenced || this.#exited) return;
        this.#referenced = on;
        if (on) {
          child.ref();
          child.channel?.ref?.();
        } else {
          child.unref();
          child.channel?.unref?.();
        }
      }
      /** Graceful: close the channel; the child exits on `disconnect`. Killed if it lingers. */
      release() {
        if (this.#stopping || this.#exited) return;
        this.#stopping = true;
        const child = this.#process;
        this.reference(true);
        if (child.connected) child.disconnect();
        this.#timer = setTimeout(() => this.#terminate(), RELEASE_GRACE_MS);
      }
      /**
       * Now: SIGKILL. A child ignores SIGTERM while its parent lives (child.ts:
       * a SIGTERM to the whole process group must not kill it under a parent that
       * shuts down gracefully), so SIGTERM would not end it; and a call we end is
       * stopped mid-way whatever the signal.
       */
      kill() {
        if (this.#exited) return;
        clearTimeout(this.#timer);
        this.#stopping = true;
        this.#terminate();
      }
      #terminate() {
        const child = this.#process;
        this.reference(true);
        child.kill("SIGKILL");
      }
      #onExit(code, signal) {
        if (this.#exited) return;
        this.#exited = true;
        clearTimeout(this.#timer);
        clearTimeout(this.#startTimer);
        this.#guard?.remove(this.id);
        this.#listener.exit(this, {
          description: describeExit(this.id, code, signal) + (this.#startTimedOut ? ` (it sent no \`ready\` within ${START_TIMEOUT_MS / 1e3} s)` : ""),
          code,
          signal,
          outOfMemory: signal === "SIGABRT" || signal === "SIGTRAP" || code === 134 || code === 133
        });
      }
    };
  }
});

// src/backends/process/orphan-guard.ts
var import_node_child_process2, import_node_fs2, SCRIPT, SHELL, OrphanGuard;
var init_orphan_guard = __esm({
  "src/backends/process/orphan-guard.ts"() {
    "use strict";
    init_cjs_shims();
    import_node_child_process2 = require("child_process");
    import_node_fs2 = require("fs");
    SCRIPT = `
pids=" "
while read line; do
  case "$line" in
    -*) pids=$(printf '%s' "$pids" | sed "s/ \${line#-} / /") ;;
    *) pids="$pids$line " ;;
  esac
done
[ -n "\${pids# }" ] && kill -9 $pids 2>/dev/null
exit 0
`;
    SHELL = "/bin/sh";
    OrphanGuard = class {
      #guard;
      #failed = process.platform === "win32" || !(0, import_node_fs2.existsSync)(SHELL);
      /** Pids to send once the guard is up (it starts after the first fork, off the first call's path). */
      #pending;
      /** Whether the guard watches the children (else each child starts its own watchdog thread). */
      get active() {
        return !this.#failed;
      }
      add(pid) {
        if (pid) this.#write(`${pid}
`);
      }
      remove(pid) {
        if (pid) this.#write(`-${pid}
`);
      }
      /** The pool is closed and its children have exited: the guard ends with nothing to do. */
      close() {
        this.#failed = true;
        this.#pending = void 0;
        this.#guard?.stdin?.end();
        this.#guard = void 0;
      }
      #write(line) {
        if (this.#guard) this.#guard.stdin.write(line);
        else if (!this.#failed) {
          if (this.#pending === void 0) setImmediate(() => this.#flushPending());
          (this.#pending ??= []).push(line);
        }
      }
      #flushPending() {
        const lines = this.#pending;
        this.#pending = void 0;
        if (lines && this.#start()) this.#guard.stdin.write(lines.join(""));
      }
      #start() {
        if (this.#guard) return true;
        if (this.#failed) return false;
        try {
          const guard = (0, import_node_child_process2.spawn)(SHELL, ["-c", SCRIPT], { detached: true, stdio: ["pipe", "ignore", "ignore"] });
          if (guard.pid === void 0) throw new Error("no pid");
          guard.on("error", () => void 0);
          guard.stdin.on("error", () => void 0);
          guard.unref();
          guard.stdin.unref?.();
          guard.once("exit", () => {
            if (this.#guard === guard) this.#guard = void 0;
          });
          this.#guard = guard;
          return true;
        } catch {
          this.#failed = true;
          return false;
        }
      }
    };
  }
});

// src/backends/process/pool.ts
var pool_exports = {};
__export(pool_exports, {
  createProcessBackend: () => createProcessBackend
});
function createProcessBackend(context) {
  return new ProcessPool(context);
}
var ChildSpawner, ProcessPool;
var init_pool = __esm({
  "src/backends/process/pool.ts"() {
    "use strict";
    init_cjs_shims();
    init_errors();
    init_worker_flags();
    init_worker_pool();
    init_pool_settings();
    init_child_handle();
    init_orphan_guard();
    ChildSpawner = class {
      constructor(options) {
        this.options = options;
        this.startHint = `Check the execArgv ${JSON.stringify(options.execArgv)} and env of the process backend`;
      }
      options;
      kind = "process";
      startHint;
      spawn(listener) {
        return new ChildHandle(this.options, listener);
      }
      async shutdown() {
        this.options.guard.close();
      }
    };
    ProcessPool = class extends WorkerPool {
      kind = "process";
      constructor(context) {
        const { options } = context;
        const settings = poolSettings(options, 0);
        const heapMb = options.resourceLimits?.maxOldGenerationSizeMb;
        const spawner = new ChildSpawner({
          // Default: the parent's own flags, so a loader such as `--import tsx` carries over, without
          // those that would make a child run something else (`node -e`: issue 11); see worker-flags.ts.
          // The heap flag last: V8 takes the last of two.
          execArgv: [...processFlags(options.execArgv ?? process.execArgv), ...heapMb ? [`--max-old-space-size=${heapMb}`] : []],
          env: options.env ?? process.env,
          perWorker: settings.perWorker,
          guard: new OrphanGuard()
        });
        super(context, spawner, settings);
      }
      notPortable(call, error) {
        return new TaskNotPortableError(
          `The input of task ${call.label} cannot be sent to a child process: ${error?.message ?? String(error)}`,
          { cause: error }
        );
      }
    };
  }
});

// src/backends/index.ts
var backendFactories;
var init_backends = __esm({
  "src/backends/index.ts"() {
    "use strict";
    init_cjs_shims();
    init_async();
    init_lazy_backend();
    init_pool_facts();
    backendFactories = {
      async: createAsyncBackend,
      thread: lazyBackend(
        (options) => poolFacts("thread", options),
        () => Promise.resolve().then(() => (init_thread(), thread_exports)).then((m) => m.createThreadBackend)
      ),
      process: lazyBackend(
        (options) => poolFacts("process", options),
        () => Promise.resolve().then(() => (init_pool(), pool_exports)).then((m) => m.createProcessBackend)
      )
    };
  }
});

// node_modules/p-timeout/index.js
function pTimeout(promise, options) {
  const {
    milliseconds,
    fallback,
    message,
    customTimers = { setTimeout, clearTimeout },
    signal
  } = options;
  let timer;
  let abortHandler;
  const wrappedPromise = new Promise((resolve2, reject) => {
    if (typeof milliseconds !== "number" || Math.sign(milliseconds) !== 1) {
      throw new TypeError(`Expected \`milliseconds\` to be a positive number, got \`${milliseconds}\``);
    }
    if (signal?.aborted) {
      reject(getAbortedReason(signal));
      promise.then(resolve2, reject);
      return;
    }
    if (signal) {
      abortHandler = () => {
        reject(getAbortedReason(signal));
      };
      signal.addEventListener("abort", abortHandler, { once: true });
    }
    promise.then(resolve2, reject);
    if (milliseconds === Number.POSITIVE_INFINITY) {
      return;
    }
    const timeoutError = new TimeoutError();
    timer = customTimers.setTimeout.call(void 0, () => {
      if (fallback) {
        try {
          resolve2(fallback());
        } catch (error) {
          reject(error);
        }
        return;
      }
      if (typeof promise.cancel === "function") {
        promise.cancel();
      }
      if (message === false) {
        resolve2();
      } else if (message instanceof Error) {
        reject(message);
      } else {
        timeoutError.message = message ?? `Promise timed out after ${milliseconds} milliseconds`;
        reject(timeoutError);
      }
    }, milliseconds);
  });
  const cancelablePromise = wrappedPromise.finally(() => {
    cancelablePromise.clear();
    if (abortHandler && signal) {
      signal.removeEventListener("abort", abortHandler);
    }
  });
  cancelablePromise.clear = () => {
    customTimers.clearTimeout.call(void 0, timer);
    timer = void 0;
  };
  return cancelablePromise;
}
var TimeoutError, getAbortedReason;
var init_p_timeout = __esm({
  "node_modules/p-timeout/index.js"() {
    "use strict";
    init_cjs_shims();
    TimeoutError = class _TimeoutError extends Error {
      name = "TimeoutError";
      constructor(message, options) {
        super(message, options);
        Error.captureStackTrace?.(this, _TimeoutError);
      }
    };
    getAbortedReason = (signal) => signal.reason ?? new DOMException("This operation was aborted.", "AbortError");
  }
});

// node_modules/p-queue/dist/lower-bound.js
function lowerBound(array, value, comparator) {
  let first = 0;
  let count = array.length;
  while (count > 0) {
    const step = Math.trunc(count / 2);
    let it = first + step;
    if (comparator(array[it], value) <= 0) {
      first = ++it;
      count -= step + 1;
    } else {
      count = step;
    }
  }
  return first;
}
var init_lower_bound = __esm({
  "node_modules/p-queue/dist/lower-bound.js"() {
    "use strict";
    init_cjs_shims();
  }
});

// node_modules/p-queue/dist/priority-queue.js
var compactionThreshold, PriorityQueue;
var init_priority_queue = __esm({
  "node_modules/p-queue/dist/priority-queue.js"() {
    "use strict";
    init_cjs_shims();
    init_lower_bound();
    compactionThreshold = 100;
    PriorityQueue = class {
      #queue = [];
      // The queue is stored as a sorted array, but dequeued items are left before `#head` until compaction. Only items from `#head` onward are live, which keeps repeated dequeues amortized O(1).
      #head = 0;
      enqueue(run, options) {
        const { priority = 0, id } = options ?? {};
        const { size } = this;
        const element = {
          priority,
          id,
          run
        };
        if (size === 0) {
          this.#queue.length = 0;
          this.#head = 0;
          this.#queue.push(element);
          return;
        }
        if (this.#queue.at(-1).priority >= priority) {
          this.#queue.push(element);
          return;
        }
        this.#compact();
        const index = lowerBound(this.#queue, element, (a, b) => b.priority - a.priority);
        this.#queue.splice(index, 0, element);
      }
      setPriority(id, priority) {
        const index = this.#queue.findIndex((element, index2) => index2 >= this.#head && element.id === id);
        if (index === -1) {
          throw new ReferenceError(`No promise function with the id "${id}" exists in the queue.`);
        }
        const [item] = this.#queue.splice(index, 1);
        this.enqueue(item.run, { priority, id });
      }
      remove(idOrRun) {
        const index = this.#queue.findIndex((element, index2) => {
          if (index2 < this.#head) {
            return false;
          }
          if (typeof idOrRun === "string") {
            return element.id === idOrRun;
          }
          return element.run === idOrRun;
        });
        if (index !== -1) {
          this.#queue.splice(index, 1);
        }
      }
      dequeue() {
        if (this.#head === this.#queue.length) {
          return void 0;
        }
        const item = this.#queue[this.#head];
        this.#head++;
        if (this.#head === this.#queue.length) {
          this.#queue.length = 0;
          this.#head = 0;
        } else if (this.#head > compactionThreshold && this.#head > this.#queue.length / 2) {
          this.#compact();
        }
        return item?.run;
      }
      filter(options) {
        const result = [];
        for (let index = this.#head; index < this.#queue.length; index++) {
          const element = this.#queue[index];
          if (element.priority === options.priority) {
            result.push(element.run);
          }
        }
        return result;
      }
      get size() {
        return this.#queue.length - this.#head;
      }
      #compact() {
        if (this.#head === 0) {
          return;
        }
        this.#queue.splice(0, this.#head);
        this.#head = 0;
      }
    };
  }
});

// node_modules/p-queue/dist/index.js
var import_eventemitter3, PQueue;
var init_dist = __esm({
  "node_modules/p-queue/dist/index.js"() {
    "use strict";
    init_cjs_shims();
    import_eventemitter3 = require("eventemitter3");
    init_p_timeout();
    init_priority_queue();
    PQueue = class extends import_eventemitter3.EventEmitter {
      #carryoverIntervalCount;
      #isIntervalIgnored;
      #intervalCount = 0;
      #intervalCap;
      #rateLimitedInInterval = false;
      #rateLimitFlushScheduled = false;
      #interval;
      /*
      Timestamp when the current interval window ends. Kept accurate at every window transition: `#initializeIntervalIfNeeded` sets it when a window starts and `#onInterval` advances it as the recurring timer rolls into each new window. This is the source of truth for whether a task added after the queue goes idle belongs to a fresh window, so it must not go stale.
      */
      #intervalEnd = 0;
      // Recurring timer that drives windows while the queue is actively processing. Absent (`undefined`) once the queue goes idle.
      #intervalId;
      // One-shot timer used while idle to resume at the next window boundary, since `#intervalId` is cleared when idle.
      #timeoutId;
      #strict;
      // Circular buffer implementation for better performance
      #strictTicks = [];
      #strictTicksStartIndex = 0;
      #queue;
      #queueClass;
      #pending = 0;
      // The `!` is needed because of https://github.com/microsoft/TypeScript/issues/32194
      #concurrency;
      #isPaused;
      // Use to assign a unique identifier to a promise function, if not explicitly specified
      #idAssigner = 1n;
      // Track currently running tasks for debugging
      #runningTasks = /* @__PURE__ */ new Map();
      #queueAbortListenerCleanupFunctions = /* @__PURE__ */ new Set();
      /**
          Get or set the default timeout for all tasks. Can be changed at runtime.
      
          Operations will throw a `TimeoutError` if they don't complete within the specified time.
      
          The timeout begins when the operation is dequeued and starts execution, not while it's waiting in the queue.
      
          @example
          ```
          const queue = new PQueue({timeout: 5000});
      
          // Change timeout for all future tasks
          queue.timeout = 10000;
          ```
          */
      timeout;
      constructor(options) {
        super();
        options = {
          carryoverIntervalCount: false,
          intervalCap: Number.POSITIVE_INFINITY,
          interval: 0,
          concurrency: Number.POSITIVE_INFINITY,
          autoStart: true,
          queueClass: PriorityQueue,
          strict: false,
          ...options
        };
        if (!(typeof options.intervalCap === "number" && options.intervalCap >= 1)) {
          throw new TypeError(`Expected \`intervalCap\` to be a number from 1 and up, got \`${options.intervalCap?.toString() ?? ""}\` (${typeof options.intervalCap})`);
        }
        if (options.interval === void 0 || !(Number.isFinite(options.interval) && options.interval >= 0)) {
          throw new TypeError(`Expected \`interval\` to be a finite number >= 0, got \`${options.interval?.toString() ?? ""}\` (${typeof options.interval})`);
        }
        if (options.strict && options.interval === 0) {
          throw new TypeError("The `strict` option requires a non-zero `interval`");
        }
        if (options.strict && options.intervalCap === Number.POSITIVE_INFINITY) {
          throw new TypeError("The `strict` option requires a finite `intervalCap`");
        }
        this.#carryoverIntervalCount = options.carryoverIntervalCount ?? options.carryoverConcurrencyCount ?? false;
        this.#isIntervalIgnored = options.intervalCap === Number.POSITIVE_INFINITY || options.interval === 0;
        this.#intervalCap = options.intervalCap;
        this.#interval = options.interval;
        this.#strict = options.strict;
        this.#queue = new options.queueClass();
        this.#queueClass = options.queueClass;
        this.concurrency = options.concurrency;
        if (options.timeout !== void 0 && !(Number.isFinite(options.timeout) && options.timeout > 0)) {
          throw new TypeError(`Expected \`timeout\` to be a positive finite number, got \`${options.timeout}\` (${typeof options.timeout})`);
        }
        this.timeout = options.timeout;
        this.#isPaused = options.autoStart === false;
        this.#setupRateLimitTracking();
      }
      #cleanupStrictTicks(now) {
        while (this.#strictTicksStartIndex < this.#strictTicks.length) {
          const oldestTick = this.#strictTicks[this.#strictTicksStartIndex];
          if (oldestTick !== void 0 && now - oldestTick >= this.#interval) {
            this.#strictTicksStartIndex++;
          } else {
            break;
          }
        }
        const shouldCompact = this.#strictTicksStartIndex > 100 && this.#strictTicksStartIndex > this.#strictTicks.length / 2 || this.#strictTicksStartIndex === this.#strictTicks.length;
        if (shouldCompact) {
          this.#strictTicks = this.#strictTicks.slice(this.#strictTicksStartIndex);
          this.#strictTicksStartIndex = 0;
        }
      }
      // Helper methods for interval consumption
      #consumeIntervalSlot(now) {
        if (this.#strict) {
          this.#strictTicks.push(now);
        } else {
          this.#intervalCount++;
        }
      }
      #rollbackIntervalSlot() {
        if (this.#strict) {
          if (this.#strictTicks.length > this.#strictTicksStartIndex) {
            this.#strictTicks.pop();
          }
        } else if (this.#intervalCount > 0) {
          this.#intervalCount--;
        }
      }
      #getActiveTicksCount() {
        return this.#strictTicks.length - this.#strictTicksStartIndex;
      }
      get #doesIntervalAllowAnother() {
        if (this.#isIntervalIgnored) {
          return true;
        }
        if (this.#strict) {
          return this.#getActiveTicksCount() < this.#intervalCap;
        }
        return this.#intervalCount < this.#intervalCap;
      }
      get #doesConcurrentAllowAnother() {
        return this.#pending < this.#concurrency;
      }
      #next() {
        this.#pending--;
        if (this.#pending === 0) {
          this.emit("pendingZero");
        }
        this.#tryToStartAnother();
        this.emit("next");
      }
      #onResumeInterval() {
        this.#timeoutId = void 0;
        this.#onInterval();
        this.#initializeIntervalIfNeeded();
      }
      #isIntervalPausedAt(now) {
        if (this.#strict) {
          this.#cleanupStrictTicks(now);
          const activeTicksCount = this.#getActiveTicksCount();
          if (activeTicksCount >= this.#intervalCap) {
            const oldestTick = this.#strictTicks[this.#strictTicksStartIndex];
            const delay = this.#interval - (now - oldestTick);
            this.#createIntervalTimeout(delay);
            return true;
          }
          return false;
        }
        if (this.#intervalId === void 0) {
          const delay = this.#intervalEnd - now;
          if (delay < 0) {
            this.#intervalCount = this.#carryoverIntervalCount ? this.#pending : 0;
          } else {
            this.#createIntervalTimeout(delay);
            return true;
          }
        }
        return false;
      }
      #createIntervalTimeout(delay) {
        if (this.#timeoutId !== void 0) {
          return;
        }
        this.#timeoutId = setTimeout(() => {
          this.#onResumeInterval();
        }, delay);
      }
      #clearIntervalTimer() {
        if (this.#intervalId) {
          clearInterval(this.#intervalId);
          this.#intervalId = void 0;
        }
      }
      #clearTimeoutTimer() {
        if (this.#timeoutId) {
          clearTimeout(this.#timeoutId);
          this.#timeoutId = void 0;
        }
      }
      #tryToStartAnother() {
        if (this.#queue.size === 0) {
          this.#clearIntervalTimer();
          this.emit("empty");
          if (this.#pending === 0) {
            this.#clearTimeoutTimer();
            if (this.#strict && this.#strictTicksStartIndex > 0) {
              const now = Date.now();
              this.#cleanupStrictTicks(now);
            }
            this.emit("idle");
          }
          return false;
        }
        let taskStarted = false;
        if (!this.#isPaused) {
          const now = Date.now();
          const canInitializeInterval = !this.#isIntervalPausedAt(now);
          if (this.#doesIntervalAllowAnother && this.#doesConcurrentAllowAnother) {
            const job = this.#queue.dequeue();
            if (!this.#isIntervalIgnored) {
              this.#consumeIntervalSlot(now);
              this.#scheduleRateLimitUpdate();
            }
            if (canInitializeInterval) {
              this.#initializeIntervalIfNeeded();
            }
            job();
            this.emit("active");
            taskStarted = true;
          }
        }
        return taskStarted;
      }
      #initializeIntervalIfNeeded() {
        if (this.#isIntervalIgnored || this.#intervalId !== void 0) {
          return;
        }
        if (this.#strict) {
          return;
        }
        this.#intervalId = setInterval(() => {
          this.#onInterval();
        }, this.#interval);
        this.#intervalEnd = Date.now() + this.#interval;
      }
      #onInterval() {
        if (!this.#strict) {
          if (this.#intervalId !== void 0) {
            if (this.#intervalCount === 0 && this.#pending === 0) {
              this.#clearIntervalTimer();
            } else {
              this.#intervalEnd = Date.now() + this.#interval;
            }
          }
          this.#intervalCount = this.#carryoverIntervalCount ? this.#pending : 0;
        }
        this.#processQueue();
        this.#scheduleRateLimitUpdate();
      }
      /**
      Executes all queued functions until it reaches the limit.
      */
      #processQueue() {
        while (this.#tryToStartAnother()) {
        }
      }
      get concurrency() {
        return this.#concurrency;
      }
      set concurrency(newConcurrency) {
        if (!(typeof newConcurrency === "number" && newConcurrency >= 1)) {
          throw new TypeError(`Expected \`concurrency\` to be a number from 1 and up, got \`${newConcurrency}\` (${typeof newConcurrency})`);
        }
        this.#concurrency = newConcurrency;
        this.#processQueue();
      }
      /**
          Updates the priority of a promise function by its id, affecting its execution order. Requires a defined concurrency limit to take effect.
      
          For example, this can be used to prioritize a promise function to run earlier.
      
          ```js
          import PQueue from 'p-queue';
      
          const queue = new PQueue({concurrency: 1});
      
          queue.add(async () => '🦄', {priority: 1});
          queue.add(async () => '🦀', {priority: 0, id: '🦀'});
          queue.add(async () => '🦄', {priority: 1});
          queue.add(async () => '🦄', {priority: 1});
      
          queue.setPriority('🦀', 2);
          ```
      
          In this case, the promise function with `id: '🦀'` runs second.
      
          You can also deprioritize a promise function to delay its execution:
      
          ```js
          import PQueue from 'p-queue';
      
          const queue = new PQueue({concurrency: 1});
      
          queue.add(async () => '🦄', {priority: 1});
          queue.add(async () => '🦀', {priority: 1, id: '🦀'});
          queue.add(async () => '🦄');
          queue.add(async () => '🦄', {priority: 0});
      
          queue.setPriority('🦀', -1);
          ```
          Here, the promise function with `id: '🦀'` executes last.
          */
      setPriority(id, priority) {
        if (typeof priority !== "number" || !Number.isFinite(priority)) {
          throw new TypeError(`Expected \`priority\` to be a finite number, got \`${priority}\` (${typeof priority})`);
        }
        this.#queue.setPriority(id, priority);
      }
      async add(function_, options = {}) {
        options = {
          timeout: this.timeout,
          ...options,
          // Assign unique ID if not provided
          id: options.id ?? (this.#idAssigner++).toString()
        };
        if (options.timeout !== void 0 && !(Number.isFinite(options.timeout) && options.timeout > 0)) {
          throw new TypeError(`Expected \`timeout\` to be a positive finite number, got \`${options.timeout}\` (${typeof options.timeout})`);
        }
        return new Promise((resolve2, reject) => {
          const taskSymbol = /* @__PURE__ */ Symbol(`task-${options.id}`);
          let cleanupQueueAbortHandler = () => void 0;
          const run = async () => {
            cleanupQueueAbortHandler();
            this.#pending++;
            this.#runningTasks.set(taskSymbol, {
              id: options.id,
              priority: options.priority ?? 0,
              // Match priority-queue default
              startTime: Date.now(),
              timeout: options.timeout
            });
            let eventListener;
            try {
              try {
                options.signal?.throwIfAborted();
              } catch (error) {
                this.#rollbackIntervalConsumption();
                this.#runningTasks.delete(taskSymbol);
                throw error;
              }
              let operation = function_({ signal: options.signal });
              if (options.timeout !== void 0) {
                operation = pTimeout(Promise.resolve(operation), {
                  milliseconds: options.timeout,
                  message: `Task timed out after ${options.timeout}ms (queue has ${this.#pending} running, ${this.#queue.size} waiting)`
                });
              }
              if (options.signal) {
                const { signal } = options;
                operation = Promise.race([operation, new Promise((_resolve, reject2) => {
                  eventListener = () => {
                    reject2(signal.reason);
                  };
                  signal.addEventListener("abort", eventListener, { once: true });
                  if (signal.aborted) {
                    eventListener();
                  }
                })]);
              }
              const result = await operation;
              resolve2(result);
              this.emit("completed", result);
            } catch (error) {
              reject(error);
              this.emit("error", error);
            } finally {
              if (eventListener) {
                options.signal?.removeEventListener("abort", eventListener);
              }
              this.#runningTasks.delete(taskSymbol);
              queueMicrotask(() => {
                this.#next();
              });
            }
          };
          this.#queue.enqueue(run, options);
          const removeQueuedTask = () => {
            if (this.#queue instanceof PriorityQueue) {
              this.#queue.remove(run);
              return;
            }
            this.#queue.remove?.(options.id);
          };
          if (options.signal) {
            const { signal } = options;
            const queueAbortHandler = () => {
              cleanupQueueAbortHandler();
              removeQueuedTask();
              reject(signal.reason);
              this.#tryToStartAnother();
              this.emit("next");
            };
            cleanupQueueAbortHandler = () => {
              signal.removeEventListener("abort", queueAbortHandler);
              this.#queueAbortListenerCleanupFunctions.delete(cleanupQueueAbortHandler);
            };
            if (signal.aborted) {
              queueAbortHandler();
              return;
            }
            signal.addEventListener("abort", queueAbortHandler, { once: true });
            this.#queueAbortListenerCleanupFunctions.add(cleanupQueueAbortHandler);
          }
          this.emit("add");
          this.#tryToStartAnother();
        });
      }
      async addAll(functions2, options) {
        return Promise.all(functions2.map(async (function_) => this.add(function_, options)));
      }
      /**
      Start (or resume) executing enqueued tasks within concurrency limit. No need to call this if queue is not paused (via `options.autoStart = false` or by `.pause()` method.)
      */
      start() {
        if (!this.#isPaused) {
          return this;
        }
        this.#isPaused = false;
        this.#processQueue();
        return this;
      }
      /**
      Put queue execution on hold.
      */
      pause() {
        this.#isPaused = true;
      }
      /**
      Clear the queue.
      */
      clear() {
        for (const cleanupQueueAbortHandler of this.#queueAbortListenerCleanupFunctions) {
          cleanupQueueAbortHandler();
        }
        this.#queue = new this.#queueClass();
        this.#clearIntervalTimer();
        this.#updateRateLimitState();
        this.emit("empty");
        if (this.#pending === 0) {
          this.#clearTimeoutTimer();
          this.emit("idle");
        }
        this.emit("next");
      }
      /**
          Can be called multiple times. Useful if you for example add additional items at a later time.
      
          @returns A promise that settles when the queue becomes empty.
          */
      async onEmpty() {
        if (this.#queue.size === 0) {
          return;
        }
        await this.#onEvent("empty");
      }
      /**
          @returns A promise that settles when the queue size is less than the given limit: `queue.size < limit`.
      
          If you want to avoid having the queue grow beyond a certain size you can `await queue.onSizeLessThan()` before adding a new item.
      
          Note that this only limits the number of items waiting to start. There could still be up to `concurrency` jobs already running that this call does not include in its calculation.
          */
      async onSizeLessThan(limit) {
        if (this.#queue.size < limit) {
          return;
        }
        await this.#onEvent(["next", "active"], () => this.#queue.size < limit);
      }
      /**
          The difference with `.onEmpty` is that `.onIdle` guarantees that all work from the queue has finished. `.onEmpty` merely signals that the queue is empty, but it could mean that some promises haven't completed yet.
      
          @returns A promise that settles when the queue becomes empty, and all promises have completed; `queue.size === 0 && queue.pending === 0`.
          */
      async onIdle() {
        if (this.#pending === 0 && this.#queue.size === 0) {
          return;
        }
        await this.#onEvent("idle");
      }
      /**
          The difference with `.onIdle` is that `.onPendingZero` only waits for currently running tasks to finish, ignoring queued tasks.
      
          @returns A promise that settles when all currently running tasks have completed; `queue.pending === 0`.
          */
      async onPendingZero() {
        if (this.#pending === 0) {
          return;
        }
        await this.#onEvent("pendingZero");
      }
      /**
      @returns A promise that settles when the queue becomes rate-limited due to intervalCap.
      */
      async onRateLimit() {
        if (this.isRateLimited) {
          return;
        }
        await this.#onEvent("rateLimit");
      }
      /**
      @returns A promise that settles when the queue is no longer rate-limited.
      */
      async onRateLimitCleared() {
        if (!this.isRateLimited) {
          return;
        }
        await this.#onEvent("rateLimitCleared");
      }
      /**
          @returns A promise that rejects when any task in the queue errors.
      
          Use with `Promise.race([queue.onError(), queue.onIdle()])` to fail fast on the first error while still resolving normally when the queue goes idle.
      
          Important: The promise returned by `add()` still rejects. You must handle each `add()` promise (for example, `.catch(() => {})`) to avoid unhandled rejections.
      
          @example
          ```
          import PQueue from 'p-queue';
      
          const queue = new PQueue({concurrency: 2});
      
          queue.add(() => fetchData(1)).catch(() => {});
          queue.add(() => fetchData(2)).catch(() => {});
          queue.add(() => fetchData(3)).catch(() => {});
      
          // Stop processing on first error
          try {
              await Promise.race([
                  queue.onError(),
                  queue.onIdle()
              ]);
          } catch (error) {
              queue.pause(); // Stop processing remaining tasks
              console.error('Queue failed:', error);
          }
          ```
          */
      // eslint-disable-next-line @typescript-eslint/promise-function-async
      onError() {
        return new Promise((_resolve, reject) => {
          const handleError = (error) => {
            this.off("error", handleError);
            reject(error);
          };
          this.on("error", handleError);
        });
      }
      async #onEvent(events, filter) {
        const eventList = Array.isArray(events) ? events : [events];
        return new Promise((resolve2) => {
          const listener = () => {
            if (filter && !filter()) {
              return;
            }
            for (const event of eventList) {
              this.off(event, listener);
            }
            resolve2();
          };
          for (const event of eventList) {
            this.on(event, listener);
          }
        });
      }
      /**
      Size of the queue, the number of queued items waiting to run.
      */
      get size() {
        return this.#queue.size;
      }
      /**
          Size of the queue, filtered by the given options.
      
          For example, this can be used to find the number of items remaining in the queue with a specific priority level.
          */
      sizeBy(options) {
        return this.#queue.filter(options).length;
      }
      /**
      Number of running items (no longer in the queue).
      */
      get pending() {
        return this.#pending;
      }
      /**
      Whether the queue is currently paused.
      */
      get isPaused() {
        return this.#isPaused;
      }
      #setupRateLimitTracking() {
        if (this.#isIntervalIgnored) {
          return;
        }
        this.on("add", () => {
          if (this.#queue.size > 0) {
            this.#scheduleRateLimitUpdate();
          }
        });
        this.on("next", () => {
          this.#scheduleRateLimitUpdate();
        });
      }
      #scheduleRateLimitUpdate() {
        if (this.#isIntervalIgnored || this.#rateLimitFlushScheduled) {
          return;
        }
        this.#rateLimitFlushScheduled = true;
        queueMicrotask(() => {
          this.#rateLimitFlushScheduled = false;
          this.#updateRateLimitState();
        });
      }
      #rollbackIntervalConsumption() {
        if (this.#isIntervalIgnored) {
          return;
        }
        this.#rollbackIntervalSlot();
        this.#scheduleRateLimitUpdate();
      }
      #updateRateLimitState() {
        const previous = this.#rateLimitedInInterval;
        if (this.#isIntervalIgnored || this.#queue.size === 0) {
          if (previous) {
            this.#rateLimitedInInterval = false;
            this.emit("rateLimitCleared");
          }
          return;
        }
        let count;
        if (this.#strict) {
          const now = Date.now();
          this.#cleanupStrictTicks(now);
          count = this.#getActiveTicksCount();
        } else {
          count = this.#intervalCount;
        }
        const shouldBeRateLimited = count >= this.#intervalCap;
        if (shouldBeRateLimited !== previous) {
          this.#rateLimitedInInterval = shouldBeRateLimited;
          this.emit(shouldBeRateLimited ? "rateLimit" : "rateLimitCleared");
        }
      }
      /**
      Whether the queue is currently rate-limited due to intervalCap.
      */
      get isRateLimited() {
        return this.#rateLimitedInInterval;
      }
      /**
          Whether the queue is saturated. Returns `true` when:
          - All concurrency slots are occupied and tasks are waiting, OR
          - The queue is rate-limited and tasks are waiting
      
          Useful for detecting backpressure and potential hanging tasks.
      
          ```js
          import PQueue from 'p-queue';
      
          const queue = new PQueue({concurrency: 2});
      
          // Backpressure handling
          if (queue.isSaturated) {
              console.log('Queue is saturated, waiting for capacity...');
              await queue.onSizeLessThan(queue.concurrency);
          }
      
          // Monitoring for stuck tasks
          setInterval(() => {
              if (queue.isSaturated) {
                  console.warn(`Queue saturated: ${queue.pending} running, ${queue.size} waiting`);
              }
          }, 60000);
          ```
          */
      get isSaturated() {
        return this.#pending === this.#concurrency && this.#queue.size > 0 || this.isRateLimited && this.#queue.size > 0;
      }
      /**
          The tasks currently being executed. Each task includes its `id`, `priority`, `startTime`, `timeout` (if set), and `timeoutRemaining` (milliseconds until the task times out, or `undefined` if no timeout is set).
      
          Returns an array of task info objects.
      
          ```js
          import PQueue from 'p-queue';
      
          const queue = new PQueue({concurrency: 2, timeout: 10000});
      
          // Add tasks with IDs for better debugging
          queue.add(() => fetchUser(123), {id: 'user-123'});
          queue.add(() => fetchPosts(456), {id: 'posts-456', priority: 1});
      
          // Check what's running
          console.log(queue.runningTasks);
          // => [{
          //   id: 'user-123',
          //   priority: 0,
          //   startTime: 1759253001716,
          //   timeout: 10000,
          //   timeoutRemaining: 9700
          // }, {
          //   id: 'posts-456',
          //   priority: 1,
          //   startTime: 1759253001916,
          //   timeout: 10000,
          //   timeoutRemaining: 9900
          // }]
          ```
          */
      get runningTasks() {
        return [...this.#runningTasks.values()].map((task) => ({
          ...task,
          timeoutRemaining: task.timeout ? Math.max(0, task.startTime + task.timeout - Date.now()) : void 0
        }));
      }
    };
  }
});

// src/core/direct-calls.ts
function isThenable2(value) {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof value.then === "function";
}
var DirectCall, DirectCalls;
var init_direct_calls = __esm({
  "src/core/direct-calls.ts"() {
    "use strict";
    init_cjs_shims();
    init_errors();
    DirectCall = class {
      constructor(id, label, queuedAt, startedAt) {
        this.id = id;
        this.label = label;
        this.queuedAt = queuedAt;
        this.startedAt = startedAt;
        this.promise = new Promise((resolve2, reject) => {
          this.resolve = resolve2;
          this.reject = reject;
        });
      }
      id;
      label;
      queuedAt;
      startedAt;
      promise;
      resolve;
      reject;
    };
    DirectCalls = class {
      #backend;
      #counters;
      #events;
      #afterSettle;
      /** Calls whose promise is pending: destroy() settles them. */
      #pending = /* @__PURE__ */ new Set();
      #destroyed = false;
      constructor(backend, counters, events, afterSettle) {
        this.#backend = backend;
        this.#counters = counters;
        this.#events = events;
        this.#afterSettle = afterSettle;
      }
      submit(queue, task, input, label, priority) {
        this.#counters.tally.submitted++;
        if (queue.size === 0 && queue.pending < queue.concurrency && !queue.isPaused) return this.#startNow(queue, task, input, label);
        const queuedAt = performance.now();
        const run = () => this.#run(task, input, label, queuedAt);
        return priority === void 0 ? queue.add(run) : queue.add(run, { priority });
      }
      /** Running calls end now with ExecutorClosedError; queued ones do when p-queue reaches them. */
      destroy() {
        this.#destroyed = true;
        for (const call of [...this.#pending]) {
          this.#settle(call, false, new ExecutorClosedError("The executor was destroyed while the task ran"), true);
        }
      }
      /**
       * A call nobody waits before: run here, without p-queue's per-call objects
       * (its promise, closures, options copy and id: about half of what a tiny
       * call costs). A call that returns a plain value or throws is over before
       * `run` returns, slot and all. One that returns a promise holds a p-queue
       * slot until it settles (`queue.add` of its settlement), so p-queue still
       * counts every call in flight and starts no more than `concurrency`.
       */
      #startNow(queue, task, input, label) {
        const counters = this.#counters;
        const id = counters.nextId++;
        counters.running++;
        const startedAt = performance.now();
        if (this.#events.listenerCount("taskStart") > 0) this.#events.emit("taskStart", { id, task: label, backend: this.#backend.kind });
        let result;
        try {
          result = this.#backend.runNow(task, input, label, id);
        } catch (error) {
          this.#finish(id, label, startedAt, startedAt, false, error, false);
          return Promise.reject(error);
        }
        if (!isThenable2(result)) {
          this.#finish(id, label, startedAt, startedAt, true, result, false);
          return Promise.resolve(result);
        }
        const call = new DirectCall(id, label, startedAt, startedAt);
        this.#pending.add(call);
        const settled = result.then(
          (value) => this.#settle(call, true, value, false),
          (error) => this.#settle(call, false, error, false)
        );
        void queue.add(() => settled);
        return call.promise;
      }
      #run(task, input, label, queuedAt) {
        const counters = this.#counters;
        const id = counters.nextId++;
        if (this.#destroyed) {
          const error = new ExecutorClosedError("The executor was destroyed before the task started");
          counters.tally.cancelled++;
          this.#events.emit("taskError", { id, task: label, backend: this.#backend.kind, error });
          this.#afterSettle();
          throw error;
        }
        counters.running++;
        const startedAt = performance.now();
        if (this.#events.listenerCount("taskStart") > 0) this.#events.emit("taskStart", { id, task: label, backend: this.#backend.kind });
        let result;
        try {
          result = this.#backend.runNow(task, input, label, id);
        } catch (error) {
          this.#finish(id, label, queuedAt, startedAt, false, error, false);
          throw error;
        }
        if (!isThenable2(result)) {
          this.#finish(id, label, queuedAt, startedAt, true, result, false);
          return result;
        }
        const call = new DirectCall(id, label, queuedAt, startedAt);
        this.#pending.add(call);
        result.then(
          (value) => this.#settle(call, true, value, false),
          (error) => this.#settle(call, false, error, false)
        );
        return call.promise;
      }
      #settle(call, ok, outcome, cancelled) {
        if (!this.#pending.delete(call)) return;
        this.#finish(call.id, call.label, call.queuedAt, call.startedAt, ok, outcome, cancelled);
        if (ok) call.resolve(outcome);
        else call.reject(outcome);
      }
      /** Counts a started call's end and emits its event, before the caller's promise settles. */
      #finish(id, label, queuedAt, startedAt, ok, outcome, cancelled) {
        const counters = this.#counters;
        const runMs = performance.now() - startedAt;
        counters.running--;
        counters.tally.timed(startedAt - queuedAt, runMs);
        const backend = this.#backend.kind;
        if (ok) {
          counters.tally.completed++;
          if (this.#events.listenerCount("taskEnd") > 0) this.#events.emit("taskEnd", { id, task: label, backend, waitMs: startedAt - queuedAt, runMs });
        } else {
          if (cancelled) counters.tally.cancelled++;
          else counters.tally.failed++;
          this.#events.emit("taskError", { id, task: label, backend, error: outcome });
        }
        this.#afterSettle();
      }
    };
  }
});

// src/core/job.ts
var ATTEMPT, Job;
var init_job = __esm({
  "src/core/job.ts"() {
    "use strict";
    init_cjs_shims();
    init_task_signal();
    ATTEMPT = /* @__PURE__ */ Symbol.for("unified-executor.attempt");
    Job = class extends TaskSignal {
      constructor(owner, id, task, input, batch, transfer, label, userSignal, timeout, queuedAt, options) {
        super();
        this.owner = owner;
        this.id = id;
        this.task = task;
        this.input = input;
        this.batch = batch;
        this.transfer = transfer;
        this.label = label;
        this.userSignal = userSignal;
        this.timeout = timeout;
        this.queuedAt = queuedAt;
        this.options = options;
      }
      owner;
      id;
      task;
      input;
      batch;
      transfer;
      label;
      userSignal;
      timeout;
      queuedAt;
      options;
      /** It left the executor's queue for the backend (a pool may hold it ahead of a worker's current call). */
      dispatched = false;
      /** A worker (or the event loop) began running it: its timeout counts from here. */
      started = false;
      startedAt = 0;
      timer = void 0;
      /** Which run this is: 1, then 2 on the first retry (TaskCall; the task context's `attempt`). */
      attempt = 1;
      /** It holds a rate-limit token not yet paid for by a start. */
      token = false;
      /** It waits out its retry delay. */
      retryTimer = void 0;
      /** Its caller's promise has settled: progress is dropped from now on. */
      done = false;
      resolve;
      reject;
      /** The caller's signal aborted: abort this task with its reason (an object follower, not a closure per call). */
      handleEvent() {
        this.abort(this.userSignal.reason);
      }
      /** The backend says a worker started this call (calls sent ahead start after they are sent). */
      markStarted(startedAt) {
        if (!this.started) this.owner.jobStarted(this, startedAt);
        else if (startedAt !== void 0 && startedAt < this.startedAt) this.startedAt = Math.max(this.queuedAt, startedAt);
      }
      /** A backend that retries by itself ran this call again (distributed: BullMQ's attempts). */
      retried(attempt, error, delayMs) {
        this.owner.jobRetried(this, attempt, error, delayMs);
      }
      /** The backend passes on what a worker measured of this call (a sample of calls only). */
      measured(sample) {
        this.owner.jobMeasured(this, sample);
      }
      /** A value from `ctx.progress()`: to the caller while the call is not settled (TaskCall). */
      progress(value, item) {
        if (!this.done) this.owner.jobProgress(this, value, item);
      }
      /** The promise `run` returns; settled through `resolve`/`reject`. */
      settlement() {
        return new Promise((resolve2, reject) => {
          this.resolve = resolve2;
          this.reject = reject;
        });
      }
    };
  }
});

// src/policy/rules.ts
function describeProfile(p) {
  const how = p.kind === "cpu" ? `CPU ${pct(p.cpuShare)} of a ${ms(p.runMs)} median run` : p.kind === "blocking-io" ? `it holds its thread most of a ${ms(p.runMs)} median run, CPU ${pct(p.cpuShare)}` : `its event loop is free most of a ${ms(p.runMs)} median run, CPU ${pct(p.cpuShare)}`;
  return `measured ${p.kind} (${how}, ${p.runs} calls)`;
}
function validatePolicy(policy = {}) {
  for (const key of Object.keys(policy)) {
    if (key !== "manyThreshold" && key !== "backends" && key !== "adapt") {
      throw new TypeError(`Unknown policy option \`${key}\` (expected \`manyThreshold\`, \`backends\` or \`adapt\`)`);
    }
  }
  if (policy.adapt !== void 0 && typeof policy.adapt !== "boolean") {
    throw new TypeError(`Expected policy \`adapt\` to be a boolean, got \`${String(policy.adapt)}\` (${typeof policy.adapt})`);
  }
  const threshold = policy.manyThreshold ?? 500;
  if (typeof threshold !== "number" || !Number.isFinite(threshold) || threshold < 0) {
    throw new TypeError(
      `Expected policy \`manyThreshold\` to be a number from 0 and up, got \`${String(threshold)}\` (${typeof threshold})`
    );
  }
  for (const [rule, backend] of Object.entries(policy.backends ?? {})) {
    if (!ruleIds.has(rule)) {
      throw new TypeError(`Unknown policy rule \`${rule}\` in \`backends\` (expected one of ${[...ruleIds].join(", ")})`);
    }
    if (!backendNames.has(backend)) {
      throw new TypeError(
        `Expected policy \`backends.${rule}\` to be 'process', 'thread' or 'async', got \`${String(backend)}\``
      );
    }
  }
  return threshold;
}
function selectBackend(traits = {}, policy = {}) {
  const threshold = validatePolicy(policy);
  const rule = RULES.find((r) => r.when(traits, threshold));
  const backend = policy.backends?.[rule.id] ?? rule.backend;
  return { backend, rule: rule.id, reason: rule.reason(traits, threshold, backend) };
}
function measurementVeto(declared, profile, portable, policy) {
  if (!portable) return "a plain function can only run on the async loop";
  if (declared.rule === "io-sync") return `rule io-sync is a requirement (${declared.reason.split(":")[0]}), not a guess`;
  const runs = profile?.runs ?? 0;
  if (profile === void 0 || runs < MEASURED_AFTER_RUNS) return `${runs} of ${MEASURED_AFTER_RUNS} calls measured so far`;
  const rule = MEASURED_RULES[profile.kind];
  const backend = policy.backends?.[rule.id] ?? rule.backend;
  if (backend !== "async" && profile.runMs < MIN_POOL_RUN_MS) {
    return `measured ${profile.kind} over ${runs} calls, but a ${ms(profile.runMs)} call is too short to gain from a pool`;
  }
  return void 0;
}
function measuredDecision(declared, profile, portable, policy = {}) {
  if (profile === void 0 || measurementVeto(declared, profile, portable, policy) !== void 0) return void 0;
  const rule = MEASURED_RULES[profile.kind];
  const backend = policy.backends?.[rule.id] ?? rule.backend;
  return { backend, rule: rule.id, reason: `${describeProfile(profile)}: ${rule.why} ${arrow(backend)}`, measured: profile };
}
function adaptedDecision(declared, profile, portable, policy = {}) {
  const before = `Declared traits chose ${declared.backend} by rule ${declared.rule} (${declared.reason})`;
  const veto = measurementVeto(declared, profile, portable, policy);
  if (veto !== void 0 || profile === void 0) {
    return { ...declared, reason: `${before}; ${veto}, so rule ${declared.rule} stays in force.` };
  }
  const measured = measuredDecision(declared, profile, portable, policy);
  const verdict = measured.backend === declared.backend ? `which agrees: it stays on ${declared.backend}, by rule ${measured.rule}` : `so rule ${measured.rule} now routes it to ${measured.backend} instead`;
  return { ...measured, reason: `${before}; then ${measured.reason}, ${verdict}.` };
}
var arrow, RULES, MEASURED_AFTER_RUNS, MIN_POOL_RUN_MS, pct, ms, MEASURED_RULES, ruleIds, backendNames;
var init_rules = __esm({
  "src/policy/rules.ts"() {
    "use strict";
    init_cjs_shims();
    init_traits();
    arrow = (backend) => `-> ${backend === "process" ? "processes" : backend === "thread" ? "threads" : "the async loop"}`;
    RULES = [
      {
        id: "cpu-bound",
        backend: "process",
        when: (t) => t.cpuBound === true,
        reason: (t, _n, b) => `cpuBound${t.ioBound ? " (wins over ioBound)" : ""}: "Use [multiple processes] for independent CPU bound tasks" ${arrow(b)}`
      },
      {
        id: "io-sync",
        backend: "async",
        when: (t) => t.ioBound === true && (t.needsSync === true || t.lifecycleControl === true),
        reason: (t, _n, b) => `ioBound with ${t.needsSync ? "needsSync" : "lifecycleControl"}: ${t.needsSync ? '"when some non-trivial synchronization between tasks is needed"' : '"when you need fine grain control over the lifecycle of your executor"'} ${arrow(b)}`
      },
      {
        id: "io-many",
        backend: "async",
        when: (t, n) => t.ioBound === true && t.expectedCount !== void 0 && t.expectedCount > n,
        reason: (t, n, b) => `ioBound with expectedCount ${t.expectedCount} > ${n}: "when you run many tasks concurrently" ${arrow(b)}`
      },
      {
        id: "io-few",
        backend: "thread",
        when: (t, n) => t.ioBound === true && t.expectedCount !== void 0 && t.expectedCount <= n,
        reason: (t, n, b) => `ioBound with expectedCount ${t.expectedCount} <= ${n}: "a few independent I/O bound tasks" ${arrow(b)}`
      },
      {
        id: "io-unknown",
        backend: "async",
        when: (t) => t.ioBound === true,
        reason: (_t, _n, b) => `ioBound with no expectedCount: the async loop has "virtually no memory and time overhead" per task, so it is safe for any count ${arrow(b)}`
      },
      {
        id: "no-traits",
        backend: "async",
        when: () => true,
        reason: (_t, _n, b) => `no cpuBound or ioBound declared: run in-process, where nothing needs to be portable ${arrow(b)}`
      }
    ];
    MEASURED_AFTER_RUNS = 5;
    MIN_POOL_RUN_MS = 1;
    pct = (share2) => Number.isNaN(share2) ? "unknown" : `${Math.round(share2 * 100)}%`;
    ms = (value) => `${value < 10 ? value.toPrecision(2) : Math.round(value)} ms`;
    MEASURED_RULES = {
      cpu: { id: "measured-cpu", backend: "process", why: '"Use [multiple processes] for independent CPU bound tasks"' },
      "blocking-io": {
        id: "measured-blocking",
        backend: "thread",
        why: "a blocked event loop runs such calls one at a time, threads wait in parallel"
      },
      "waiting-io": { id: "measured-waiting", backend: "async", why: '"virtually no memory and time overhead to switch between tasks"' }
    };
    ruleIds = /* @__PURE__ */ new Set([...RULES.map((r) => r.id), ...Object.values(MEASURED_RULES).map((r) => r.id)]);
    backendNames = /* @__PURE__ */ new Set(["process", "thread", "async"]);
  }
});

// src/core/retry-policy.ts
function defaultRetryDelay(attempt) {
  return Math.random() * Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (attempt - 1));
}
function describe(value) {
  return `\`${typeof value === "string" ? value : String(value)}\` (${value === null ? "null" : typeof value})`;
}
function retryOptionsProblem(options, where) {
  const { retries, retryDelay, retryOn } = options;
  if (retries !== void 0 && !(typeof retries === "number" && Number.isInteger(retries) && retries >= 0)) {
    return new TypeError(`Expected \`retries\`${where} to be an integer from 0 and up, got ${describe(retries)}`);
  }
  if (retryDelay !== void 0 && typeof retryDelay !== "function" && !(typeof retryDelay === "number" && retryDelay >= 0 && Number.isFinite(retryDelay))) {
    return new TypeError(
      `Expected \`retryDelay\`${where} to be a number of ms from 0 and up or a function (attempt, error) => ms, got ${describe(retryDelay)}`
    );
  }
  if (retryOn !== void 0 && typeof retryOn !== "function") {
    return new TypeError(`Expected \`retryOn\`${where} to be a function (error, attempt) => boolean, got ${describe(retryOn)}`);
  }
  return void 0;
}
function retriesOf(run, executor) {
  return run.retries ?? executor.retries ?? 0;
}
function retryDecision(run, executor, attempt, error, label) {
  const retryOn = run.retryOn ?? executor.retryOn;
  const retryDelay = run.retryDelay ?? executor.retryDelay;
  try {
    if (retryOn !== void 0 && !retryOn(error, attempt)) return { final: error };
    if (retryDelay === void 0) return defaultRetryDelay(attempt);
    if (typeof retryDelay === "number") return retryDelay;
    const delay = retryDelay(attempt, error);
    if (typeof delay === "number" && delay >= 0 && Number.isFinite(delay)) return delay;
    return {
      final: new TypeError(`Expected \`retryDelay\` of task ${label} to return a number of ms from 0 and up, got ${describe(delay)}`, {
        cause: error
      })
    };
  } catch (thrown) {
    return { final: thrown };
  }
}
var RETRY_BASE_MS, RETRY_CAP_MS;
var init_retry_policy = __esm({
  "src/core/retry-policy.ts"() {
    "use strict";
    init_cjs_shims();
    RETRY_BASE_MS = 100;
    RETRY_CAP_MS = 3e4;
  }
});

// src/options.ts
function describe2(value) {
  return `\`${typeof value === "string" ? value : String(value)}\` (${typeof value})`;
}
function checkCount(name2, value, min, allowInfinity = false) {
  if (value === void 0) return;
  const ok = typeof value === "number" && value >= min && (Number.isInteger(value) || allowInfinity && value === Number.POSITIVE_INFINITY);
  if (!ok) {
    const ErrorClass = typeof value === "number" ? RangeError : TypeError;
    throw new ErrorClass(`Expected \`${name2}\` to be an integer from ${min} and up, got ${describe2(value)}`);
  }
}
function validateOptions(options) {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`Expected executor options to be an object, got ${describe2(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new TypeError(`Unknown executor option \`${key}\``);
  }
  if (options.backend !== void 0 && !BACKENDS.has(options.backend)) {
    throw new TypeError(
      `Expected \`backend\` to be 'auto', 'process', 'thread', 'async' or 'distributed', got ${describe2(options.backend)}`
    );
  }
  validateTraits(options.traits, { option: "traits" });
  if (options.policy !== void 0) validatePolicy(options.policy);
  checkCount("maxWorkers", options.maxWorkers, 1);
  checkCount("minWorkers", options.minWorkers, 0);
  checkCount("concurrency", options.concurrency, 1);
  checkCount("concurrentTasksPerWorker", options.concurrentTasksPerWorker, 1);
  checkCount("maxQueue", options.maxQueue, 0, true);
  checkCount("idleTimeout", options.idleTimeout, 0, true);
  checkCount("maxTasksPerWorker", options.maxTasksPerWorker, 1, true);
  checkCount("taskTimeout", options.taskTimeout, 1);
  checkCount("blockWarningMs", options.blockWarningMs, 1);
  checkCount("abortGraceMs", options.abortGraceMs, 0);
  checkCount("reconnectTimeout", options.reconnectTimeout, 1);
  if (options.minWorkers !== void 0 && options.maxWorkers !== void 0 && options.minWorkers > options.maxWorkers) {
    throw new RangeError(
      `Expected \`minWorkers\` (${options.minWorkers}) to be at most \`maxWorkers\` (${options.maxWorkers})`
    );
  }
  if (options.resourceLimits !== void 0) {
    if (typeof options.resourceLimits !== "object" || options.resourceLimits === null) {
      throw new TypeError(`Expected \`resourceLimits\` to be an object, got ${describe2(options.resourceLimits)}`);
    }
    for (const key of Object.keys(options.resourceLimits)) {
      if (key !== "maxOldGenerationSizeMb") throw new TypeError(`Unknown option \`resourceLimits.${key}\``);
    }
    checkCount("resourceLimits.maxOldGenerationSizeMb", options.resourceLimits.maxOldGenerationSizeMb, 1);
    checkHeapLimitSupported(options.backend, options.resourceLimits.maxOldGenerationSizeMb);
  }
  if (options.execArgv !== void 0 && !(Array.isArray(options.execArgv) && options.execArgv.every((a) => typeof a === "string"))) {
    throw new TypeError(`Expected \`execArgv\` to be an array of strings, got ${describe2(options.execArgv)}`);
  }
  if (options.execArgv !== void 0) checkExecArgv(options.execArgv, options.backend === "thread" ? "thread" : "process");
  if (options.env !== void 0 && (typeof options.env !== "object" || options.env === null)) {
    throw new TypeError(`Expected \`env\` to be an object, got ${describe2(options.env)}`);
  }
  validateDistributedOptions(options);
  validatePacing(options);
}
function validateRateLimit(rateLimit) {
  if (typeof rateLimit !== "object" || rateLimit === null) {
    throw new TypeError(`Expected \`rateLimit\` to be an object { limit, intervalMs }, got ${describe2(rateLimit)}`);
  }
  for (const key of Object.keys(rateLimit)) {
    if (key !== "limit" && key !== "intervalMs") throw new TypeError(`Unknown option \`rateLimit.${key}\` (expected limit and intervalMs)`);
  }
  const { limit, intervalMs } = rateLimit;
  if (limit === void 0 || intervalMs === void 0) {
    throw new TypeError(`Expected \`rateLimit\` to have both \`limit\` and \`intervalMs\`, got ${JSON.stringify(rateLimit)}`);
  }
  checkCount("rateLimit.limit", limit, 1);
  checkCount("rateLimit.intervalMs", intervalMs, 1);
}
function validatePacing(options) {
  const retryProblem = retryOptionsProblem(options, "");
  if (retryProblem) throw retryProblem;
  if (options.backend === "distributed" && (options.retryOn !== void 0 || typeof options.retryDelay === "function")) {
    throw new TypeError(
      `${options.retryOn !== void 0 ? "`retryOn`" : "`retryDelay` as a function"} cannot travel to the workers of a distributed executor (BullMQ runs the retries there): give retryDelay in ms, and decide in the task which errors to throw`
    );
  }
  const { rateLimit } = options;
  if (rateLimit === void 0) return;
  validateRateLimit(rateLimit);
  if (options.backend === "distributed") {
    throw new TypeError(
      "`rateLimit` cannot be set on a distributed executor: the limit must hold across every machine, so it belongs to the workers: createWorker({ rateLimit }) or `unified-executor worker --rate-limit N/ms` (BullMQ's own limiter)"
    );
  }
}
function validateDistributedOptions(options) {
  const { queue, root } = options;
  if (queue !== void 0 && (typeof queue !== "string" || !/^[^:]+$/.test(queue))) {
    throw new TypeError(`Expected \`queue\` to be a non-empty name without ':', got ${describe2(queue)}`);
  }
  if (root !== void 0 && typeof root !== "string" && !(root instanceof URL)) {
    throw new TypeError(`Expected \`root\` to be an absolute path or a file: URL, got ${describe2(root)}`);
  }
  const backend = options.backend ?? "auto";
  if (backend === "distributed") return;
  const given = DISTRIBUTED_ONLY.find((key) => options[key] !== void 0);
  if (given) {
    throw new TypeError(
      `\`${given}\` is an option of backend: 'distributed', but this executor's backend is '${backend}': set backend: 'distributed' to run tasks on a queue (the policy never picks it by itself)`
    );
  }
}
function validateTimeout(value, where) {
  if (value === void 0) return;
  if (typeof value !== "number" || !(value > 0) || Number.isNaN(value)) {
    throw new TypeError(`Expected \`timeout\` of ${where} to be a number above 0, got ${describe2(value)}`);
  }
}
var KNOWN, BACKENDS, DISTRIBUTED_ONLY;
var init_options = __esm({
  "src/options.ts"() {
    "use strict";
    init_cjs_shims();
    init_rules();
    init_runtime();
    init_retry_policy();
    init_worker_flags();
    KNOWN = /* @__PURE__ */ new Set([
      "backend",
      "traits",
      "policy",
      "maxWorkers",
      "minWorkers",
      "concurrency",
      "concurrentTasksPerWorker",
      "maxQueue",
      "idleTimeout",
      "maxTasksPerWorker",
      "taskTimeout",
      "resourceLimits",
      "env",
      "execArgv",
      "blockWarningMs",
      "connection",
      "queue",
      "root",
      "reconnectTimeout",
      "abortGraceMs",
      "rateLimit",
      "retries",
      "retryDelay",
      "retryOn"
    ]);
    BACKENDS = /* @__PURE__ */ new Set(["auto", "process", "thread", "async", "distributed"]);
    DISTRIBUTED_ONLY = ["connection", "queue", "root", "reconnectTimeout"];
  }
});

// src/core/run-options.ts
function describe3(value) {
  return `\`${typeof value === "string" ? value : String(value)}\` (${value === null ? "null" : typeof value})`;
}
function isAbortSignalLike(value) {
  return typeof value === "object" && value !== null && typeof value.aborted === "boolean" && typeof value.addEventListener === "function" && typeof value.removeEventListener === "function";
}
function checkTimer(name2, value, where) {
  if (value === void 0 || value === Number.POSITIVE_INFINITY || !(value > MAX_TIMER_MS)) return void 0;
  return new RangeError(
    `Expected \`${name2}\`${where} to be at most ${MAX_TIMER_MS} ms (Node's longest timer) or Infinity, got ${describe3(value)}`
  );
}
function checkTimerOptions(options) {
  const error = checkTimer("taskTimeout", options.taskTimeout, "") ?? checkTimer("idleTimeout", options.idleTimeout, "") ?? checkTimer("abortGraceMs", options.abortGraceMs, "");
  if (error) throw error;
}
function notATaskProblem(task) {
  if (isTask(task) || typeof task === "function") return void 0;
  return new TypeError(`Expected a task from defineTask(module, exportName) or a function, got ${describe3(task)}`);
}
function runOptionsProblem(options, label) {
  if (options === void 0) return void 0;
  if (typeof options !== "object" || options === null) {
    return new TypeError(`Expected the options of task ${label} to be an object, got ${describe3(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!RUN_OPTIONS.has(key)) {
      return new TypeError(`Unknown option \`${key}\` of task ${label} (expected ${[...RUN_OPTIONS].join(", ")})`);
    }
  }
  const { timeout, priority, signal, transfer, onProgress } = options;
  try {
    validateTimeout(timeout, `task ${label}`);
  } catch (error) {
    return error;
  }
  const tooLong = checkTimer("timeout", timeout, ` of task ${label}`);
  if (tooLong) return tooLong;
  if (priority !== void 0 && (typeof priority !== "number" || Number.isNaN(priority))) {
    return new TypeError(`Expected \`priority\` of task ${label} to be a number, got ${describe3(priority)}`);
  }
  if (signal !== void 0 && !isAbortSignalLike(signal)) {
    return new TypeError(`Expected \`signal\` of task ${label} to be an AbortSignal, got ${describe3(signal)}`);
  }
  if (transfer !== void 0 && !Array.isArray(transfer)) {
    return new TypeError(`Expected \`transfer\` of task ${label} to be an array of transferable objects, got ${describe3(transfer)}`);
  }
  if (onProgress !== void 0 && typeof onProgress !== "function") {
    return new TypeError(`Expected \`onProgress\` of task ${label} to be a function, got ${describe3(onProgress)}`);
  }
  return retryOptionsProblem(options, ` of task ${label}`);
}
function isIterableInput(value) {
  return value !== null && (typeof value === "object" || typeof value === "string") && (typeof value[Symbol.iterator] === "function" || typeof value[Symbol.asyncIterator] === "function");
}
function mapInputProblem(inputs, options, label) {
  if (!isIterableInput(inputs)) {
    return new TypeError(`Expected the inputs of map(${label}) to be an iterable or async iterable, got ${describe3(inputs)}`);
  }
  if (options === void 0) return void 0;
  if (typeof options !== "object" || options === null) {
    return new TypeError(`Expected the options of map(${label}) to be an object, got ${describe3(options)}`);
  }
  const { ordered, signal, onProgress } = options;
  if (onProgress !== void 0 && typeof onProgress !== "function") {
    return new TypeError(`Expected \`onProgress\` of map(${label}) to be a function, got ${describe3(onProgress)}`);
  }
  if (ordered !== void 0 && typeof ordered !== "boolean") {
    return new TypeError(`Expected \`ordered\` of map(${label}) to be a boolean, got ${describe3(ordered)}`);
  }
  if (signal !== void 0 && !isAbortSignalLike(signal)) {
    return new TypeError(`Expected \`signal\` of map(${label}) to be an AbortSignal, got ${describe3(signal)}`);
  }
  return void 0;
}
var MAX_TIMER_MS, RUN_OPTIONS;
var init_run_options = __esm({
  "src/core/run-options.ts"() {
    "use strict";
    init_cjs_shims();
    init_options();
    init_task();
    init_retry_policy();
    MAX_TIMER_MS = 2 ** 31 - 1;
    RUN_OPTIONS = /* @__PURE__ */ new Set(["signal", "timeout", "priority", "transfer", "retries", "retryDelay", "retryOn", "onProgress"]);
  }
});

// src/core/shared-signal.ts
function follow(signal, follower) {
  if (signal.aborted) {
    follower.handleEvent();
    return;
  }
  let group = groups.get(signal);
  if (group === void 0) {
    group = new FollowerGroup(signal);
    groups.set(signal, group);
    signal.addEventListener("abort", group, { once: true });
  }
  group.followers.add(follower);
}
function unfollow(signal, follower) {
  const group = groups.get(signal);
  if (group === void 0 || !group.followers.delete(follower)) return;
  if (group.followers.size === 0) {
    groups.delete(signal);
    signal.removeEventListener("abort", group);
  }
}
var FollowerGroup, groups;
var init_shared_signal = __esm({
  "src/core/shared-signal.ts"() {
    "use strict";
    init_cjs_shims();
    FollowerGroup = class {
      constructor(signal) {
        this.signal = signal;
      }
      signal;
      followers = /* @__PURE__ */ new Set();
      handleEvent() {
        groups.delete(this.signal);
        for (const follower of [...this.followers]) follower.handleEvent();
        this.followers.clear();
      }
    };
    groups = /* @__PURE__ */ new WeakMap();
  }
});

// src/core/map.ts
async function* mapTasks(runner, inputs, options) {
  const bad = mapInputProblem(inputs, options, runner.label);
  if (bad) throw bad;
  const ordered = options.ordered ?? true;
  const window = options.concurrency ?? runner.concurrency;
  if (!Number.isInteger(window) || window < 1) {
    throw new TypeError(`Expected \`concurrency\` of map(${runner.label}) to be an integer from 1 and up, got \`${String(window)}\``);
  }
  const requested = options.chunkSize ?? 1;
  if (requested !== "auto" && !(Number.isInteger(requested) && requested >= 1)) {
    throw new TypeError(`Expected \`chunkSize\` of map(${runner.label}) to be an integer from 1 and up or 'auto', got \`${String(requested)}\``);
  }
  const refused = runner.check();
  if (refused) throw refused;
  const controller = new AbortController();
  (0, import_node_events.setMaxListeners)(0, controller.signal);
  const userSignal = options.signal;
  const onAbort = { handleEvent: () => controller.abort(userSignal.reason) };
  if (userSignal?.aborted) throw userSignal.reason;
  if (userSignal) follow(userSignal, onAbort);
  const iterator = Symbol.asyncIterator in inputs ? inputs[Symbol.asyncIterator]() : inputs[Symbol.iterator]();
  let exhausted = false;
  let chunkSize = requested === "auto" ? AUTO_MIN : requested;
  const adaptive = requested === "auto";
  const inFlight = [];
  let pulled = 0;
  let nextIndex = 0;
  const start = (chunk) => {
    const began = performance.now();
    const first = nextIndex;
    nextIndex += chunk.length;
    const promise = chunk.length === 1 && chunkSize === 1 ? runner.runOne(chunk[0], controller.signal, first).then((v) => [v]) : runner.runChunk(chunk, controller.signal, first);
    const entry = {
      size: chunk.length,
      done: false,
      outcome: promise.then(
        (values) => {
          entry.done = true;
          if (adaptive) chunkSize = nextAutoChunk(chunkSize, performance.now() - began);
          return { ok: true, values };
        },
        (error) => {
          entry.done = true;
          return { ok: false, error };
        }
      )
    };
    inFlight.push(entry);
    pulled += chunk.length;
  };
  try {
    while (true) {
      while (!exhausted && pulled < window && !controller.signal.aborted) {
        const chunk = [];
        while (chunk.length < chunkSize) {
          const next = await iterator.next();
          if (next.done) {
            exhausted = true;
            break;
          }
          chunk.push(next.value);
        }
        if (chunk.length > 0) start(chunk);
      }
      if (controller.signal.aborted) throw controller.signal.reason;
      if (inFlight.length === 0) return;
      let entry;
      let outcome;
      if (ordered) {
        entry = inFlight[0];
        outcome = await entry.outcome;
      } else {
        [entry, outcome] = await Promise.race(inFlight.map((e) => e.outcome.then((o) => [e, o])));
      }
      inFlight.splice(inFlight.indexOf(entry), 1);
      if (!outcome.ok) throw outcome.error;
      pulled -= entry.size;
      for (const value of outcome.values) yield value;
    }
  } finally {
    if (userSignal) unfollow(userSignal, onAbort);
    if (inFlight.some((e) => !e.done)) {
      controller.abort(new Error(`map(${runner.label}) stopped`));
      await Promise.all(inFlight.map((e) => e.outcome));
    }
    if (!exhausted) await iterator.return?.();
  }
}
function nextAutoChunk(current, chunkMs) {
  if (chunkMs < AUTO_TARGET_MS / 2) return Math.min(AUTO_MAX, current * 2);
  if (chunkMs > AUTO_TARGET_MS * 2) return Math.max(AUTO_MIN, Math.floor(current / 2));
  return current;
}
var import_node_events, AUTO_MIN, AUTO_MAX, AUTO_TARGET_MS;
var init_map = __esm({
  "src/core/map.ts"() {
    "use strict";
    init_cjs_shims();
    import_node_events = require("events");
    init_run_options();
    init_shared_signal();
    AUTO_MIN = 1;
    AUTO_MAX = 512;
    AUTO_TARGET_MS = 4;
  }
});

// src/core/rate-limiter.ts
var RateLimiter;
var init_rate_limiter = __esm({
  "src/core/rate-limiter.ts"() {
    "use strict";
    init_cjs_shims();
    RateLimiter = class {
      limit;
      intervalMs;
      /** Start times of the tokens inside the window, oldest first (a ring of `limit`). */
      #starts;
      #head = 0;
      #stamped = 0;
      /** Tokens taken whose task has not started yet. */
      #pending = 0;
      #members = [];
      #events;
      /** The `rateLimit` event was emitted and `rateLimitCleared` not yet. */
      #limiting = false;
      #timer;
      #waking = false;
      /** Tokens taken so far (to tell whether waking the members took any). */
      #taken = 0;
      constructor({ limit, intervalMs }, events) {
        this.limit = limit;
        this.intervalMs = intervalMs;
        this.#starts = new Float64Array(limit);
        this.#events = events;
      }
      join(member) {
        this.#members.push(member);
        if (!this.hasRoom()) member.hold();
      }
      leave(member) {
        const at = this.#members.indexOf(member);
        if (at !== -1) this.#members.splice(at, 1);
        if (this.#members.length === 0) this.#stopTimer();
      }
      /** A start may be paid for now. */
      hasRoom() {
        this.#expire(performance.now());
        return this.#stamped + this.#pending < this.limit;
      }
      /** Takes a token for a task about to be handed to its backend; false (and the members held) if none is left. */
      take() {
        if (!this.hasRoom()) {
          this.#holdAll();
          return false;
        }
        this.#pending++;
        this.#taken++;
        if (this.#stamped + this.#pending >= this.limit) this.#holdAll();
        return true;
      }
      /** The task a token was taken for has started (and its start was announced). */
      started() {
        this.#pending--;
        this.#starts[(this.#head + this.#stamped) % this.limit] = performance.now();
        this.#stamped++;
        this.#update();
      }
      /** The task a token was taken for ended without starting: the token is free again. */
      giveBack() {
        this.#pending--;
        this.#wakeAll();
      }
      /**
       * A member queued a task. Held with tokens free again (they expired while
       * nothing waited, so no timer ran): dispatch now. Else the task waits for the
       * budget, which may begin a `rateLimit` episode.
       */
      queued() {
        this.#update(true);
      }
      #expire(now) {
        while (this.#stamped > 0 && now - this.#starts[this.#head] >= this.intervalMs) {
          this.#head = (this.#head + 1) % this.limit;
          this.#stamped--;
        }
      }
      #holdAll() {
        for (const member of this.#members) member.hold();
        this.#update();
      }
      /**
       * Members resume in turn, each only while a token is left (the first ones
       * may take them all). Again while tokens are left and they keep taking them:
       * waking takes time (taskStart listeners run), and more starts may leave the window meanwhile.
       */
      #wakeAll() {
        if (this.#waking) return;
        this.#waking = true;
        let room = true;
        try {
          let taken;
          do {
            taken = this.#taken;
            for (const member of this.#members) {
              if (!this.hasRoom()) break;
              member.wake();
            }
            room = this.#taken === taken || this.hasRoom();
          } while (this.#taken !== taken && room);
        } finally {
          this.#waking = false;
        }
        this.#update(false, room);
      }
      /**
       * Wakes members that wait with tokens free (`wake`: at most once per change,
       * so a member that cannot take them is no loop), emits the episode's events,
       * and keeps a timer for the next token only while tasks wait for it.
       */
      #update(wake = true, room) {
        if (this.#waking) return;
        const ready = this.#members.some((member) => member.readyCount() > 0);
        room ??= this.hasRoom();
        if (ready && wake && room) {
          this.#wakeAll();
          return;
        }
        const held = ready && !room;
        if (held && this.#timer === void 0 && this.#stamped > 0) {
          const due = this.#starts[this.#head] + this.intervalMs - performance.now();
          this.#timer = setTimeout(() => this.#onTimer(), Math.max(1, Math.ceil(due)));
        }
        const limiting = this.#limiting ? ready : held;
        if (limiting === this.#limiting) return;
        this.#limiting = limiting;
        const payload = { limit: this.limit, intervalMs: this.intervalMs };
        if (limiting) this.#events.emit("rateLimit", payload);
        else this.#events.emit("rateLimitCleared", payload);
      }
      #onTimer() {
        this.#timer = void 0;
        this.#update(true);
      }
      #stopTimer() {
        clearTimeout(this.#timer);
        this.#timer = void 0;
      }
    };
  }
});

// src/core/retry-first-queue.ts
var COMPACTION_THRESHOLD, RetryFirstQueue;
var init_retry_first_queue = __esm({
  "src/core/retry-first-queue.ts"() {
    "use strict";
    init_cjs_shims();
    COMPACTION_THRESHOLD = 100;
    RetryFirstQueue = class {
      #queue = [];
      #head = 0;
      enqueue(run, options) {
        const { priority = 0, id } = options ?? {};
        const entry = { priority, id, run };
        if (this.#queue.length === this.#head) {
          this.#queue.length = 0;
          this.#head = 0;
          this.#queue.push(entry);
          return;
        }
        if (this.#queue[this.#queue.length - 1].priority >= priority && options?.front !== true) {
          this.#queue.push(entry);
          return;
        }
        this.#compact();
        this.#queue.splice(this.#insertionIndex(priority, options?.front === true), 0, entry);
      }
      dequeue() {
        if (this.#head === this.#queue.length) return void 0;
        const entry = this.#queue[this.#head];
        this.#head++;
        if (this.#head === this.#queue.length) {
          this.#queue.length = 0;
          this.#head = 0;
        } else if (this.#head > COMPACTION_THRESHOLD && this.#head > this.#queue.length / 2) {
          this.#compact();
        }
        return entry.run;
      }
      /** p-queue removes an aborted waiting task by its id (queue classes other than its own). */
      remove(idOrRun) {
        for (let index = this.#head; index < this.#queue.length; index++) {
          const entry = this.#queue[index];
          if (typeof idOrRun === "string" ? entry.id === idOrRun : entry.run === idOrRun) {
            this.#queue.splice(index, 1);
            return;
          }
        }
      }
      setPriority(id, priority) {
        const index = this.#queue.findIndex((entry2, at) => at >= this.#head && entry2.id === id);
        if (index === -1) throw new ReferenceError(`No promise function with the id "${id}" exists in the queue.`);
        const [entry] = this.#queue.splice(index, 1);
        this.enqueue(entry.run, { priority, id });
      }
      filter(options) {
        const found = [];
        for (let index = this.#head; index < this.#queue.length; index++) {
          const entry = this.#queue[index];
          if (entry.priority === options.priority) found.push(entry.run);
        }
        return found;
      }
      get size() {
        return this.#queue.length - this.#head;
      }
      /**
       * The first index whose entry has a lower priority (`front`: a lower or
       * equal one). The array is sorted by priority, highest first.
       */
      #insertionIndex(priority, front) {
        let low = 0;
        let high = this.#queue.length;
        while (low < high) {
          const middle = low + high >>> 1;
          const other = this.#queue[middle].priority;
          if (other > priority || !front && other === priority) low = middle + 1;
          else high = middle;
        }
        return low;
      }
      #compact() {
        if (this.#head === 0) return;
        this.#queue.splice(0, this.#head);
        this.#head = 0;
      }
    };
  }
});

// src/core/stats.ts
function sumStats(backend, parts) {
  const total = { backend, workers: 0, queued: 0, running: 0, submitted: 0, completed: 0, failed: 0, cancelled: 0, retried: 0 };
  for (const p of parts) {
    total.workers += p.workers;
    total.queued += p.queued;
    total.running += p.running;
    total.submitted += p.submitted;
    total.completed += p.completed;
    total.failed += p.failed;
    total.cancelled += p.cancelled;
    total.retried += p.retried;
  }
  return total;
}
var SAMPLE_WINDOW, LatencyWindow, TaskTally;
var init_stats = __esm({
  "src/core/stats.ts"() {
    "use strict";
    init_cjs_shims();
    SAMPLE_WINDOW = 1024;
    LatencyWindow = class {
      #samples = new Float64Array(SAMPLE_WINDOW);
      #count = 0;
      add(ms2) {
        this.#samples[this.#count % SAMPLE_WINDOW] = ms2;
        this.#count++;
      }
      percentiles() {
        const n = Math.min(this.#count, SAMPLE_WINDOW);
        if (n === 0) return { p50: 0, p90: 0, p99: 0, max: 0 };
        const sorted = this.#samples.slice(0, n).sort();
        const at = (q) => sorted[Math.min(n - 1, Math.floor(q * n))];
        return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[n - 1] };
      }
    };
    TaskTally = class {
      submitted = 0;
      completed = 0;
      failed = 0;
      cancelled = 0;
      retried = 0;
      #wait = new LatencyWindow();
      #run = new LatencyWindow();
      /** A task that started settled: it waited `waitMs` and ran `runMs`. */
      timed(waitMs, runMs) {
        this.#wait.add(waitMs);
        this.#run.add(runMs);
      }
      /** The stats of an executor that has these counts and, now, these workers, queued and running tasks. */
      snapshot(backend, workers, queued, running) {
        return {
          backend,
          workers,
          queued,
          running,
          submitted: this.submitted,
          completed: this.completed,
          failed: this.failed,
          cancelled: this.cancelled,
          retried: this.retried,
          waitTime: this.#wait.percentiles(),
          runTime: this.#run.percentiles()
        };
      }
    };
  }
});

// src/core/local-executor.ts
function itemProgress(onProgress, first) {
  return (value, item = 0) => onProgress(value, first + item);
}
function timeOut(job) {
  job.abort(new TaskTimeoutError(job.label, job.timeout));
}
var import_eventemitter32, NO_OPTIONS, DONE, LocalExecutor;
var init_local_executor = __esm({
  "src/core/local-executor.ts"() {
    "use strict";
    init_cjs_shims();
    import_eventemitter32 = require("eventemitter3");
    init_dist();
    init_errors();
    init_direct_calls();
    init_job();
    init_map();
    init_rate_limiter();
    init_retry_first_queue();
    init_retry_policy();
    init_run_options();
    init_shared_signal();
    init_stats();
    init_task_profile();
    init_task();
    NO_OPTIONS = Object.freeze({});
    DONE = Promise.resolve();
    LocalExecutor = class extends import_eventemitter32.EventEmitter {
      backend;
      #backend;
      #queue;
      #options;
      #decision;
      #live = /* @__PURE__ */ new Set();
      #state = "open";
      #closing;
      #destroying;
      #idleScheduled = false;
      /** Started and not settled, on either path. */
      #counters = { running: 0, nextId: 1, tally: new TaskTally() };
      /** Dispatched to a pool that has not started them yet (sent ahead). */
      #ahead = 0;
      /** Out of p-queue, held until the backend's code is loaded (Backend.loading): queued still. */
      #awaitingLoad = /* @__PURE__ */ new Set();
      #direct;
      #reportsStart;
      /** Undefined when measurement is off. */
      #profiles;
      /** `pause()` was called (the user's); `#held`: the rate limit has no token left. p-queue runs when neither. */
      #paused = false;
      #held = false;
      #rateLimiter;
      /** Jobs waiting out a retry delay (queued, but not in p-queue yet). */
      #delayed = 0;
      /** onSizeLessThan() callers. */
      #roomWaiters;
      constructor(init) {
        super();
        checkTimerOptions(init.options);
        this.#options = init.options;
        this.#decision = init.decision;
        const profiles = init.profiles;
        const context = { options: init.options, traits: init.traits, events: this };
        if (measurementEnabled()) {
          this.#profiles = profiles;
          context.recordSample = (task, sample) => profiles.record(task, sample);
        }
        this.#backend = init.factory(context);
        this.backend = this.#backend.kind;
        this.#reportsStart = this.#backend.reportsStart === true;
        this.#queue = new PQueue({
          concurrency: this.#backend.capacity ?? this.#backend.concurrency,
          queueClass: RetryFirstQueue
        });
        if (init.paused) this.pause();
        if (init.rateLimiter || init.options.rateLimit) {
          this.#rateLimiter = init.rateLimiter ?? new RateLimiter(init.options.rateLimit, this);
          this.#rateLimiter.join(this);
        }
        if (this.#backend.runNow && this.#rateLimiter === void 0 && !(init.options.retries > 0)) {
          this.#direct = new DirectCalls(this.#backend, this.#counters, this, () => this.#afterSettle());
        }
      }
      /** Calls the backend runs at once: the default window of `map`. */
      get concurrency() {
        return this.#backend.mapWindow ?? this.#backend.concurrency;
      }
      explain(task) {
        return this.#decision(task);
      }
      run(task, input, options = NO_OPTIONS) {
        return this.#submit(task, input, false, options);
      }
      /** One call for several inputs (map's chunks); resolves with their results in order. */
      runBatch(task, inputs, options = NO_OPTIONS) {
        return this.#submit(task, inputs, true, options);
      }
      map(task, inputs, options = {}) {
        const onProgress = options.onProgress;
        const runner = {
          label: taskLabel(task),
          concurrency: this.concurrency,
          check: () => this.#refuse(task),
          runOne: (input, signal, index) => this.run(task, input, onProgress ? { signal, onProgress: itemProgress(onProgress, index) } : { signal }),
          runChunk: (chunk, signal, first) => this.runBatch(task, chunk, onProgress ? { signal, onProgress: itemProgress(onProgress, first) } : { signal })
        };
        return mapTasks(runner, inputs, options);
      }
      /**
       * Tasks queued or running, as stats() counts them, without its percentiles
       * (two sorts of 1,024 samples): the auto executor asks at every child's
       * `idle`, which a distributed worker of tiny jobs meets at nearly every job.
       */
      get pending() {
        return this.#queue.size + this.#ahead + this.#counters.running;
      }
      stats() {
        const queued = this.#queuedCount();
        return this.#counters.tally.snapshot(this.backend, this.#backend.workers(), queued, this.#counters.running);
      }
      onIdle() {
        if (this.#isIdle() && !this.#idleScheduled) return Promise.resolve();
        return new Promise((resolve2) => this.once("idle", resolve2));
      }
      get paused() {
        return this.#paused;
      }
      pause() {
        if (this.#paused) return;
        this.#paused = true;
        this.#queue.pause();
        this.#backend.pause?.();
      }
      resume() {
        if (!this.#paused) return;
        this.#paused = false;
        this.#backend.resume?.();
        if (this.#rateLimiter) this.#rateLimiter.queued();
        else this.#queue.start();
      }
      onSizeLessThan(n) {
        if (typeof n !== "number" || Number.isNaN(n)) {
          return Promise.reject(new TypeError(`Expected the size of onSizeLessThan(n) to be a number, got \`${String(n)}\` (${typeof n})`));
        }
        if (this.#queuedCount() < n) return Promise.resolve();
        return new Promise((resolve2) => {
          if (this.#roomWaiters === void 0) {
            this.#roomWaiters = [];
            this.#queue.on("active", this.#checkRoom);
            this.#queue.on("next", this.#checkRoom);
          }
          this.#roomWaiters.push({ n, resolve: resolve2 });
        });
      }
      onEmpty() {
        return this.onSizeLessThan(1);
      }
      /** Tasks not started: in p-queue, waiting out a retry delay, or sent ahead to a worker. */
      get queuedCount() {
        return this.#queuedCount();
      }
      close() {
        if (this.#destroying) return this.#destroying;
        if (!this.#closing) {
          this.#state = "closing";
          this.#closing = this.onIdle().then(async () => {
            this.#state = "closed";
            if (this.#destroying) return this.#destroying;
            await this.#backend.close();
          });
        }
        return this.#closing;
      }
      destroy() {
        if (!this.#destroying) {
          this.#state = "closed";
          for (const job of [...this.#live]) {
            job.abort(
              new ExecutorClosedError(
                job.started ? "The executor was destroyed while the task ran" : "The executor was destroyed before the task started"
              )
            );
            this.#drop(job);
          }
          this.#direct?.destroy();
          this.#rateLimiter?.leave(this);
          this.#rateLimiter = void 0;
          this.#queue.concurrency = Number.POSITIVE_INFINITY;
          this.#queue.start();
          this.#destroying = this.#backend.destroy().then(() => this.onIdle());
        }
        return this.#destroying;
      }
      [Symbol.asyncDispose]() {
        return this.close();
      }
      /** A pool's worker started `job` (JobOwner); for other backends, `#dispatch` calls it. */
      jobStarted(job, startedAt) {
        if (!job.started && !job.aborted) {
          this.#begin(job, startedAt);
          this.#paid(job);
        }
      }
      /** A backend that retries by itself (distributed) runs `job` again (JobOwner): counted and reported here. */
      jobRetried(job, attempt, error, delayMs) {
        this.#counters.tally.retried++;
        job.attempt = attempt + 1;
        this.emit("taskRetry", { id: job.id, task: job.label, backend: this.backend, attempt, error, delayMs });
      }
      /**
       * RateLimited: tasks in p-queue that wait for tokens (none while paused). With
       * every slot taken they wait for a slot too: waking lets p-queue dispatch the
       * moment one frees, taking tokens then.
       */
      readyCount() {
        return this.#paused ? 0 : this.#queue.size;
      }
      /** RateLimited: no token left. */
      hold() {
        this.#held = true;
        this.#queue.pause();
      }
      /** RateLimited: a token is free (p-queue dispatches synchronously, taking tokens, and may be held again). */
      wake() {
        this.#held = false;
        if (!this.#paused) this.#queue.start();
      }
      /**
       * What a worker measured of `job` (JobOwner), into the task's profile. A
       * batch (a chunk of `map`) was measured as one call: its times are spread
       * over its items, so the profile's run time stays per item (shares are kept).
       */
      jobMeasured(job, sample) {
        if (this.#profiles === void 0) return;
        const items = job.batch ? job.input.length : 1;
        if (items <= 1) {
          this.#profiles.record(job.task, sample);
          return;
        }
        const cpuMs = sample.cpuMs === void 0 ? void 0 : sample.cpuMs / items;
        this.#profiles.record(job.task, { runMs: sample.runMs / items, syncMs: sample.syncMs / items, cpuMs });
      }
      /**
       * A value from the task's `ctx.progress()` (JobOwner), while its call is
       * live: to the caller's `onProgress` (with the item's index in a batch), then
       * to `taskProgress` listeners. A throwing `onProgress` must not break the
       * backend's message loop: it becomes a `warning`.
       */
      jobProgress(job, value, item) {
        const onProgress = job.options.onProgress;
        if (onProgress !== void 0) {
          try {
            onProgress(value, item);
          } catch (error) {
            if (error instanceof TaskNotPortableError) throw error;
            this.emit("warning", {
              type: "progress-handler-threw",
              backend: this.backend,
              task: job.label,
              message: `onProgress of task ${job.label} threw: ${error?.message ?? String(error)}`
            });
          }
        }
        if (this.#listening("taskProgress")) this.emit("taskProgress", { id: job.id, task: job.label, backend: this.backend, value });
      }
      #begin(job, startedAt) {
        if (this.#reportsStart) {
          this.#ahead--;
          if (this.#roomWaiters) this.#checkRoom();
        }
        job.started = true;
        const now = performance.now();
        job.startedAt = startedAt === void 0 ? now : Math.max(job.queuedAt, Math.min(startedAt, now));
        this.#counters.running++;
        if (this.#listening("taskStart")) this.emit("taskStart", { id: job.id, task: job.label, backend: this.backend });
        if (job.timeout !== void 0) job.timer = setTimeout(timeOut, Math.max(0, job.timeout - (now - job.startedAt)), job);
      }
      /** Why `task` cannot be submitted now, as an error to reject with; undefined if it can. */
      #refuse(task) {
        const notATask = notATaskProblem(task);
        if (notATask) return notATask;
        if (this.#state !== "open") {
          return new ExecutorClosedError(`Cannot run task ${taskLabel(task)}: the executor is ${this.#destroying ? "destroyed" : "closed"}`);
        }
        try {
          this.#backend.accept(task);
        } catch (error) {
          return error;
        }
        return void 0;
      }
      #submit(task, input, batch, options) {
        const refused = this.#refuse(task);
        if (refused) return Promise.reject(refused);
        const label = taskLabel(task);
        if (options !== NO_OPTIONS) {
          const bad = runOptionsProblem(options, label);
          if (bad) return Promise.reject(bad);
        }
        const limit = options.timeout ?? this.#options.taskTimeout;
        const timeout = limit === Number.POSITIVE_INFINITY ? void 0 : limit;
        const maxQueue = this.#options.maxQueue ?? Number.POSITIVE_INFINITY;
        const waiting = this.#waiting();
        if (waiting >= maxQueue) {
          return Promise.reject(
            new QueueFullError(`Cannot queue task ${label}: ${waiting} tasks are waiting (maxQueue ${maxQueue}) and ${this.#counters.running} running`)
          );
        }
        const userSignal = options.signal;
        if (this.#direct && !batch && timeout === void 0 && userSignal === void 0 && !(options.retries > 0) && options.onProgress === void 0) {
          return this.#direct.submit(this.#queue, task, input, label, options.priority);
        }
        return this.#submitJob(task, input, batch, options, label, timeout);
      }
      #submitJob(task, input, batch, options, label, timeout) {
        const userSignal = options.signal;
        const transfer = batch ? void 0 : options.transfer;
        const job = new Job(this, this.#counters.nextId++, task, input, batch, transfer, label, userSignal, timeout, performance.now(), options);
        if (options !== NO_OPTIONS) {
          const attempt = options[ATTEMPT];
          if (attempt !== void 0) job.attempt = attempt;
        }
        if (userSignal) follow(userSignal, job);
        this.#counters.tally.submitted++;
        const settled = job.settlement();
        this.#live.add(job);
        this.#enqueue(job, false);
        return settled;
      }
      /** Into p-queue: at the end of its priority, or (a retry) at its front. */
      #enqueue(job, front) {
        const userSignal = job.userSignal;
        const priority = job.options.priority ?? 0;
        let queueSignal;
        if (userSignal) {
          const whileQueued = new AbortController();
          queueSignal = whileQueued.signal;
          const dropIfQueued = () => {
            if (!job.dispatched) whileQueued.abort(job.reason);
          };
          if (job.aborted) dropIfQueued();
          else job.addEventListener("abort", dropIfQueued);
        }
        const queued = this.#queue.add(
          () => this.#dispatch(job),
          front ? { priority, signal: queueSignal, front } : { priority, signal: queueSignal }
        );
        if (queueSignal) queued.catch(() => this.#drop(job));
        this.#rateLimiter?.queued();
      }
      /** Runs in the queue's slot: hands the job to the backend; the slot is held until it settles. */
      #dispatch(job) {
        if (job.aborted) {
          this.#drop(job);
          return DONE;
        }
        const loading2 = this.#backend.loading;
        if (loading2 !== void 0) {
          this.#awaitingLoad.add(job);
          return loading2.then(() => {
            if (!this.#awaitingLoad.delete(job)) return void 0;
            if (this.#paused) {
              this.#enqueue(job, true);
              return void 0;
            }
            return this.#dispatch(job);
          });
        }
        if (this.#rateLimiter) {
          if (!this.#rateLimiter.take()) {
            this.#enqueue(job, true);
            return DONE;
          }
          job.token = true;
        }
        job.dispatched = true;
        if (this.#reportsStart) this.#ahead++;
        else this.#begin(job);
        const settled = this.#backend.execute(job, job).then(
          (value) => this.#settle(job, true, value),
          (error) => this.#settle(job, false, error)
        );
        if (job.started) this.#paid(job);
        return settled;
      }
      /** The start `job` took a rate-limit token for happened. */
      #paid(job) {
        if (!job.token) return;
        job.token = false;
        this.#rateLimiter?.started();
      }
      /** `job` ends (or goes back) without the start its token was for. */
      #unpaid(job) {
        if (!job.token) return;
        job.token = false;
        this.#rateLimiter?.giveBack();
      }
      /**
       * After a failed run: runs `job` again (true) if its retries allow it and it
       * was not aborted by its caller or destroy(); else the outcome to settle
       * with is left in `failure.error` (retryOn's own throw, or a bad retryDelay result).
       */
      #retry(job, failure) {
        const error = failure.error;
        if (this.#backend.retriesItself || this.#destroying || job.attempt > retriesOf(job.options, this.#options)) return false;
        if (job.aborted && !(job.reason === error && error instanceof TaskTimeoutError)) return false;
        if (job.userSignal?.aborted) return false;
        const decision = retryDecision(job.options, this.#options, job.attempt, error, job.label);
        if (typeof decision !== "number") {
          failure.error = decision.final;
          return false;
        }
        const delayMs = Math.min(MAX_TIMER_MS, Math.round(decision));
        clearTimeout(job.timer);
        if (job.started) this.#counters.running--;
        else {
          this.#ahead--;
          this.#unpaid(job);
        }
        this.#counters.tally.retried++;
        this.emit("taskRetry", { id: job.id, task: job.label, backend: this.backend, attempt: job.attempt, error, delayMs });
        job.reset();
        job.attempt++;
        job.dispatched = false;
        job.started = false;
        job.queuedAt = performance.now();
        if (delayMs === 0) {
          this.#enqueue(job, true);
        } else {
          this.#delayed++;
          const dropWhileDelayed = () => this.#drop(job);
          job.addEventListener("abort", dropWhileDelayed);
          job.retryTimer = setTimeout(() => {
            job.removeEventListener("abort", dropWhileDelayed);
            job.retryTimer = void 0;
            this.#delayed--;
            this.#enqueue(job, true);
          }, delayMs);
        }
        this.#afterSettle();
        return true;
      }
      /**
       * Accounting and events happen here, before the caller's promise settles,
       * so a `taskEnd` always comes before the next `taskStart` and the slot is
       * free when the caller resumes.
       */
      #settle(job, ok, outcome) {
        clearTimeout(job.timer);
        if (!ok) {
          const failure = { error: outcome };
          if (this.#retry(job, failure)) return;
          outcome = failure.error;
        }
        job.done = true;
        if (job.userSignal) unfollow(job.userSignal, job);
        this.#live.delete(job);
        const counters = this.#counters;
        if (!job.started) {
          if (!ok) {
            this.#ahead--;
            this.#unpaid(job);
            if (this.#roomWaiters) this.#checkRoom();
            this.#countFailure(outcome, job);
            this.emit("taskError", { id: job.id, task: job.label, backend: this.backend, error: outcome });
            job.reject(outcome);
            this.#afterSettle();
            return;
          }
          this.#begin(job);
          this.#paid(job);
        }
        const runMs = performance.now() - job.startedAt;
        counters.running--;
        counters.tally.timed(job.startedAt - job.queuedAt, runMs);
        if (ok) {
          counters.tally.completed++;
          if (this.#listening("taskEnd")) {
            this.emit("taskEnd", { id: job.id, task: job.label, backend: this.backend, waitMs: job.startedAt - job.queuedAt, runMs });
          }
          job.resolve(outcome);
        } else {
          this.#countFailure(outcome, job);
          this.emit("taskError", { id: job.id, task: job.label, backend: this.backend, error: outcome });
          job.reject(outcome);
        }
        this.#afterSettle();
      }
      /** Settles a task that never reached the backend: aborted while queued, or dropped by destroy(). */
      #drop(job) {
        if (job.dispatched || !this.#live.delete(job)) return;
        job.done = true;
        if (job.retryTimer !== void 0) {
          clearTimeout(job.retryTimer);
          job.retryTimer = void 0;
          this.#delayed--;
        }
        this.#awaitingLoad.delete(job);
        if (this.#roomWaiters) this.#checkRoom();
        if (job.userSignal) unfollow(job.userSignal, job);
        this.#countFailure(job.reason, job);
        this.emit("taskError", { id: job.id, task: job.label, backend: this.backend, error: job.reason });
        job.reject(job.reason);
        this.#scheduleIdle();
      }
      #afterSettle() {
        const capacity = this.#backend.capacity;
        if (capacity !== void 0 && capacity !== this.#queue.concurrency && !this.#destroying) this.#queue.concurrency = capacity;
        this.#scheduleIdle();
      }
      /** Skips building an event's payload when nobody listens: `run` is a hot path. */
      #listening(event) {
        return this.listenerCount(event) > 0;
      }
      /** A rejection by the task's own abort signal is a cancellation, except a timeout, which is a failure. */
      #countFailure(error, signal) {
        if (signal.aborted && signal.reason === error && !(error instanceof TaskTimeoutError)) this.#counters.tally.cancelled++;
        else this.#counters.tally.failed++;
      }
      /**
       * `idle` is emitted on the next turn of the event loop, so the callers'
       * own handlers on the last results have run by the time it fires.
       */
      #scheduleIdle() {
        if (this.#idleScheduled || !this.#isIdle()) return;
        this.#idleScheduled = true;
        setImmediate(() => {
          this.#idleScheduled = false;
          if (this.#isIdle()) this.emit("idle");
        });
      }
      /**
       * Tasks that wait to start (in p-queue or sent ahead to a worker), less the
       * free slots (negative while some are free). p-queue frees a slot a few
       * microtasks after the task's promise settles, so a caller that awaited a
       * result and submits again would find its slot still taken; `running` drops
       * before the caller is resumed, so what p-queue is about to start does not count.
       * Free slots are never below 0 (distributed may run more than it counts on).
       */
      #waiting() {
        const queued = this.#queuedCount();
        if (this.#paused || this.#held) return queued;
        return queued - Math.max(0, this.#backend.concurrency - this.#counters.running);
      }
      #queuedCount() {
        return this.#queue.size + this.#ahead + this.#delayed + this.#awaitingLoad.size;
      }
      /** Resolves the onSizeLessThan() callers there is room for now (an arrow: it is p-queue's listener too). */
      #checkRoom = () => {
        const waiters = this.#roomWaiters;
        if (waiters === void 0) return;
        const queued = this.#queuedCount();
        const left = waiters.filter((waiter) => {
          if (queued >= waiter.n) return true;
          waiter.resolve();
          return false;
        });
        if (left.length > 0) {
          this.#roomWaiters = left;
          return;
        }
        this.#roomWaiters = void 0;
        this.#queue.off("active", this.#checkRoom);
        this.#queue.off("next", this.#checkRoom);
      };
      #isIdle() {
        return this.#queue.size === 0 && this.#counters.running === 0 && this.#live.size === 0 && this.#ahead === 0;
      }
    };
  }
});

// src/policy/sizing.ts
function ioThreadCount(cpus = (0, import_node_os3.availableParallelism)()) {
  return Math.min(32, cpus + 4);
}
function sizeBackend(backend, traits, options, measured) {
  const cpus = (0, import_node_os3.availableParallelism)();
  if (backend === "async") {
    return { concurrency: options.concurrency ?? traits.expectedCount ?? DEFAULT_ASYNC_CONCURRENCY };
  }
  const forIo = measured === void 0 ? traits.ioBound === true && traits.cpuBound !== true : measured !== "cpu";
  if (measured === "blocking-io") {
    return { maxWorkers: options.maxWorkers ?? ioThreadCount(cpus), concurrentTasksPerWorker: options.concurrentTasksPerWorker ?? 1 };
  }
  if ((backend === "thread" || measured === "waiting-io") && forIo) {
    const maxWorkers = options.maxWorkers ?? ioThreadCount(cpus);
    const expected = traits.expectedCount ?? DEFAULT_ASYNC_CONCURRENCY;
    const perWorker = options.concurrentTasksPerWorker ?? Math.max(1, Math.ceil(expected / maxWorkers));
    return { maxWorkers, concurrentTasksPerWorker: perWorker };
  }
  return {
    maxWorkers: options.maxWorkers ?? cpus,
    concurrentTasksPerWorker: options.concurrentTasksPerWorker ?? 1
  };
}
function sizedOptions(backend, traits, options, measured) {
  const sizing = sizeBackend(backend, traits, options, measured);
  const minWorkers = options.minWorkers !== void 0 && sizing.maxWorkers !== void 0 ? Math.min(options.minWorkers, sizing.maxWorkers) : options.minWorkers;
  return { ...options, ...sizing, minWorkers };
}
var import_node_os3;
var init_sizing = __esm({
  "src/policy/sizing.ts"() {
    "use strict";
    init_cjs_shims();
    import_node_os3 = require("os");
    init_async();
  }
});

// src/policy/auto.ts
function createLocalExecutor(backend, traits, options, decision, profiles, shared = {}) {
  const factory = backendFactories[backend];
  if (!factory) throw new TypeError(`The ${backend} backend is not available in this build`);
  return new LocalExecutor({ factory, options, traits, decision, profiles, ...shared });
}
function failingIterator(error) {
  return (async function* () {
    throw error;
  })();
}
var import_eventemitter33, FORWARDED, AutoExecutor;
var init_auto = __esm({
  "src/policy/auto.ts"() {
    "use strict";
    init_cjs_shims();
    import_eventemitter33 = require("eventemitter3");
    init_backends();
    init_errors();
    init_local_executor();
    init_rules();
    init_sizing();
    init_run_options();
    init_rate_limiter();
    init_stats();
    init_task_profile();
    init_task();
    FORWARDED = ["taskStart", "taskEnd", "taskError", "taskProgress", "workerSpawn", "workerExit", "warning"];
    AutoExecutor = class extends import_eventemitter33.EventEmitter {
      backend = "auto";
      #options;
      #children = /* @__PURE__ */ new Map();
      #state = "open";
      #closing;
      #destroying;
      /** One store for every backend this executor creates. */
      #profiles = new TaskProfiles();
      #adapt;
      /** One budget for every backend this executor creates. */
      #rateLimiter;
      #paused = false;
      constructor(options) {
        super();
        checkTimerOptions(options);
        this.#options = options;
        this.#adapt = options.policy?.adapt === true;
        if (options.rateLimit) this.#rateLimiter = new RateLimiter(options.rateLimit, this);
        if (!this.#adapt) this.#profiles.onSample = (task, profile) => this.#advise(task, profile);
      }
      explain(task) {
        const traits = this.#traitsOf(task);
        const declared = selectBackend(traits, this.#options.policy);
        if (task === void 0) return { ...declared, size: sizeBackend(declared.backend, traits, this.#options) };
        const measured = this.#profiles.profile(task);
        const decision = this.#adapt ? adaptedDecision(declared, measured, isTask(task), this.#options.policy) : declared;
        const size = sizeBackend(decision.backend, traits, this.#options, decision.measured?.kind);
        return measured === void 0 ? { ...decision, size } : { ...decision, size, measured };
      }
      run(task, input, options) {
        let child;
        try {
          child = this.#route(task);
        } catch (error) {
          return Promise.reject(error);
        }
        return child.run(task, input, options);
      }
      map(task, inputs, options) {
        let child;
        try {
          child = this.#route(task);
        } catch (error) {
          return failingIterator(error);
        }
        return child.map(task, inputs, options);
      }
      stats() {
        const backends = {};
        for (const [name2, child] of this.#children) backends[name2] = child.stats();
        const parts = Object.values(backends);
        const worst = (key) => {
          const empty = new LatencyWindow().percentiles();
          return parts.reduce(
            (acc, p) => ({
              p50: Math.max(acc.p50, p[key].p50),
              p90: Math.max(acc.p90, p[key].p90),
              p99: Math.max(acc.p99, p[key].p99),
              max: Math.max(acc.max, p[key].max)
            }),
            empty
          );
        };
        return { ...sumStats("auto", parts), waitTime: worst("waitTime"), runTime: worst("runTime"), backends };
      }
      async onIdle() {
        await Promise.all([...this.#children.values()].map((c) => c.onIdle()));
      }
      get paused() {
        return this.#paused;
      }
      pause() {
        this.#paused = true;
        for (const child of this.#children.values()) child.pause();
      }
      resume() {
        this.#paused = false;
        for (const child of this.#children.values()) child.resume();
      }
      /** Fewer than `n` tasks queued over all its backends. */
      async onSizeLessThan(n) {
        if (typeof n !== "number" || Number.isNaN(n)) {
          throw new TypeError(`Expected the size of onSizeLessThan(n) to be a number, got \`${String(n)}\` (${typeof n})`);
        }
        for (; ; ) {
          const children = [...this.#children.values()];
          const queued = children.reduce((sum, child) => sum + child.queuedCount, 0);
          if (queued < n) return;
          await Promise.race(children.filter((c) => c.queuedCount > 0).map((c) => c.onSizeLessThan(c.queuedCount)));
        }
      }
      onEmpty() {
        return this.onSizeLessThan(1);
      }
      close() {
        if (this.#destroying) return this.#destroying;
        if (!this.#closing) {
          this.#state = "closing";
          this.#closing = Promise.all([...this.#children.values()].map((c) => c.close())).then(() => void 0);
        }
        return this.#closing;
      }
      destroy() {
        if (!this.#destroying) {
          this.#state = "destroyed";
          this.#destroying = Promise.all([...this.#children.values()].map((c) => c.destroy())).then(() => void 0);
        }
        return this.#destroying;
      }
      [Symbol.asyncDispose]() {
        return this.close();
      }
      #traitsOf(task) {
        return { ...this.#options.traits, ...task && isTask(task) ? task.traits : {} };
      }
      /** The backend executor for this task, created on first use. */
      #route(task) {
        if (this.#state !== "open") {
          throw new ExecutorClosedError(`Cannot run task ${taskLabel(task)}: the executor is ${this.#destroying ? "destroyed" : "closed"}`);
        }
        const traits = this.#traitsOf(task);
        let decision = selectBackend(traits, this.#options.policy);
        if (this.#adapt) decision = measuredDecision(decision, this.#profiles.profile(task), isTask(task), this.#options.policy) ?? decision;
        if (decision.backend !== "async" && !isTask(task)) {
          throw new TaskNotPortableError(
            `Task ${taskLabel(task)} is a plain function, but rule '${decision.rule}' chose the ${decision.backend} backend, which cannot receive a closure: define it with defineTask(module, exportName, traits)`
          );
        }
        let child = this.#children.get(decision.backend);
        if (!child) {
          const sizing = sizedOptions(decision.backend, traits, this.#options, decision.measured?.kind);
          child = createLocalExecutor(decision.backend, traits, sizing, (t) => this.explain(t), this.#profiles, {
            rateLimiter: this.#rateLimiter,
            paused: this.#paused
          });
          for (const event of FORWARDED) {
            child.on(event, (...args) => this.emit(event, ...args));
          }
          child.on("idle", () => {
            if ([...this.#children.values()].every((c) => c.pending === 0)) this.emit("idle");
          });
          this.#children.set(decision.backend, child);
        }
        return child;
      }
      /**
       * Without `adapt`: once a task's measurement would route it elsewhere than
       * its declared rule does, say so, once per task. Emitted on a microtask: this
       * runs inside the measured call's bookkeeping, where a listener's throw must not land.
       */
      #advise(task, profile) {
        if (profile.runs < MEASURED_AFTER_RUNS) return;
        const declared = selectBackend(this.#traitsOf(task), this.#options.policy);
        const advice = measuredDecision(declared, profile, isTask(task), this.#options.policy);
        if (advice === void 0 || advice.backend === declared.backend || !this.#profiles.firstAdvice(task)) return;
        const label = taskLabel(task);
        const message = `Task ${label} was ${describeProfile(profile)}, but rule ${declared.rule} routes it to ${declared.backend}; the measurement would pick ${advice.backend} (rule ${advice.rule}). Declare traits that match, or set policy: { adapt: true } to route by measurement`;
        queueMicrotask(
          () => this.emit("warning", { type: "policy-advice", backend: declared.backend, task: label, measured: profile, advice, message })
        );
      }
    };
  }
});

// src/distributed/connection.ts
function redisOptions(connection) {
  const fixed = { maxRetriesPerRequest: null };
  if (typeof connection === "string") {
    let url;
    try {
      url = new URL(connection);
    } catch {
      throw new TypeError(`Expected \`connection\` to be a redis:// URL, got '${connection}'`);
    }
    if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
      throw new TypeError(`Expected \`connection\` to be a redis:// or rediss:// URL, got '${connection}'`);
    }
    const db = url.pathname.replace(/^\//, "");
    return {
      host: url.hostname || "127.0.0.1",
      port: url.port ? Number(url.port) : 6379,
      ...url.username ? { username: decodeURIComponent(url.username) } : {},
      ...url.password ? { password: decodeURIComponent(url.password) } : {},
      ...db ? { db: Number(db) } : {},
      ...url.protocol === "rediss:" ? { tls: {} } : {},
      ...fixed
    };
  }
  if (typeof connection === "object" && connection !== null) return { ...connection, ...fixed };
  throw new TypeError(
    `Expected \`connection\` to be a Redis URL (redis://host:port) or ioredis options, got \`${String(connection)}\` (${typeof connection})`
  );
}
function describeConnection(connection) {
  if (typeof connection === "string") {
    try {
      const url = new URL(connection);
      url.password = url.password ? "***" : "";
      return url.href;
    } catch {
      return connection;
    }
  }
  const o = connection ?? {};
  return `redis://${o.host ?? "127.0.0.1"}:${o.port ?? 6379}`;
}
var ConnectionWatch;
var init_connection = __esm({
  "src/distributed/connection.ts"() {
    "use strict";
    init_cjs_shims();
    ConnectionWatch = class {
      #timer;
      #lost = false;
      #timeout;
      #onLost;
      #onBack;
      constructor(client, timeout, onLost, onBack) {
        this.#timeout = timeout;
        this.#onLost = onLost;
        this.#onBack = onBack;
        client.on("close", () => this.#down());
        client.on("error", () => {
          if (client.status !== "ready") this.#down();
        });
        client.on("ready", () => this.#up());
        if (client.status !== "ready") this.#down();
      }
      /** Redis has been unreachable for longer than the timeout. */
      get lost() {
        return this.#lost;
      }
      stop() {
        clearTimeout(this.#timer);
        this.#timer = void 0;
      }
      #down() {
        if (this.#timer || this.#lost) return;
        this.#timer = setTimeout(() => {
          this.#timer = void 0;
          this.#lost = true;
          this.#onLost();
        }, this.#timeout);
        this.#timer.unref();
      }
      #up() {
        this.stop();
        if (this.#lost) {
          this.#lost = false;
          this.#onBack();
        }
      }
    };
  }
});

// src/distributed/task-ref.ts
function rootPath(root) {
  if (root instanceof URL || root.startsWith("file:")) return (0, import_node_url4.fileURLToPath)(root);
  if (!(0, import_node_path2.isAbsolute)(root)) throw new TypeError(`Expected \`root\` to be an absolute path or a file: URL, got '${root}'`);
  return root;
}
function toTaskRef(task, root, declared) {
  const path = (0, import_node_path2.relative)(root, (0, import_node_url4.fileURLToPath)(task.module));
  if (path !== "" && !path.startsWith("..") && !(0, import_node_path2.isAbsolute)(path)) {
    return { relative: path.split(import_node_path2.sep).join("/"), name: task.name };
  }
  if (declared) {
    throw new TaskNotPortableError(
      `Cannot queue task ${task.label}: its module ${(0, import_node_url4.fileURLToPath)(task.module)} is outside the executor's root ${root}, and a worker imports only modules under its own root: move the module under the root, or declare the root that holds it`
    );
  }
  return { absolute: task.module, name: task.name };
}
function describeTaskRef(ref, root) {
  return "absolute" in ref ? `${String(ref.absolute)} (an absolute path, which a worker imports only if its allowModules lists it)` : `'${ref.relative}' (resolved under the worker's root ${root})`;
}
var import_node_path2, import_node_url4;
var init_task_ref = __esm({
  "src/distributed/task-ref.ts"() {
    "use strict";
    init_cjs_shims();
    import_node_path2 = require("path");
    import_node_url4 = require("url");
    init_errors();
  }
});

// src/distributed/submitter-facts.ts
function explainDistributed(options) {
  return {
    backend: "distributed",
    rule: "explicit",
    reason: `the executor was created with backend: 'distributed': every task is a job on queue '${options.queue ?? DEFAULT_QUEUE}' at ${describeConnection(options.connection)}, run by a worker on its own auto executor`
  };
}
function refuseClosureRemote(task) {
  if (!isTask(task)) {
    throw new TaskNotPortableError(
      `Task ${taskLabel(task)} is a plain function, which cannot travel to another machine: define it with defineTask(module, exportName, traits)`
    );
  }
}
function distributedFacts(options) {
  redisOptions(options.connection);
  if (options.root !== void 0) rootPath(options.root);
  return {
    kind: "distributed",
    // The slots this submitter counts on (the workers' own are out of sight); 0 without `concurrency`.
    concurrency: options.concurrency ?? 0,
    capacity: Number.POSITIVE_INFINITY,
    mapWindow: options.concurrency ?? MAP_WINDOW,
    reportsStart: true,
    // BullMQ's attempts and backoff run the retries.
    retriesItself: true,
    accept: refuseClosureRemote
  };
}
var DEFAULT_QUEUE, MAP_WINDOW;
var init_submitter_facts = __esm({
  "src/distributed/submitter-facts.ts"() {
    "use strict";
    init_cjs_shims();
    init_errors();
    init_task();
    init_connection();
    init_task_ref();
    DEFAULT_QUEUE = "unified-executor";
    MAP_WINDOW = 32;
  }
});

// src/distributed/event-reader.ts
function compareIds(a, b) {
  const [am, as] = a.split("-").map(Number);
  const [bm, bs] = b.split("-").map(Number);
  return am - bm || as - bs;
}
var BATCH, BLOCK_MS, RETRY_MS, EventReader;
var init_event_reader = __esm({
  "src/distributed/event-reader.ts"() {
    "use strict";
    init_cjs_shims();
    BATCH = 1e3;
    BLOCK_MS = 1e3;
    RETRY_MS = 100;
    EventReader = class {
      #redis;
      #key;
      #mine;
      #lastId;
      #on;
      #closed = false;
      /**
       * @param mine the job-id prefix of this submitter's jobs; others are skipped
       * @param lastId read entries after this one
       */
      constructor(redis, key, mine, lastId, on) {
        this.#redis = redis;
        this.#key = key;
        this.#mine = mine;
        this.#lastId = lastId;
        this.#on = on;
        void this.#loop();
      }
      close() {
        this.#closed = true;
        this.#redis.disconnect();
      }
      async #loop() {
        while (!this.#closed) {
          let reply;
          try {
            reply = await this.#redis.xread("COUNT", BATCH, "BLOCK", BLOCK_MS, "STREAMS", this.#key, this.#lastId);
          } catch {
            if (this.#closed) return;
            await new Promise((resolve2) => setTimeout(resolve2, RETRY_MS));
            continue;
          }
          const entries = reply?.[0]?.[1];
          if (!entries || this.#closed) continue;
          const before = this.#lastId;
          for (const [id, fields] of entries) {
            this.#lastId = id;
            this.#dispatch(fields);
          }
          if (entries.length === BATCH) await this.#checkGap(before);
        }
      }
      /** Fields come as [name, value, ...]; BullMQ writes `event` first and `jobId` second. */
      #dispatch(fields) {
        let event;
        let jobId;
        let value;
        let prev;
        for (let i = 0; i + 1 < fields.length; i += 2) {
          const name2 = fields[i];
          if (name2 === "event") event = fields[i + 1];
          else if (name2 === "jobId") {
            jobId = fields[i + 1];
            if (!jobId.startsWith(this.#mine)) return;
          } else if (name2 === "returnvalue" || name2 === "failedReason" || name2 === "delay" || name2 === "data") value = fields[i + 1];
          else if (name2 === "prev") prev = fields[i + 1];
        }
        if (jobId === void 0) return;
        switch (event) {
          case "active":
            this.#on.active(jobId);
            break;
          case "progress":
            if (value !== void 0) this.#on.progress(jobId, value);
            break;
          case "completed":
            this.#on.completed(jobId, value ?? "null");
            break;
          case "failed":
            this.#on.failed(jobId, value ?? "");
            break;
          case "stalled":
            this.#on.stalled(jobId);
            break;
          // A failed run with attempts left: to 'delayed' for its backoff, or straight back to 'waiting'
          // (our jobs are never added delayed, and are added waiting without `prev`).
          case "delayed":
            this.#on.retrying(jobId, Number(value));
            break;
          case "waiting":
            if (prev === "active") this.#on.retrying(jobId, void 0);
            break;
        }
      }
      /**
       * Trimming drops the oldest entries: if the oldest left is newer than the
       * last one read before this batch, entries in between may be gone. A false
       * alarm (exactly the read ones were trimmed) costs one reconcile.
       */
      async #checkGap(before) {
        try {
          const first = (await this.#redis.xrange(this.#key, "-", "+", "COUNT", 1))[0]?.[0];
          if (first !== void 0 && compareIds(first, before) > 0) this.#on.gap();
        } catch {
        }
      }
    };
  }
});

// src/distributed/load-drivers.ts
function loadDrivers() {
  loading ??= (async () => {
    const bullmq = await importOptional("bullmq");
    const ioredis = await importOptional("ioredis");
    const Redis = ioredis.Redis ?? (ioredis.default?.Redis ?? ioredis.default);
    return { bullmq, Redis };
  })();
  loading.catch(() => loading = void 0);
  return loading;
}
async function importOptional(name2) {
  try {
    return await import(name2);
  } catch (error) {
    throw new Error(
      `The distributed backend needs the optional peer dependency '${name2}': run \`npm install bullmq ioredis\``,
      { cause: error }
    );
  }
}
var loading;
var init_load_drivers = __esm({
  "src/distributed/load-drivers.ts"() {
    "use strict";
    init_cjs_shims();
  }
});

// src/distributed/protocol.ts
function cancelChannel(prefix, queue) {
  return `${prefix}:${queue}:unified-executor:cancel`;
}
var ERROR_FIELD, PREFIX;
var init_protocol2 = __esm({
  "src/distributed/protocol.ts"() {
    "use strict";
    init_cjs_shims();
    ERROR_FIELD = "unifiedExecutorError";
    PREFIX = "bull";
  }
});

// src/distributed/client-link.ts
async function withGrace(closing, force) {
  closing.catch(() => void 0);
  let timer;
  const late = new Promise((resolve2) => timer = setTimeout(() => resolve2("late"), CLOSE_GRACE_MS));
  const outcome = await Promise.race([closing.then(() => "closed", () => "closed"), late]);
  clearTimeout(timer);
  if (outcome === "late") void Promise.resolve().then(force).catch(() => void 0);
}
function firstReady(redis, timeout, signal, connection) {
  if (redis.status === "ready") return Promise.resolve();
  return new Promise((resolve2, reject) => {
    const settle = (error) => {
      clearTimeout(timer);
      redis.off("ready", onReady);
      signal.removeEventListener("abort", onAbort);
      if (error === void 0) resolve2();
      else reject(error);
    };
    const onReady = () => settle();
    const onAbort = () => settle(signal.reason);
    const timer = setTimeout(
      () => settle(new ConnectionLostError(`Redis at ${describeConnection(connection)} did not answer within ${timeout} ms`)),
      timeout
    );
    redis.once("ready", onReady);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
}
var CLOSE_GRACE_MS, RETRY_BACKOFF_MS, KEEP_FAILED_S, KEEP_UNREAD_S, RECONCILE_CHUNK, ClientLink;
var init_client_link = __esm({
  "src/distributed/client-link.ts"() {
    "use strict";
    init_cjs_shims();
    init_errors();
    init_connection();
    init_event_reader();
    init_load_drivers();
    init_protocol2();
    CLOSE_GRACE_MS = 1e3;
    RETRY_BACKOFF_MS = 100;
    KEEP_FAILED_S = 24 * 3600;
    KEEP_UNREAD_S = 24 * 3600;
    RECONCILE_CHUNK = 1e3;
    ClientLink = class _ClientLink {
      #redis;
      #queue;
      #reader;
      #watch;
      #queueName;
      /** Jobs added in this turn of the event loop: one addBulk (one round trip) for all of them. */
      #adds = [];
      /** Completed jobs read in this turn: deleted together. */
      #forgets = [];
      constructor(redis, queue, reader, watch, queueName) {
        this.#redis = redis;
        this.#queue = queue;
        this.#reader = reader;
        this.#watch = watch;
        this.#queueName = queueName;
      }
      /**
       * Resolves once Redis answers; rejects with ConnectionLostError when it does
       * not within `reconnectTimeout`, or with `signal.reason` when the executor
       * closes meanwhile.
       */
      static async open(connection, queueName, jobIdPrefix, reconnectTimeout, on, signal) {
        const { bullmq, Redis } = await loadDrivers();
        const redis = new Redis(redisOptions(connection));
        redis.on("error", () => void 0);
        try {
          await firstReady(redis, reconnectTimeout, signal, connection);
        } catch (error) {
          redis.disconnect();
          throw error;
        }
        let wasDown = false;
        redis.on("close", () => wasDown = true);
        redis.on("ready", () => {
          if (wasDown) on.reconnected();
          wasDown = false;
        });
        const watch = new ConnectionWatch(redis, reconnectTimeout, () => on.lost(), () => void 0);
        const queue = new bullmq.Queue(queueName, { connection: redis, prefix: PREFIX });
        queue.on("error", (error) => on.error(error));
        const key = `${PREFIX}:${queueName}:events`;
        let lastEventId = "0-0";
        try {
          const last = await Promise.race([
            redis.xrevrange(key, "+", "-", "COUNT", 1),
            new Promise((_, reject) => setTimeout(reject, CLOSE_GRACE_MS).unref())
          ]);
          if (last[0]) lastEventId = last[0][0];
        } catch {
        }
        const blocking = new Redis(redisOptions(connection));
        blocking.on("error", () => void 0);
        const reader = new EventReader(blocking, key, jobIdPrefix, lastEventId, on);
        return new _ClientLink(redis, queue, reader, watch, queueName);
      }
      get lost() {
        return this.#watch.lost;
      }
      /** Resolves once the job is in Redis. Jobs added in the same turn go in one addBulk. */
      add(name2, data, options) {
        return new Promise((resolve2, reject) => {
          if (this.#adds.push({ name: name2, data, options, resolve: resolve2, reject }) === 1) setImmediate(() => this.#flushAdds());
        });
      }
      #flushAdds() {
        const adds = this.#adds;
        this.#adds = [];
        const jobs = adds.map(({ name: name2, data, options }) => ({
          name: name2,
          data,
          opts: {
            jobId: options.jobId,
            // BullMQ: 1 is the highest priority; ours: higher runs sooner, 0 by default.
            // Every job gets one, so that all of them are ordered in the same set.
            priority: Math.min(2097152, Math.max(1, 1048576 - Math.round(options.priority))),
            attempts: options.retries + 1,
            backoff: options.retryDelay === void 0 ? { type: "exponential", delay: RETRY_BACKOFF_MS, jitter: 1 } : { type: "fixed", delay: options.retryDelay },
            // Kept until the submitter has read the result (forget), not deleted on
            // completion: a result whose event was trimmed from the stream would be lost.
            removeOnComplete: { age: KEEP_UNREAD_S },
            removeOnFail: { age: KEEP_FAILED_S }
          }
        }));
        const added = jobs.length === 1 ? this.#queue.add(jobs[0].name, jobs[0].data, jobs[0].opts) : this.#queue.addBulk(jobs);
        added.then(
          () => adds.forEach((a) => a.resolve()),
          (error) => adds.forEach((a) => a.reject(error))
        );
      }
      /** The submitter has read this completed job: delete it (with jobs read in the same turn). */
      forget(jobId) {
        if (this.#forgets.push(jobId) === 1) setImmediate(() => this.#flushForgets());
      }
      #flushForgets() {
        const ids = this.#forgets;
        this.#forgets = [];
        const base = `${PREFIX}:${this.#queueName}:`;
        const keys = ids.flatMap((id) => [base + id, `${base + id}:logs`]);
        void this.#redis.pipeline().zrem(`${base}completed`, ...ids).del(...keys).exec().catch(() => void 0);
      }
      /** Reads what Redis holds of each job, one pipeline per thousand jobs. */
      async states(jobIds) {
        const base = `${PREFIX}:${this.#queueName}:`;
        const states = /* @__PURE__ */ new Map();
        for (let i = 0; i < jobIds.length; i += RECONCILE_CHUNK) {
          const chunk = jobIds.slice(i, i + RECONCILE_CHUNK);
          const pipeline = this.#redis.pipeline();
          for (const id of chunk) pipeline.hmget(base + id, "timestamp", "finishedOn", "returnvalue", "failedReason", "processedOn", ERROR_FIELD);
          const replies = await pipeline.exec() ?? [];
          chunk.forEach((id, n) => {
            const [error, fields] = replies[n] ?? [new Error("no reply"), null];
            if (error) return;
            const [timestamp, finishedOn = null, returnvalue = null, failedReason, processedOn = null, encodedError] = fields;
            if (timestamp === void 0) return;
            if (timestamp === null) states.set(id, { state: "missing" });
            else if (finishedOn === null) states.set(id, { state: "pending", started: processedOn !== null });
            else if (returnvalue !== null) states.set(id, { state: "completed", returnvalue });
            else states.set(id, { state: "failed", reason: failedReason ?? "", ...encodedError ? { error: encodedError } : {} });
          });
        }
        return states;
      }
      /** Removes a job that has not started; false if a worker holds it (or it is gone). */
      async remove(jobId) {
        try {
          return await this.#queue.remove(jobId) === 1;
        } catch {
          return false;
        }
      }
      /** Asks whichever worker runs the job to stop it (best effort: pub/sub, no acknowledgement). */
      async cancel(jobId) {
        await this.#redis.publish(cancelChannel(PREFIX, this.#queueName), jobId);
      }
      /** The encoded error a worker stored on a failed job, if any. */
      async readError(jobId) {
        return await this.#redis.hget(`${PREFIX}:${this.#queueName}:${jobId}`, ERROR_FIELD) ?? void 0;
      }
      /** What a worker stored of a failed run that BullMQ retries: its encoded error, and the backoff it waits. */
      async readRetry(jobId) {
        const [error, delay] = await this.#redis.hmget(`${PREFIX}:${this.#queueName}:${jobId}`, ERROR_FIELD, "delay");
        return { ...error ? { error } : {}, ...delay ? { delayMs: Number(delay) } : {} };
      }
      /** BullMQ's queue pause: no worker anywhere takes a job of this queue until resume(). */
      async pause() {
        await this.#queue.pause();
      }
      async resume() {
        await this.#queue.resume();
      }
      workers() {
        return this.#queue.getWorkersCount();
      }
      /** Polite when Redis answers, forced when it does not; never waits more than a second per connection. */
      async close() {
        this.#watch.stop();
        this.#reader.close();
        if (this.#forgets.length > 0) this.#flushForgets();
        await withGrace(this.#queue.close(), () => void 0);
        this.#redis.disconnect();
      }
    };
  }
});

// src/distributed/codec.ts
function encodeValue(value, what) {
  try {
    return (0, import_node_v8.serialize)(value).toString("base64");
  } catch (error) {
    const where = findUncloneable(value, what) ?? `${what} cannot be serialised (${error.message})`;
    throw new TaskNotPortableError(`Cannot send ${where}: the distributed backend carries structured-clone values only`, {
      cause: error
    });
  }
}
function decodeValue(text) {
  return (0, import_node_v8.deserialize)(Buffer.from(text, "base64"));
}
function encodeError(error) {
  const plain = serializeError(error);
  try {
    return encodeValue(plain, "error");
  } catch {
    const e = error;
    return (0, import_node_v8.serialize)(serializeError(Object.assign(new Error(e?.message ?? String(error)), { name: e?.name }))).toString("base64");
  }
}
function decodeError(text) {
  return deserializeError(decodeValue(text));
}
var import_node_v8;
var init_codec = __esm({
  "src/distributed/codec.ts"() {
    "use strict";
    init_cjs_shims();
    import_node_v8 = require("v8");
    init_cloneable();
    init_errors();
    init_serialize_error();
  }
});

// src/distributed/job-data.ts
function describe4(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `a string of ${value.length} characters`;
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}
function isRecord(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function name(value, field, jobId) {
  if (typeof value !== "string" || value === "" || value.length > MAX_NAME_CHARS) {
    throw new MalformedJobError(jobId, field, `must be a non-empty string of at most ${MAX_NAME_CHARS} characters, got ${describe4(value)}`);
  }
  return value;
}
function checkJobData(data, jobId) {
  if (!isRecord(data)) throw new MalformedJobError(jobId, "data", `must be an object, got ${describe4(data)}`);
  const { task, label, traits, input, batch, timeout, retries } = data;
  if (!isRecord(task)) throw new MalformedJobError(jobId, "data.task", `must be an object, got ${describe4(task)}`);
  const hasRelative = Object.hasOwn(task, "relative");
  const hasAbsolute = Object.hasOwn(task, "absolute");
  if (hasRelative === hasAbsolute) {
    throw new MalformedJobError(jobId, "data.task", "must have exactly one of `relative` and `absolute`");
  }
  const ref = hasRelative ? { relative: name(task.relative, "data.task.relative", jobId), name: name(task.name, "data.task.name", jobId) } : { absolute: name(task.absolute, "data.task.absolute", jobId), name: name(task.name, "data.task.name", jobId) };
  if (typeof label !== "string" || label.length > MAX_NAME_CHARS) {
    throw new MalformedJobError(jobId, "data.label", `must be a string of at most ${MAX_NAME_CHARS} characters, got ${describe4(label)}`);
  }
  if (traits !== void 0 && !isRecord(traits)) throw new MalformedJobError(jobId, "data.traits", `must be an object, got ${describe4(traits)}`);
  try {
    validateTraits(traits ?? {}, { task: `of job ${jobId}` });
  } catch (error) {
    throw new MalformedJobError(jobId, "data.traits", `is invalid: ${error.message}`);
  }
  if (typeof input !== "string") throw new MalformedJobError(jobId, "data.input", `must be a base64 string, got ${describe4(input)}`);
  if (input.length > MAX_INPUT_CHARS) {
    throw new MalformedJobError(jobId, "data.input", `is ${input.length} characters, over the ${MAX_INPUT_CHARS} a job may carry`);
  }
  if (input.length % 4 !== 0 || !BASE64.test(input)) throw new MalformedJobError(jobId, "data.input", "is not valid base64");
  if (batch !== void 0 && typeof batch !== "boolean") throw new MalformedJobError(jobId, "data.batch", `must be a boolean, got ${describe4(batch)}`);
  if (timeout !== void 0 && !(typeof timeout === "number" && timeout > 0 && timeout <= MAX_TIMER_MS)) {
    throw new MalformedJobError(jobId, "data.timeout", `must be a number of ms from 1 to ${MAX_TIMER_MS}, got ${describe4(timeout)}`);
  }
  if (retries !== void 0 && !(typeof retries === "number" && Number.isInteger(retries) && retries >= 0 && retries <= MAX_RETRIES)) {
    throw new MalformedJobError(jobId, "data.retries", `must be an integer from 0 to ${MAX_RETRIES}, got ${describe4(retries)}`);
  }
  return {
    task: ref,
    label,
    traits: traits ?? {},
    input,
    batch: batch ?? false,
    ...timeout !== void 0 ? { timeout } : {},
    retries: retries ?? 0
  };
}
var MAX_INPUT_CHARS, MAX_NAME_CHARS, MAX_RETRIES, BASE64, MalformedJobError;
var init_job_data = __esm({
  "src/distributed/job-data.ts"() {
    "use strict";
    init_cjs_shims();
    init_run_options();
    init_traits();
    MAX_INPUT_CHARS = 32 * 1024 * 1024;
    MAX_NAME_CHARS = 4096;
    MAX_RETRIES = 1e3;
    BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
    MalformedJobError = class extends TypeError {
      constructor(jobId, field, problem) {
        super(`Malformed job ${jobId}: \`${field}\` ${problem}`);
        this.name = "TypeError";
      }
    };
  }
});

// src/distributed/remote-error.ts
function rebuildRemoteError(error, label, timeout) {
  if (!(error instanceof Error) || error instanceof ExecutorError) return error;
  const code = error.code;
  let rebuilt;
  if (code === "ERR_TASK_TIMEOUT") rebuilt = new TaskTimeoutError(label, timeout ?? Number(error.timeout));
  else if (code === "ERR_WORKER_CRASHED") rebuilt = new WorkerCrashedError(error.message);
  else if (code === "ERR_EXECUTOR_CLOSED") rebuilt = new ExecutorClosedError(error.message);
  if (!rebuilt) return error;
  rebuilt.stack = error.stack;
  return rebuilt;
}
var init_remote_error = __esm({
  "src/distributed/remote-error.ts"() {
    "use strict";
    init_cjs_shims();
    init_errors();
  }
});

// src/distributed/progress-relay.ts
function isProgressUpdate(data) {
  return typeof data === "object" && data !== null && Array.isArray(data.ue);
}
var ProgressRelay;
var init_progress_relay = __esm({
  "src/distributed/progress-relay.ts"() {
    "use strict";
    init_cjs_shims();
    init_codec();
    ProgressRelay = class {
      #job;
      #label;
      #buffer = [];
      #scheduled = false;
      /** The last write: writes go in order on one connection, so it settles after the earlier ones. */
      #last = Promise.resolve();
      constructor(job, label) {
        this.#job = job;
        this.#label = label;
      }
      add(value, item) {
        this.#buffer.push([item, encodeValue(value, `value of ctx.progress() in task ${this.#label}`)]);
        if (!this.#scheduled) {
          this.#scheduled = true;
          setImmediate(() => this.#flush());
        }
      }
      /** Every value reported so far is in Redis (or failed to get there: progress is best effort, the result is not). */
      async drain() {
        this.#flush();
        await this.#last;
      }
      #flush() {
        this.#scheduled = false;
        if (this.#buffer.length === 0) return;
        const update = { ue: this.#buffer };
        this.#buffer = [];
        this.#last = this.#job.updateProgress(update).catch(() => void 0);
      }
    };
  }
});

// src/distributed/distributed-backend.ts
var distributed_backend_exports = {};
__export(distributed_backend_exports, {
  createDistributedBackend: () => createDistributedBackend
});
function createDistributedBackend(context) {
  return new DistributedBackend(context);
}
var import_node_crypto, RECONNECT_TIMEOUT, WITHDRAW_GRACE_MS, WORKER_COUNT_REFRESH_MS, RECONCILE_MS, DistributedBackend;
var init_distributed_backend = __esm({
  "src/distributed/distributed-backend.ts"() {
    "use strict";
    init_cjs_shims();
    import_node_crypto = require("crypto");
    init_errors();
    init_client_link();
    init_codec();
    init_connection();
    init_job_data();
    init_remote_error();
    init_submitter_facts();
    init_task_ref();
    init_progress_relay();
    RECONNECT_TIMEOUT = 3e4;
    WITHDRAW_GRACE_MS = 500;
    WORKER_COUNT_REFRESH_MS = 1e3;
    RECONCILE_MS = 5e3;
    DistributedBackend = class {
      kind = "distributed";
      /** The slots this submitter counts on (the workers' own are out of sight); 0 without `concurrency`. */
      concurrency;
      capacity = Number.POSITIVE_INFINITY;
      reportsStart = true;
      /** BullMQ runs the retries (attempts and backoff): a worker that dies mid-job is recovered there too. */
      retriesItself = true;
      mapWindow;
      #retries;
      #retryDelay;
      /** This executor paused the queue (pause() is BullMQ's, for every worker): resumed again at destroy(). */
      #paused = false;
      #events;
      #connection;
      #queueName;
      /** Where task modules are named relative to: the declared `root`, else the current directory. */
      #root;
      #rootDeclared;
      /** Each task's ref, worked out once (a path computation per call showed in profiles). */
      #refs = /* @__PURE__ */ new WeakMap();
      #reconnectTimeout;
      /** Job ids are unique across submitters: this backend's id plus a counter. */
      #clientId = (0, import_node_crypto.randomUUID)();
      #nextId = 1;
      #link;
      /** Aborts a link still waiting for Redis to answer, when the executor closes. */
      #opening = new AbortController();
      /** Redis has been unreachable for longer than `reconnectTimeout`: calls fail fast until it answers. */
      #lost = false;
      /** close() or destroy() began: the connections are going or gone. */
      #closing;
      /** Removals and cancel messages still on their way; close waits for them (briefly). */
      #withdrawals = /* @__PURE__ */ new Set();
      /** The last pause or resume on its way to Redis. */
      #pausing = Promise.resolve();
      #calls = /* @__PURE__ */ new Map();
      #workers = 0;
      #workersAskedAt = 0;
      #reconcileTimer;
      /** A reconcile is running; `#reconcileAgain`: another was asked for meanwhile. */
      #reconciling = false;
      #reconcileAgain = false;
      constructor({ options, events }) {
        redisOptions(options.connection);
        this.#events = events;
        this.#connection = options.connection;
        this.#queueName = options.queue ?? DEFAULT_QUEUE;
        this.#rootDeclared = options.root !== void 0;
        this.#root = options.root === void 0 ? process.cwd() : rootPath(options.root);
        this.#reconnectTimeout = options.reconnectTimeout ?? RECONNECT_TIMEOUT;
        this.concurrency = options.concurrency ?? 0;
        this.mapWindow = options.concurrency ?? MAP_WINDOW;
        this.#retries = options.retries ?? 0;
        this.#retryDelay = options.retryDelay;
      }
      accept(task) {
        refuseClosureRemote(task);
      }
      execute(call, signal) {
        if (signal.aborted) return Promise.reject(signal.reason);
        const { label } = call;
        if (this.#lost) {
          return Promise.reject(
            new ConnectionLostError(
              `Cannot queue task ${label}: Redis at ${describeConnection(this.#connection)} has been unreachable for over ${this.#reconnectTimeout} ms`
            )
          );
        }
        const retries = call.options.retries ?? this.#retries;
        const retryDelay = call.options.retryDelay ?? this.#retryDelay;
        let data;
        try {
          if (typeof retryDelay === "function" || call.options.retryOn !== void 0) {
            throw new TypeError(
              `Task ${label}: ${call.options.retryOn !== void 0 ? "`retryOn`" : "`retryDelay` as a function"} cannot travel to the workers of a distributed executor (BullMQ runs the retries there): give retryDelay in ms, and decide in the task which errors to throw`
            );
          }
          const input = encodeValue(call.input, `input of task ${label}`);
          if (input.length > MAX_INPUT_CHARS) {
            throw new TaskNotPortableError(
              `Cannot queue task ${label}: its input is ${(input.length / 2 ** 20).toFixed(1)} MB encoded, over the ${MAX_INPUT_CHARS / 2 ** 20} MB a job may carry (workers refuse bigger jobs): pass a reference (a path, a key) instead`
            );
          }
          data = {
            task: this.#refOf(call.task),
            label,
            traits: call.task.traits,
            input,
            batch: call.batch,
            // The worker stops the task past it too: the core's timer only gives up on it here.
            timeout: call.timeout,
            retries
          };
        } catch (error) {
          return Promise.reject(error);
        }
        const jobId = `${this.#clientId}-${this.#nextId++}`;
        const priority = call.options.priority ?? 0;
        return new Promise((resolve2, reject) => {
          const remote = {
            jobId,
            call,
            signal,
            state: "waiting",
            added: false,
            retried: 0,
            retryDelay,
            resolve: resolve2,
            reject,
            handleEvent: () => {
              const started = remote.state === "active";
              if (this.#end(remote, false, signal.reason)) this.#withdraw(remote, started);
            }
          };
          this.#calls.set(jobId, remote);
          signal.addEventListener("abort", remote);
          this.#connect().then((link) => this.#calls.has(jobId) ? link.add(label, data, { jobId, priority, retries, retryDelay }).then(() => true) : false).then(
            (added) => {
              remote.added = added;
              if (added && !this.#calls.has(jobId)) this.#withdraw(remote, false);
            },
            (error) => this.#end(remote, false, error)
          );
        });
      }
      #refOf(task) {
        let ref = this.#refs.get(task);
        if (!ref) {
          ref = toTaskRef(task, this.#root, this.#rootDeclared);
          this.#refs.set(task, ref);
        }
        return ref;
      }
      /** Workers connected to the queue, as Redis last said (asked at most once a second). */
      workers() {
        const now = performance.now();
        if (this.#link && !this.#closing && now - this.#workersAskedAt >= WORKER_COUNT_REFRESH_MS) {
          this.#workersAskedAt = now;
          void this.#link.then((link) => link.workers()).then((n) => this.#closing ? void 0 : this.#workers = n, () => void 0);
        }
        return this.#workers;
      }
      /** The core has waited for every call: only the connections are left. */
      close() {
        this.#closing ??= this.#closeLink();
        return this.#closing;
      }
      /** The core has aborted every call (each one's withdrawal is on its way): close the connections now. */
      destroy() {
        for (const remote of [...this.#calls.values()]) {
          this.#end(remote, false, new ExecutorClosedError("The executor was destroyed"));
        }
        if (this.#paused) this.resume();
        return this.close();
      }
      /** executor.pause(): BullMQ's pause of the whole queue, so no worker takes a job until resume(). */
      pause() {
        this.#paused = true;
        this.#queuePause(true);
      }
      resume() {
        this.#paused = false;
        this.#queuePause(false);
      }
      /** In call order (a pause then a resume must reach Redis in that order); close() waits for it briefly. */
      #queuePause(paused) {
        if (this.#closing) return;
        const linking = this.#connect();
        const last = this.#pausing;
        const change = (async () => {
          await last;
          const link = await linking;
          await (paused ? link.pause() : link.resume());
        })().catch((error) => {
          this.#events.emit("warning", {
            type: "pause-failed",
            backend: this.kind,
            message: `Could not ${paused ? "pause" : "resume"} queue '${this.#queueName}': ${error?.message ?? String(error)}`
          });
        });
        this.#pausing = change;
        this.#withdrawals.add(change);
        void change.finally(() => this.#withdrawals.delete(change));
      }
      /**
       * BullMQ will run a failed job again (its backoff, or at once): taskRetry,
       * with the error the worker stored and the delay BullMQ chose.
       */
      async #onRetrying(jobId, until) {
        const remote = this.#calls.get(jobId);
        if (!remote) return;
        const attempt = ++remote.retried;
        let error;
        let delayMs = 0;
        try {
          const link = await this.#connect();
          const stored = await link.readRetry(jobId);
          if (stored.error !== void 0) error = rebuildRemoteError(decodeError(stored.error), remote.call.label, remote.call.timeout);
          if (until !== void 0) delayMs = remote.retryDelay ?? (stored.delayMs || Math.max(0, until - Date.now()));
        } catch {
        }
        if (this.#calls.get(jobId) === remote) remote.call.retried?.(attempt, error, delayMs);
      }
      /** The link to Redis, opened on first use. */
      #connect() {
        if (this.#closing) return Promise.reject(new ExecutorClosedError("The executor is closed"));
        if (!this.#link) {
          const listener = {
            active: (jobId) => this.#onActive(jobId),
            progress: (jobId, data) => this.#onProgress(jobId, data),
            completed: (jobId, returnvalue) => this.#onCompleted(jobId, returnvalue),
            failed: (jobId, reason) => void this.#onFailed(jobId, reason),
            stalled: (jobId) => this.#onStalled(jobId),
            retrying: (jobId, until) => void this.#onRetrying(jobId, until),
            gap: () => void this.#reconcile(),
            lost: () => this.#onLost(),
            reconnected: () => this.#onReconnected(),
            error: () => void 0
            // connection errors surface through `lost`; a task's through its promise
          };
          this.#link = ClientLink.open(this.#connection, this.#queueName, `${this.#clientId}-`, this.#reconnectTimeout, listener, this.#opening.signal);
          this.#link.then(
            () => {
              this.#reconcileTimer ??= setInterval(() => void this.#reconcile(), RECONCILE_MS);
              this.#reconcileTimer.unref();
            },
            () => this.#link = void 0
          );
        }
        return this.#link;
      }
      #onActive(jobId) {
        const remote = this.#calls.get(jobId);
        if (!remote || remote.state === "active") return;
        remote.state = "active";
        queueMicrotask(() => {
          if (this.#calls.get(jobId) === remote) remote.call.markStarted();
        });
      }
      /** `ctx.progress()` values of a job (JSON text of a ProgressUpdate), in order, while its call is live: after its result or abort, none. */
      #onProgress(jobId, data) {
        const remote = this.#calls.get(jobId);
        if (!remote) return;
        let update;
        try {
          update = JSON.parse(data);
        } catch {
          return;
        }
        if (!isProgressUpdate(update)) return;
        for (const [item, encoded] of update.ue) {
          let value;
          try {
            value = decodeValue(encoded);
          } catch {
            continue;
          }
          remote.call.progress(value, item);
        }
      }
      #onCompleted(jobId, returnvalue) {
        const remote = this.#calls.get(jobId);
        if (!remote) {
          void this.#link?.then((link) => link.forget(jobId));
          return;
        }
        let result;
        let value;
        try {
          result = JSON.parse(returnvalue);
          value = decodeValue(result.value);
        } catch (error) {
          this.#end(remote, false, new TaskNotPortableError(`Cannot read the result of task ${remote.call.label} (job ${jobId})`, { cause: error }));
          return;
        }
        if (typeof result.runMs === "number") remote.call.markStarted(performance.now() - result.runMs);
        if (this.#end(remote, true, value)) void this.#link?.then((link) => link.forget(jobId));
      }
      /** `encoded`: the stored error when the caller (reconcile) read it already. */
      async #onFailed(jobId, reason, encoded) {
        const remote = this.#calls.get(jobId);
        if (!remote) return;
        const { label, timeout } = remote.call;
        let error;
        try {
          encoded ??= await (await this.#connect()).readError(jobId);
          error = encoded === void 0 ? void 0 : rebuildRemoteError(decodeError(encoded), label, timeout);
        } catch {
          error = void 0;
        }
        error ??= new WorkerCrashedError(`Task ${label} (job ${jobId}) failed on queue '${this.#queueName}': ${reason}`);
        if (this.#calls.get(jobId) === remote) remote.call.markStarted();
        this.#end(remote, false, error);
      }
      #onStalled(jobId) {
        const remote = this.#calls.get(jobId);
        if (!remote) return;
        const label = remote.call.label;
        this.#events.emit("warning", {
          type: "worker-lost",
          backend: this.kind,
          task: label,
          message: `The worker running task ${label} (job ${jobId}) stopped answering; the job went back to the queue`
        });
      }
      #onLost() {
        this.#lost = true;
        const where = describeConnection(this.#connection);
        for (const remote of [...this.#calls.values()]) {
          const error = new ConnectionLostError(
            `Redis at ${where} has been unreachable for ${this.#reconnectTimeout} ms: task ${remote.call.label} (job ${remote.jobId}) was given up; it may still run when Redis returns`
          );
          this.#end(remote, false, error);
        }
      }
      /** After any break: events may have been missed, and jobs lost with a Redis that restarted. */
      #onReconnected() {
        this.#lost = false;
        void this.#reconcile();
      }
      /**
       * Reads from Redis the state of every job still awaited and settles the
       * finished ones (and fails the ones Redis no longer has). One at a time: a
       * request during a run makes one more run after it.
       */
      async #reconcile() {
        if (this.#reconciling) {
          this.#reconcileAgain = true;
          return;
        }
        this.#reconciling = true;
        try {
          do {
            this.#reconcileAgain = false;
            const link = await this.#link?.catch(() => void 0);
            const awaited = [...this.#calls.values()].filter((remote) => remote.added);
            if (!link || awaited.length === 0) return;
            let states;
            try {
              states = await link.states(awaited.map((remote) => remote.jobId));
            } catch {
              return;
            }
            for (const remote of awaited) {
              if (this.#calls.get(remote.jobId) !== remote) continue;
              const job = states.get(remote.jobId);
              if (job?.state === "completed") this.#onCompleted(remote.jobId, job.returnvalue);
              else if (job?.state === "failed") void this.#onFailed(remote.jobId, job.reason, job.error);
              else if (job?.state === "pending" && job.started) this.#onActive(remote.jobId);
              else if (job?.state === "missing") {
                const error = new ConnectionLostError(
                  `Redis at ${describeConnection(this.#connection)} no longer has job ${remote.jobId} (task ${remote.call.label}): its state was lost (a Redis restart that did not keep it, or a removal by someone else), so whether it ran is unknown`
                );
                this.#end(remote, false, error);
              }
            }
          } while (this.#reconcileAgain);
        } finally {
          this.#reconciling = false;
        }
      }
      /** Settles a call once; false if it was already settled. */
      #end(remote, ok, outcome) {
        if (this.#calls.get(remote.jobId) !== remote) return false;
        this.#calls.delete(remote.jobId);
        remote.signal.removeEventListener("abort", remote);
        if (ok) remote.resolve(outcome);
        else remote.reject(outcome);
        return true;
      }
      /**
       * Best effort, in the background: a waiting job is removed from the queue; a
       * running one (or one a worker took meanwhile) gets a cancel message, and
       * the worker aborts it on its local executor.
       */
      #withdraw(remote, started) {
        if (!remote.added || !this.#link) return;
        const withdrawal = this.#link.then(async (link) => {
          if (started || !await link.remove(remote.jobId)) await link.cancel(remote.jobId);
        }).catch(() => void 0);
        this.#withdrawals.add(withdrawal);
        void withdrawal.finally(() => this.#withdrawals.delete(withdrawal));
      }
      async #closeLink() {
        this.#opening.abort(new ExecutorClosedError("The executor closed before Redis answered"));
        clearInterval(this.#reconcileTimer);
        const link = this.#link;
        this.#link = void 0;
        this.#workers = 0;
        let timer;
        const grace = new Promise((resolve2) => timer = setTimeout(resolve2, WITHDRAW_GRACE_MS));
        await Promise.race([Promise.all(this.#withdrawals), grace]);
        clearTimeout(timer);
        if (link) await (await link.catch(() => void 0))?.close();
      }
    };
  }
});

// src/create-executor.ts
function createExecutor(options = {}) {
  validateOptions(options);
  const backend = options.backend ?? "auto";
  if (backend === "auto") return new AutoExecutor(options);
  const traits = options.traits ?? {};
  const profiles = new TaskProfiles();
  if (backend === "distributed") {
    const decision2 = explainDistributed(options);
    return new LocalExecutor({ factory: distributedFactory, options, traits, decision: () => decision2, profiles });
  }
  const decision = (task) => {
    const explicit = {
      backend,
      rule: "explicit",
      reason: `the executor was created with backend: '${backend}'`,
      size: sizeBackend(backend, traits, options)
    };
    const measured = task === void 0 ? void 0 : profiles.profile(task);
    return measured === void 0 ? explicit : { ...explicit, measured };
  };
  return createLocalExecutor(backend, traits, sizedOptions(backend, traits, options), decision, profiles);
}
var distributedFactory;
var init_create_executor = __esm({
  "src/create-executor.ts"() {
    "use strict";
    init_cjs_shims();
    init_auto();
    init_lazy_backend();
    init_submitter_facts();
    init_local_executor();
    init_options();
    init_sizing();
    init_task_profile();
    distributedFactory = lazyBackend(
      distributedFacts,
      () => Promise.resolve().then(() => (init_distributed_backend(), distributed_backend_exports)).then((m) => m.createDistributedBackend)
    );
  }
});

// src/distributed/cancel-listener.ts
var CancelListener;
var init_cancel_listener = __esm({
  "src/distributed/cancel-listener.ts"() {
    "use strict";
    init_cjs_shims();
    init_connection();
    init_protocol2();
    CancelListener = class _CancelListener {
      #redis;
      constructor(redis) {
        this.#redis = redis;
      }
      static async open(Redis, connection, queue, onCancel) {
        const redis = new Redis(redisOptions(connection));
        redis.on("error", () => void 0);
        const channel = cancelChannel(PREFIX, queue);
        redis.on("message", (from, jobId) => {
          if (from === channel) onCancel(jobId);
        });
        await redis.subscribe(channel);
        return new _CancelListener(redis);
      }
      close() {
        this.#redis.disconnect();
      }
    };
  }
});

// src/distributed/job-runner.ts
async function runJob(context, job, token, signal) {
  const jobId = job.id ?? "?";
  const { bullmq } = context;
  let prepared;
  try {
    prepared = prepare(context, job, jobId);
  } catch (error) {
    await store(context, jobId, error);
    throw new bullmq.UnrecoverableError(`${error.name}: ${error.message}`);
  }
  const { data, task, input } = prepared;
  const release = context.admit(task);
  if (!release && token) {
    await job.moveToWait(token);
    throw new bullmq.WaitingError(`Job ${jobId} went back to the queue: this worker's slots for it are taken`);
  }
  const controller = data.batch ? new AbortController() : void 0;
  const onAbort = () => controller.abort(signal.reason ?? new Error(`Job ${jobId} was cancelled`));
  if (controller) {
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
    (0, import_node_events2.setMaxListeners)(0, controller.signal);
  }
  const runSignal = controller?.signal ?? signal;
  const attempt = (job.attemptsMade ?? 0) + 1;
  const progress = new ProgressRelay(job, data.label);
  const runOptions = {
    ...runSignal ? { signal: runSignal } : {},
    timeout: data.timeout,
    onProgress: (value) => progress.add(value, 0),
    [ATTEMPT]: attempt
  };
  const itemOptions = (item) => ({ ...runOptions, onProgress: (value) => progress.add(value, item) });
  const startedAt = performance.now();
  try {
    const value = controller ? await Promise.all(
      input.map(
        (item, k) => context.executor.run(task, item, itemOptions(k)).catch((error) => {
          controller.abort(error);
          throw error;
        })
      )
    ) : await context.executor.run(task, input, runOptions);
    await progress.drain();
    return { value: encodeValue(value, `result of task ${data.label}`), runMs: performance.now() - startedAt };
  } catch (thrown) {
    await progress.drain();
    if (runSignal?.aborted && context.handingBack() && token) {
      await job.moveToWait(token);
      throw new bullmq.WaitingError(`Job ${jobId} was handed back at worker shutdown`);
    }
    const error = explainLoadError(thrown, data, jobId, context.modules.root);
    await store(context, jobId, error);
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const final = error instanceof TaskLoadError || error instanceof TaskNotPortableError || error instanceof TaskTimeoutError || (signal?.aborted ?? false);
    throw final ? new bullmq.UnrecoverableError(message) : new Error(message);
  } finally {
    release?.();
    if (controller) signal?.removeEventListener("abort", onAbort);
  }
}
function prepare(context, job, jobId) {
  const data = checkJobData(job.data, jobId);
  const stalls = job.stalledCounter ?? 0;
  if (stalls > 0 && job.attemptsMade + stalls > data.retries) {
    throw new WorkerCrashedError(
      `The worker running task ${data.label} (job ${jobId}) died mid-run${stalls > 1 ? ` ${stalls} times` : ""}; it was not run again because retries is ${data.retries} (pass retries for tasks that are safe to re-run)`
    );
  }
  const task = taskOf(context.modules.resolve(data.task, jobId), data.task.name, data.traits);
  let input;
  try {
    input = decodeValue(data.input);
  } catch {
    throw new MalformedJobError(jobId, "data.input", "is not a serialised value (v8.serialize, base64)");
  }
  if (data.batch && !Array.isArray(input)) throw new MalformedJobError(jobId, "data.input", "must hold an array when `data.batch` is true");
  return { data, task, input };
}
function explainLoadError(error, data, jobId, root) {
  if (!(error instanceof TaskLoadError)) return error;
  if (error.message.startsWith(`Cannot load task for job ${jobId}`)) {
    return new TaskLoadError(error.message.replace("Cannot load task for", `Cannot load task ${data.label} for`));
  }
  const cause = error.cause;
  let found;
  if (cause !== void 0) found = `importing it failed with ${summarise(cause)}`;
  else if (/importing module \S+ failed: SyntaxError|^SyntaxError/.test(error.message)) found = "importing it failed with SyntaxError";
  else found = error.message;
  return new TaskLoadError(`Cannot load task ${data.label} for job ${jobId}: module ${describeTaskRef(data.task, root)}: ${found}`);
}
function summarise(cause) {
  const name2 = typeof cause.name === "string" ? cause.name : "Error";
  const code = typeof cause.code === "string" ? ` ${cause.code}` : "";
  if (name2 === "SyntaxError" || typeof cause.message !== "string") {
    const line = typeof cause.stack === "string" ? /^file:\/\/\S*?:(\d+)$/m.exec(cause.stack)?.[1] : void 0;
    return `${name2}${code}${line ? ` (line ${line})` : ""}`;
  }
  return `${name2}${code}: ${cause.message.slice(0, 500)}`;
}
function taskOf(href, name2, traits) {
  const key = `${href}\0${name2}\0${JSON.stringify(traits)}`;
  let task = tasks.get(key);
  if (!task) {
    task = defineTask(href, name2, traits);
    if (tasks.size >= TASKS_REMEMBERED) tasks.delete(tasks.keys().next().value);
    tasks.set(key, task);
  }
  return task;
}
async function store(context, jobId, error) {
  try {
    await context.storeError(jobId, encodeError(error));
  } catch {
  }
}
var import_node_events2, tasks, TASKS_REMEMBERED;
var init_job_runner = __esm({
  "src/distributed/job-runner.ts"() {
    "use strict";
    init_cjs_shims();
    import_node_events2 = require("events");
    init_errors();
    init_task();
    init_codec();
    init_job_data();
    init_task_ref();
    init_progress_relay();
    init_job();
    tasks = /* @__PURE__ */ new Map();
    TASKS_REMEMBERED = 1e3;
  }
});

// src/distributed/module-rules.ts
function within(dir, path) {
  const rel = (0, import_node_path3.relative)(dir, path);
  return rel !== "" && !rel.startsWith(`..${import_node_path3.sep}`) && rel !== ".." && !(0, import_node_path3.isAbsolute)(rel);
}
var import_node_fs3, import_node_path3, import_node_url5, MODULE_EXTENSIONS, REMEMBERED, ModuleRules;
var init_module_rules = __esm({
  "src/distributed/module-rules.ts"() {
    "use strict";
    init_cjs_shims();
    import_node_fs3 = require("fs");
    import_node_path3 = require("path");
    import_node_url5 = require("url");
    init_errors();
    MODULE_EXTENSIONS = /* @__PURE__ */ new Set([".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"]);
    REMEMBERED = 1e3;
    ModuleRules = class {
      root;
      #realRoot;
      #allowed;
      #resolved = /* @__PURE__ */ new Map();
      /** `root` and `allowModules` as given (absolute paths or file: URLs); they must exist. */
      constructor(root, allowModules) {
        this.root = root;
        this.#realRoot = (0, import_node_fs3.realpathSync)(root);
        this.#allowed = allowModules.map((entry) => (0, import_node_fs3.realpathSync)(entry));
      }
      /** The `file:` URL to import for this job's ref, or a TaskLoadError. */
      resolve(ref, jobId) {
        const key = "absolute" in ref ? `a:${ref.absolute}` : `r:${ref.relative}`;
        const known = this.#resolved.get(key);
        if (known) return known;
        const href = this.#check(ref, jobId);
        if (this.#resolved.size >= REMEMBERED) this.#resolved.delete(this.#resolved.keys().next().value);
        this.#resolved.set(key, href);
        return href;
      }
      #check(ref, jobId) {
        const absolute = "absolute" in ref;
        const given = absolute ? ref.absolute : ref.relative;
        const refuse = (why) => new TaskLoadError(`Cannot load task for job ${jobId}: module '${given}' is refused: ${why}`);
        if (/[?#]/.test(given)) throw refuse("a module reference may not carry a query or hash");
        let path;
        if (absolute) {
          if (this.#allowed.length === 0) {
            throw refuse(
              `this worker imports only modules under its root ${this.root}, and absolute paths only when allowModules (createWorker) or --allow-module (CLI) lists them`
            );
          }
          try {
            path = (0, import_node_url5.fileURLToPath)(given);
          } catch {
            throw refuse("an absolute module must be a file: URL");
          }
        } else {
          if (given === "" || (0, import_node_path3.isAbsolute)(given) || given.includes("\\") || given.includes("\0")) {
            throw refuse("a relative module must be a path with / separators under the root");
          }
          path = (0, import_node_path3.resolve)(this.root, ...given.split("/"));
        }
        let real;
        try {
          real = (0, import_node_fs3.realpathSync)(path);
          if (!(0, import_node_fs3.statSync)(real).isFile()) throw new Error("not a file");
        } catch {
          throw refuse(absolute ? "no such file on this worker" : `no such file under the worker's root ${this.root}`);
        }
        if (!MODULE_EXTENSIONS.has((0, import_node_path3.extname)(real))) {
          throw refuse(`only ${[...MODULE_EXTENSIONS].join(" ")} modules are tasks`);
        }
        const under = absolute ? this.#allowed.find((entry) => real === entry || within(entry, real)) : within(this.#realRoot, real) ? this.#realRoot : void 0;
        if (under === void 0) {
          throw refuse(absolute ? "it is not listed in allowModules" : `it resolves (after symlinks) outside the worker's root ${this.root}`);
        }
        if ((0, import_node_path3.relative)(under, real).split(import_node_path3.sep).includes("node_modules")) {
          throw refuse("installed packages (node_modules) are not tasks");
        }
        return (0, import_node_url5.pathToFileURL)(real).href;
      }
    };
  }
});

// src/distributed/admission.ts
var ROUTE_REFRESH, Admission;
var init_admission = __esm({
  "src/distributed/admission.ts"() {
    "use strict";
    init_cjs_shims();
    ROUTE_REFRESH = 256;
    Admission = class {
      #executor;
      #busy = /* @__PURE__ */ new Map();
      /** Each backend's slots, fixed by the first task routed there (the executor sizes it then too). */
      #slots = /* @__PURE__ */ new Map();
      /** Where each task goes, asked again every ROUTE_REFRESH jobs (a policy with `adapt` may move it). */
      #routes = /* @__PURE__ */ new WeakMap();
      #running = 0;
      /** BullMQ's concurrency as configured, and as set now. */
      #configured;
      #limit;
      #setLimit;
      /** `setLimit(n)`: let BullMQ hold at most n jobs at once. */
      constructor(executor, concurrency, setLimit) {
        this.#executor = executor;
        this.#configured = concurrency;
        this.#limit = concurrency;
        this.#setLimit = setLimit;
      }
      /** Takes a slot for `task`: the function that frees it, or undefined when none is free (the job goes back). */
      take(task) {
        let route = this.#routes.get(task);
        if (!route || ++route.uses >= ROUTE_REFRESH) {
          const decision = this.#executor.explain(task);
          route = { backend: decision.backend, uses: 0 };
          this.#routes.set(task, route);
          if (!this.#slots.has(route.backend)) {
            const size = decision.size ?? {};
            this.#slots.set(route.backend, size.concurrency ?? (size.maxWorkers ?? 1) * (size.concurrentTasksPerWorker ?? 1));
          }
        }
        const backend = route.backend;
        const busy = this.#busy.get(backend) ?? 0;
        if (busy >= this.#slots.get(backend)) {
          this.#limit = Math.max(1, this.#running);
          this.#setLimit(this.#limit);
          return void 0;
        }
        this.#busy.set(backend, busy + 1);
        this.#running++;
        if (this.#limit < this.#configured) {
          this.#limit = Math.min(this.#configured, this.#running + 1);
          this.#setLimit(this.#limit);
        }
        let freed = false;
        return () => {
          if (freed) return;
          freed = true;
          this.#busy.set(backend, this.#busy.get(backend) - 1);
          this.#running--;
        };
      }
    };
  }
});

// src/distributed/worker-options.ts
function checkCount2(name2, value, min) {
  if (value === void 0) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new (typeof value === "number" ? RangeError : TypeError)(
      `Expected \`${name2}\` to be an integer from ${min} and up, got \`${String(value)}\` (${typeof value})`
    );
  }
}
function allowedModules(value) {
  if (value === void 0) return [];
  if (!Array.isArray(value)) throw new TypeError(`Expected \`allowModules\` to be an array of absolute paths or file: URLs, got ${typeof value}`);
  return value.map((entry) => {
    if (!(typeof entry === "string" || entry instanceof URL)) {
      throw new TypeError(`Expected each of \`allowModules\` to be an absolute path or a file: URL, got ${typeof entry}`);
    }
    const path = entry instanceof URL || entry.startsWith("file:") ? (0, import_node_url6.fileURLToPath)(entry) : entry;
    if (!(0, import_node_path4.isAbsolute)(path)) throw new TypeError(`Expected each of \`allowModules\` to be an absolute path or a file: URL, got '${path}'`);
    if (!(0, import_node_fs4.existsSync)(path)) throw new TypeError(`\`allowModules\` lists ${path}, which does not exist`);
    return path;
  });
}
function resolveWorkerOptions(options) {
  if (typeof options !== "object" || options === null) throw new TypeError("Expected worker options to be an object");
  for (const key of Object.keys(options)) {
    if (!KNOWN2.has(key)) throw new TypeError(`Unknown worker option \`${key}\``);
  }
  redisOptions(options.connection);
  checkCount2("concurrency", options.concurrency, 1);
  checkCount2("shutdownTimeout", options.shutdownTimeout, 0);
  checkCount2("lockDuration", options.lockDuration, 1);
  checkCount2("stalledInterval", options.stalledInterval, 1);
  if (options.rateLimit !== void 0) validateRateLimit(options.rateLimit);
  const queue = options.queue ?? "unified-executor";
  if (typeof queue !== "string" || !/^[^:]+$/.test(queue)) {
    throw new TypeError(`Expected \`queue\` to be a non-empty name without ':', got '${String(queue)}'`);
  }
  return {
    connection: options.connection,
    queue,
    concurrency: options.concurrency ?? (0, import_node_os4.availableParallelism)(),
    root: options.root === void 0 ? process.cwd() : rootPath(options.root),
    allowModules: allowedModules(options.allowModules),
    executor: { ...options.executor },
    shutdownTimeout: options.shutdownTimeout ?? 3e4,
    lockDuration: options.lockDuration,
    stalledInterval: options.stalledInterval,
    rateLimit: options.rateLimit,
    name: options.name
  };
}
var import_node_fs4, import_node_os4, import_node_path4, import_node_url6, KNOWN2;
var init_worker_options = __esm({
  "src/distributed/worker-options.ts"() {
    "use strict";
    init_cjs_shims();
    import_node_fs4 = require("fs");
    import_node_os4 = require("os");
    import_node_path4 = require("path");
    import_node_url6 = require("url");
    init_options();
    init_connection();
    init_task_ref();
    KNOWN2 = /* @__PURE__ */ new Set(["connection", "queue", "concurrency", "root", "allowModules", "executor", "shutdownTimeout", "lockDuration", "stalledInterval", "rateLimit", "name"]);
  }
});

// src/distributed/worker.ts
var worker_exports = {};
__export(worker_exports, {
  createWorker: () => createWorker
});
function labelOf(data) {
  const label = data?.label;
  return typeof label === "string" ? label.slice(0, 200) : "?";
}
async function createWorker(options) {
  const resolved = resolveWorkerOptions(options);
  const drivers = await loadDrivers();
  const executor = createExecutor(resolved.executor);
  const worker = new QueueWorker(resolved.name ?? `${(0, import_node_os5.hostname)()}:${process.pid}`, executor);
  await worker.start(drivers, resolved);
  return worker;
}
var import_node_os5, import_eventemitter34, NO_STALL_LIMIT, CANCELS_REMEMBERED, QueueWorker;
var init_worker = __esm({
  "src/distributed/worker.ts"() {
    "use strict";
    init_cjs_shims();
    import_node_os5 = require("os");
    import_eventemitter34 = require("eventemitter3");
    init_create_executor();
    init_cancel_listener();
    init_connection();
    init_job_runner();
    init_module_rules();
    init_admission();
    init_load_drivers();
    init_protocol2();
    init_worker_options();
    NO_STALL_LIMIT = Number.MAX_SAFE_INTEGER;
    CANCELS_REMEMBERED = 1e4;
    QueueWorker = class extends import_eventemitter34.EventEmitter {
      name;
      #executor;
      #bull;
      #cancels;
      #commands;
      #running = /* @__PURE__ */ new Set();
      /**
       * Cancels heard for jobs not running here. BullMQ moves a job to active
       * (so the submitter can no longer remove it, and publishes a cancel) a
       * moment before it calls our processor: a cancel in that window would be
       * missed, and a job that never ends would hold a slot for ever. Every worker
       * hears every cancel, so this keeps only the most recent ones.
       */
      #cancelledEarly = /* @__PURE__ */ new Set();
      #handingBack = false;
      #closing;
      #shutdownTimeout = 3e4;
      constructor(name2, executor) {
        super();
        this.name = name2;
        this.#executor = executor;
      }
      get running() {
        return this.#running.size;
      }
      async start(drivers, options) {
        const context = {
          bullmq: drivers.bullmq,
          executor: this.#executor,
          modules: new ModuleRules(options.root, options.allowModules),
          admit: (task) => admission.take(task),
          handingBack: () => this.#handingBack,
          storeError: (jobId, encoded) => commands.hset(`${PREFIX}:${options.queue}:${jobId}`, ERROR_FIELD, encoded)
        };
        const commands = new drivers.Redis(redisOptions(options.connection));
        commands.on("error", () => void 0);
        this.#commands = commands;
        const admission = new Admission(this.#executor, options.concurrency, (limit) => {
          if (!this.#closing) bull.concurrency = limit;
        });
        const cancel = (jobId) => bull.cancelJob(jobId, `Job ${jobId} was cancelled by its submitter`);
        const bull = new drivers.bullmq.Worker(
          options.queue,
          async (job, token, signal) => {
            this.#running.add(job.id);
            if (this.#cancelledEarly.delete(job.id)) cancel(job.id);
            try {
              const result = await runJob(context, job, token, signal);
              this.emit("job", { id: job.id, task: labelOf(job.data), ok: true });
              return result;
            } catch (error) {
              this.emit("job", { id: job.id, task: labelOf(job.data), ok: false });
              throw error;
            } finally {
              this.#running.delete(job.id);
            }
          },
          {
            connection: redisOptions(options.connection),
            prefix: PREFIX,
            name: this.name,
            concurrency: options.concurrency,
            // BullMQ's limiter counts in Redis, so the limit holds across every worker of the queue.
            ...options.rateLimit !== void 0 ? { limiter: { max: options.rateLimit.limit, duration: options.rateLimit.intervalMs } } : {},
            maxStalledCount: NO_STALL_LIMIT,
            ...options.lockDuration !== void 0 ? { lockDuration: options.lockDuration } : {},
            ...options.stalledInterval !== void 0 ? { stalledInterval: options.stalledInterval } : {},
            autorun: false
          }
        );
        bull.on("error", (error) => this.emit("error", error));
        this.#bull = bull;
        this.#cancels = await CancelListener.open(drivers.Redis, options.connection, options.queue, (jobId) => {
          if (this.#running.has(jobId)) cancel(jobId);
          else {
            this.#cancelledEarly.add(jobId);
            if (this.#cancelledEarly.size > CANCELS_REMEMBERED) this.#cancelledEarly.delete(this.#cancelledEarly.values().next().value);
          }
        });
        await bull.waitUntilReady();
        void bull.run().catch((error) => this.emit("error", error));
        this.#shutdownTimeout = options.shutdownTimeout;
      }
      close() {
        this.#closing ??= (async () => {
          const bull = this.#bull;
          const closing = bull.close();
          const timer = setTimeout(() => {
            this.#handingBack = true;
            bull.cancelAllJobs("The worker is shutting down");
          }, this.#shutdownTimeout);
          try {
            await closing;
          } finally {
            clearTimeout(timer);
            this.#cancels?.close();
            this.#commands?.disconnect();
            await this.#executor.destroy();
          }
        })();
        return this.#closing;
      }
      [Symbol.asyncDispose]() {
        return this.close();
      }
    };
  }
});

// src/index.ts
var src_exports = {};
__export(src_exports, {
  ConnectionLostError: () => ConnectionLostError,
  ExecutorClosedError: () => ExecutorClosedError,
  ExecutorError: () => ExecutorError,
  QueueFullError: () => QueueFullError,
  RULES: () => RULES,
  TaskLoadError: () => TaskLoadError,
  TaskNotPortableError: () => TaskNotPortableError,
  TaskTimeoutError: () => TaskTimeoutError,
  WorkerCrashedError: () => WorkerCrashedError,
  createExecutor: () => createExecutor,
  createWorker: () => createWorker2,
  defineTask: () => defineTask,
  isTask: () => isTask,
  selectBackend: () => selectBackend,
  workerFlags: () => workerFlags
});
module.exports = __toCommonJS(src_exports);
init_cjs_shims();
init_create_executor();

// src/distributed/create-worker.ts
init_cjs_shims();
async function createWorker2(options) {
  const worker = await Promise.resolve().then(() => (init_worker(), worker_exports));
  return worker.createWorker(options);
}

// src/index.ts
init_task();
init_rules();
init_worker_flags();
init_errors();
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
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
});
//# sourceMappingURL=index.cjs.map