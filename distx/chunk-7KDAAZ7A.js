import {
  poolFacts
} from "./chunk-66ZMYZSS.js";
import {
  MAX_TIMER_MS,
  MEASURED_AFTER_RUNS,
  adaptedDecision,
  checkTimerOptions,
  describeProfile,
  distributedFacts,
  explainDistributed,
  mapInputProblem,
  measuredDecision,
  notATaskProblem,
  retriesOf,
  retryDecision,
  runOptionsProblem,
  selectBackend,
  validateOptions
} from "./chunk-5KTGPJIW.js";
import {
  ExecutorClosedError,
  QueueFullError,
  TaskLoadError,
  TaskNotPortableError,
  TaskTimeoutError,
  __commonJS,
  __toESM,
  init_esm_shims,
  isTask,
  taskLabel
} from "./chunk-CF3ROOVL.js";

// node_modules/eventemitter3/index.js
var require_eventemitter3 = __commonJS({
  "node_modules/eventemitter3/index.js"(exports, module) {
    "use strict";
    init_esm_shims();
    var has = Object.prototype.hasOwnProperty;
    var prefix = "~";
    function Events() {
    }
    if (Object.create) {
      Events.prototype = /* @__PURE__ */ Object.create(null);
      if (!new Events().__proto__) prefix = false;
    }
    function EE(fn, context, once) {
      this.fn = fn;
      this.context = context;
      this.once = once || false;
    }
    function addListener(emitter, event, fn, context, once) {
      if (typeof fn !== "function") {
        throw new TypeError("The listener must be a function");
      }
      var listener = new EE(fn, context || emitter, once), evt = prefix ? prefix + event : event;
      if (!emitter._events[evt]) emitter._events[evt] = listener, emitter._eventsCount++;
      else if (!emitter._events[evt].fn) emitter._events[evt].push(listener);
      else emitter._events[evt] = [emitter._events[evt], listener];
      return emitter;
    }
    function clearEvent(emitter, evt) {
      if (--emitter._eventsCount === 0) emitter._events = new Events();
      else delete emitter._events[evt];
    }
    function EventEmitter2() {
      this._events = new Events();
      this._eventsCount = 0;
    }
    EventEmitter2.prototype.eventNames = function eventNames() {
      var names = [], events, name;
      if (this._eventsCount === 0) return names;
      for (name in events = this._events) {
        if (has.call(events, name)) names.push(prefix ? name.slice(1) : name);
      }
      if (Object.getOwnPropertySymbols) {
        return names.concat(Object.getOwnPropertySymbols(events));
      }
      return names;
    };
    EventEmitter2.prototype.listeners = function listeners(event) {
      var evt = prefix ? prefix + event : event, handlers = this._events[evt];
      if (!handlers) return [];
      if (handlers.fn) return [handlers.fn];
      for (var i = 0, l = handlers.length, ee = new Array(l); i < l; i++) {
        ee[i] = handlers[i].fn;
      }
      return ee;
    };
    EventEmitter2.prototype.listenerCount = function listenerCount(event) {
      var evt = prefix ? prefix + event : event, listeners = this._events[evt];
      if (!listeners) return 0;
      if (listeners.fn) return 1;
      return listeners.length;
    };
    EventEmitter2.prototype.emit = function emit(event, a1, a2, a3, a4, a5) {
      var evt = prefix ? prefix + event : event;
      if (!this._events[evt]) return false;
      var listeners = this._events[evt], len = arguments.length, args, i;
      if (listeners.fn) {
        if (listeners.once) this.removeListener(event, listeners.fn, void 0, true);
        switch (len) {
          case 1:
            return listeners.fn.call(listeners.context), true;
          case 2:
            return listeners.fn.call(listeners.context, a1), true;
          case 3:
            return listeners.fn.call(listeners.context, a1, a2), true;
          case 4:
            return listeners.fn.call(listeners.context, a1, a2, a3), true;
          case 5:
            return listeners.fn.call(listeners.context, a1, a2, a3, a4), true;
          case 6:
            return listeners.fn.call(listeners.context, a1, a2, a3, a4, a5), true;
        }
        for (i = 1, args = new Array(len - 1); i < len; i++) {
          args[i - 1] = arguments[i];
        }
        listeners.fn.apply(listeners.context, args);
      } else {
        var length = listeners.length, j;
        for (i = 0; i < length; i++) {
          if (listeners[i].once) this.removeListener(event, listeners[i].fn, void 0, true);
          switch (len) {
            case 1:
              listeners[i].fn.call(listeners[i].context);
              break;
            case 2:
              listeners[i].fn.call(listeners[i].context, a1);
              break;
            case 3:
              listeners[i].fn.call(listeners[i].context, a1, a2);
              break;
            case 4:
              listeners[i].fn.call(listeners[i].context, a1, a2, a3);
              break;
            default:
              if (!args) for (j = 1, args = new Array(len - 1); j < len; j++) {
                args[j - 1] = arguments[j];
              }
              listeners[i].fn.apply(listeners[i].context, args);
          }
        }
      }
      return true;
    };
    EventEmitter2.prototype.on = function on(event, fn, context) {
      return addListener(this, event, fn, context, false);
    };
    EventEmitter2.prototype.once = function once(event, fn, context) {
      return addListener(this, event, fn, context, true);
    };
    EventEmitter2.prototype.removeListener = function removeListener(event, fn, context, once) {
      var evt = prefix ? prefix + event : event;
      if (!this._events[evt]) return this;
      if (!fn) {
        clearEvent(this, evt);
        return this;
      }
      var listeners = this._events[evt];
      if (listeners.fn) {
        if (listeners.fn === fn && (!once || listeners.once) && (!context || listeners.context === context)) {
          clearEvent(this, evt);
        }
      } else {
        for (var i = 0, events = [], length = listeners.length; i < length; i++) {
          if (listeners[i].fn !== fn || once && !listeners[i].once || context && listeners[i].context !== context) {
            events.push(listeners[i]);
          }
        }
        if (events.length) this._events[evt] = events.length === 1 ? events[0] : events;
        else clearEvent(this, evt);
      }
      return this;
    };
    EventEmitter2.prototype.removeAllListeners = function removeAllListeners(event) {
      var evt;
      if (event) {
        evt = prefix ? prefix + event : event;
        if (this._events[evt]) clearEvent(this, evt);
      } else {
        this._events = new Events();
        this._eventsCount = 0;
      }
      return this;
    };
    EventEmitter2.prototype.off = EventEmitter2.prototype.removeListener;
    EventEmitter2.prototype.addListener = EventEmitter2.prototype.on;
    EventEmitter2.prefixed = prefix;
    EventEmitter2.EventEmitter = EventEmitter2;
    if ("undefined" !== typeof module) {
      module.exports = EventEmitter2;
    }
  }
});

// node_modules/eventemitter3/index.mjs
init_esm_shims();
var import_index = __toESM(require_eventemitter3(), 1);

// src/create-executor.ts
init_esm_shims();

// src/policy/auto.ts
init_esm_shims();

// src/backends/index.ts
init_esm_shims();

// src/backends/async.ts
init_esm_shims();

// src/worker/task-loader.ts
init_esm_shims();
var modules = /* @__PURE__ */ new Map();
var functions = /* @__PURE__ */ new Map();
function loadedTaskFunction(module, name) {
  return functions.get(`${module}#${name}`);
}
async function loadTaskFunction(module, name) {
  const key = `${module}#${name}`;
  const cached = functions.get(key);
  if (cached) return cached;
  let namespace = modules.get(module);
  if (!namespace) {
    namespace = import(module);
    modules.set(module, namespace);
    namespace.catch(() => modules.delete(module));
  }
  let exports;
  try {
    exports = await namespace;
  } catch (error) {
    throw new TaskLoadError(
      `Cannot load task ${name}: importing module ${module} failed: ${error?.message ?? String(error)}`,
      { cause: error }
    );
  }
  const fn = findExport(exports, name);
  if (typeof fn !== "function") {
    const found = fn === void 0 ? "has no such export" : `exports a ${typeof fn}, not a function`;
    throw new TaskLoadError(`Cannot load task: module ${module} ${found} named '${name}'`);
  }
  functions.set(key, fn);
  return fn;
}
function findExport(exports, name) {
  if (Object.hasOwn(exports, name)) return exports[name];
  const commonjs = exports.default;
  if (commonjs !== null && (typeof commonjs === "object" || typeof commonjs === "function") && Object.hasOwn(commonjs, name)) {
    return commonjs[name];
  }
  return void 0;
}

// src/core/task-signal.ts
init_esm_shims();
var ABORT_EVENT = Object.freeze({ type: "abort" });
var TaskSignal = class {
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
function settleOnAbort(promise, signal) {
  if (signal.aborted) {
    promise.catch(() => void 0);
    return Promise.reject(signal.reason);
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      }
    );
  });
}

// src/policy/task-profile.ts
init_esm_shims();
var MAX_PROFILED_TASKS = 256;
var RING = 16;
var CPU_SHARE = 0.5;
var SYNC_SHARE = 0.5;
var RUN = 0;
var CPU = RING;
var SYNC = RING * 2;
var SAMPLE_FIRST = 16;
var SAMPLE_ONE_IN = 64;
function isSampled(calls) {
  return calls <= SAMPLE_FIRST || calls % SAMPLE_ONE_IN === 0;
}
function measurementEnabled() {
  return process.env.UNIFIED_EXECUTOR_MEASURE !== "0";
}
var ProfileEntry = class {
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
function share(part, whole) {
  if (!(whole > 0)) return 1;
  return Math.min(1, Math.max(0, part / whole));
}
var scratch = new Float64Array(RING);
function median(values, offset, n) {
  let count = 0;
  for (let i = offset; i < offset + n; i++) if (!Number.isNaN(values[i])) scratch[count++] = values[i];
  if (count === 0) return Number.NaN;
  const sorted = scratch.subarray(0, count).sort();
  const mid = count >> 1;
  return count % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
var TaskProfiles = class {
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

// src/policy/run-queue-clock.ts
init_esm_shims();
import { createRequire } from "module";
var { closeSync, openSync, readSync } = createRequire(import.meta.url)("node:fs");
var SPACE = 32;
var ZERO = 48;
var NINE = 57;
var RunQueueClock = class {
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

// src/policy/sample-ration.ts
init_esm_shims();
var SampleRation = class {
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

// src/core/task-context.ts
init_esm_shims();
function wantsContext(fn) {
  return fn.length >= 2;
}
var CallContext = class {
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
function pollOnRead(signal, context) {
  const native = Object.getOwnPropertyDescriptor(AbortSignal.prototype, "aborted").get;
  Object.defineProperty(signal, "aborted", {
    get() {
      return native.call(this) || context.aborted;
    }
  });
  signal.throwIfAborted = () => context.throwIfAborted();
}

// src/backends/async.ts
var DEFAULT_ASYNC_CONCURRENCY = 500;
var DEFAULT_BLOCK_WARNING_MS = 100;
var DRIFT_INTERVAL_MS = 20;
var LONG_SYNC_MS = 0.05;
var SAMPLE_BUDGET_ONE_IN = 32;
var SAMPLE_BURST = 256;
var NEW_FUNCTION_ONE_IN = 256;
function createAsyncBackend(context) {
  return new AsyncBackend(context);
}
var AsyncBackend = class {
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
      const { module, name } = task;
      return loadTaskFunction(module, name).then(() => this.runNow(task, input, label, id));
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
function invoke(fn, input, batch, sink, source) {
  if (sink === void 0) return batch ? Promise.all(input.map((item) => fn(item))) : fn(input);
  if (!batch) return fn(input, new CallContext(sink, 0, source));
  return Promise.all(input.map((item, k) => fn(item, new CallContext(sink, k, source))));
}
var DirectProgress = class {
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
var Thrown = class {
  constructor(error) {
    this.error = error;
  }
  error;
};
function isThenable(value) {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof value.then === "function";
}

// src/backends/lazy-backend.ts
init_esm_shims();
function lazyBackend(facts, load) {
  return (context) => new LazyBackend(context, facts(context.options), load);
}
var LazyBackend = class {
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

// src/backends/index.ts
var backendFactories = {
  async: createAsyncBackend,
  thread: lazyBackend(
    (options) => poolFacts("thread", options),
    () => import("./thread-SX5NVU5F.js").then((m) => m.createThreadBackend)
  ),
  process: lazyBackend(
    (options) => poolFacts("process", options),
    () => import("./pool-TGKCQPF3.js").then((m) => m.createProcessBackend)
  )
};

// src/core/local-executor.ts
init_esm_shims();

// node_modules/p-queue/dist/index.js
init_esm_shims();

// node_modules/p-timeout/index.js
init_esm_shims();
var TimeoutError = class _TimeoutError extends Error {
  name = "TimeoutError";
  constructor(message, options) {
    super(message, options);
    Error.captureStackTrace?.(this, _TimeoutError);
  }
};
var getAbortedReason = (signal) => signal.reason ?? new DOMException("This operation was aborted.", "AbortError");
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
  const wrappedPromise = new Promise((resolve, reject) => {
    if (typeof milliseconds !== "number" || Math.sign(milliseconds) !== 1) {
      throw new TypeError(`Expected \`milliseconds\` to be a positive number, got \`${milliseconds}\``);
    }
    if (signal?.aborted) {
      reject(getAbortedReason(signal));
      promise.then(resolve, reject);
      return;
    }
    if (signal) {
      abortHandler = () => {
        reject(getAbortedReason(signal));
      };
      signal.addEventListener("abort", abortHandler, { once: true });
    }
    promise.then(resolve, reject);
    if (milliseconds === Number.POSITIVE_INFINITY) {
      return;
    }
    const timeoutError = new TimeoutError();
    timer = customTimers.setTimeout.call(void 0, () => {
      if (fallback) {
        try {
          resolve(fallback());
        } catch (error) {
          reject(error);
        }
        return;
      }
      if (typeof promise.cancel === "function") {
        promise.cancel();
      }
      if (message === false) {
        resolve();
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

// node_modules/p-queue/dist/priority-queue.js
init_esm_shims();

// node_modules/p-queue/dist/lower-bound.js
init_esm_shims();
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

// node_modules/p-queue/dist/priority-queue.js
var compactionThreshold = 100;
var PriorityQueue = class {
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

// node_modules/p-queue/dist/index.js
var PQueue = class extends import_index.default {
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
    return new Promise((resolve, reject) => {
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
          resolve(result);
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
    return new Promise((resolve) => {
      const listener = () => {
        if (filter && !filter()) {
          return;
        }
        for (const event of eventList) {
          this.off(event, listener);
        }
        resolve();
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

// src/core/direct-calls.ts
init_esm_shims();
var DirectCall = class {
  constructor(id, label, queuedAt, startedAt) {
    this.id = id;
    this.label = label;
    this.queuedAt = queuedAt;
    this.startedAt = startedAt;
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
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
var DirectCalls = class {
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
function isThenable2(value) {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof value.then === "function";
}

// src/core/job.ts
init_esm_shims();
var ATTEMPT = /* @__PURE__ */ Symbol.for("unified-executor.attempt");
var Job = class extends TaskSignal {
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
    return new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
};

// src/core/map.ts
init_esm_shims();
import { setMaxListeners } from "events";

// src/core/shared-signal.ts
init_esm_shims();
var FollowerGroup = class {
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
var groups = /* @__PURE__ */ new WeakMap();
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

// src/core/map.ts
var AUTO_MIN = 1;
var AUTO_MAX = 512;
var AUTO_TARGET_MS = 4;
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
  setMaxListeners(0, controller.signal);
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

// src/core/rate-limiter.ts
init_esm_shims();
var RateLimiter = class {
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

// src/core/retry-first-queue.ts
init_esm_shims();
var COMPACTION_THRESHOLD = 100;
var RetryFirstQueue = class {
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

// src/core/stats.ts
init_esm_shims();
var SAMPLE_WINDOW = 1024;
var LatencyWindow = class {
  #samples = new Float64Array(SAMPLE_WINDOW);
  #count = 0;
  add(ms) {
    this.#samples[this.#count % SAMPLE_WINDOW] = ms;
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
var TaskTally = class {
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

// src/core/local-executor.ts
var NO_OPTIONS = Object.freeze({});
var DONE = Promise.resolve();
var LocalExecutor = class extends import_index.default {
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
    return new Promise((resolve) => this.once("idle", resolve));
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
    return new Promise((resolve) => {
      if (this.#roomWaiters === void 0) {
        this.#roomWaiters = [];
        this.#queue.on("active", this.#checkRoom);
        this.#queue.on("next", this.#checkRoom);
      }
      this.#roomWaiters.push({ n, resolve });
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
    const loading = this.#backend.loading;
    if (loading !== void 0) {
      this.#awaitingLoad.add(job);
      return loading.then(() => {
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
function itemProgress(onProgress, first) {
  return (value, item = 0) => onProgress(value, first + item);
}
function timeOut(job) {
  job.abort(new TaskTimeoutError(job.label, job.timeout));
}

// src/policy/sizing.ts
init_esm_shims();
import { availableParallelism } from "os";
function ioThreadCount(cpus = availableParallelism()) {
  return Math.min(32, cpus + 4);
}
function sizeBackend(backend, traits, options, measured) {
  const cpus = availableParallelism();
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

// src/policy/auto.ts
var FORWARDED = ["taskStart", "taskEnd", "taskError", "taskProgress", "workerSpawn", "workerExit", "warning"];
var AutoExecutor = class extends import_index.default {
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
    for (const [name, child] of this.#children) backends[name] = child.stats();
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

// src/create-executor.ts
var distributedFactory = lazyBackend(
  distributedFacts,
  () => import("./distributed-backend-MFAWU4OH.js").then((m) => m.createDistributedBackend)
);
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

export {
  import_index,
  ATTEMPT,
  createExecutor
};
//# sourceMappingURL=chunk-7KDAAZ7A.js.map