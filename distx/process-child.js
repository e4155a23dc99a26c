globalThis.__T=(l)=>process.stderr.write(l+" "+(Number(process.hrtime.bigint()/1000n)/1000 - Number(process.env.T0||0)).toFixed(1)+"\n");__T("child-entry");
// src/worker/process-child.ts
import { Worker } from "worker_threads";

// src/errors.ts
var ExecutorError = class extends Error {
  code;
  constructor(code, message, options) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
};
var TaskNotPortableError = class extends ExecutorError {
  constructor(message, options) {
    super("ERR_TASK_NOT_PORTABLE", message, options);
  }
};
var TaskLoadError = class extends ExecutorError {
  constructor(message, options) {
    super("ERR_TASK_LOAD", message, options);
  }
};
var raisedInWorkers = {
  ERR_TASK_LOAD: TaskLoadError,
  ERR_TASK_NOT_PORTABLE: TaskNotPortableError
};
function executorErrorFromCode(code, message) {
  const ErrorClass = raisedInWorkers[code];
  return ErrorClass ? new ErrorClass(message) : void 0;
}

// src/worker/serialize-error.ts
var builtins = {
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
var builtinByPrototype = new Map(
  Object.entries(builtins).map(([name, ctor]) => [ctor.prototype, name])
);
var MAX_DEPTH = 8;
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
    const name = builtinByPrototype.get(proto);
    if (name) return name;
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

// src/worker/task-loader.ts
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

// src/worker/cloneable.ts
var CLONEABLE_AS_IS = [Date, RegExp, ArrayBuffer, DataView, Error, Boolean, Number, String];
var MAX_NODES = 1e4;
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

// src/policy/run-queue-clock.ts
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

// src/worker/cpu-clock.ts
import { isMainThread } from "worker_threads";
function cpuClock(schedstat) {
  return () => {
    if (schedstat.read() !== void 0) return schedstat.cpuMs;
    if (!isMainThread) return void 0;
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e3;
  };
}

// src/worker/protocol.ts
var TAG = {
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
var CALL_FLAG = {
  batch: 1,
  timed: 2
};
var ATTEMPT_SHIFT = 2;
function attemptOf(flags) {
  return (flags >>> ATTEMPT_SHIFT) + 1;
}
var PROGRESS = 2;
var RUN_STRIDE = 4;
var RESULT_STRIDE = 4;

// src/core/task-context.ts
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

// src/core/task-signal.ts
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

// src/worker/call-loop.ts
var TINY_MS = 0.02;
var FLUSH_MS = 0.2;
var PROGRESS_FLUSH_MS = 1;
var SAMPLE_FIRST = 8;
var SAMPLE_EVERY = 32;
var LoopCall = class extends TaskSignal {
  constructor(loop2, call, label) {
    super();
    this.loop = loop2;
    this.call = call;
    this.label = label;
    this.attempt = attemptOf(call.flags);
  }
  loop;
  call;
  label;
  /** Its result is in the outbox: later progress is dropped. */
  settled = false;
  attempt;
  progress(value, item) {
    this.loop.progress(this, value, item);
  }
  /** Threads: reads the call's abort flag in shared memory (see abort-flags.ts). */
  poll = () => {
    this.loop.pollAbort(this);
  };
};
var CallLoop = class {
  #post;
  #perWorker;
  #definitions = [];
  #inbox = [];
  #head = 0;
  /** Calls started and not settled (promises pending). */
  #active = /* @__PURE__ */ new Set();
  #outbox = [TAG.results];
  #outboxKeys = [];
  /** When the oldest result in the outbox was recorded, and the inbound message of its call. */
  #outboxSince = 0;
  #outboxMessage = 0;
  /** A progress value sits in the outbox (see progress()). */
  #progressWaiting = false;
  /** When a message last carried progress values. */
  #lastProgressFlush = -Infinity;
  /** Inbound `run` messages so far. */
  #messages = 0;
  #pumping = false;
  /** executor.pause(): calls wait in the inbox until `resume`. */
  #paused = false;
  #flushScheduled = false;
  #flushSoon = () => {
    this.#flushScheduled = false;
    this.#flush();
  };
  /** This thread's wait for a CPU: a busy machine must not make a computing call look blocked. */
  #runQueue = new RunQueueClock();
  /**
   * Inside a task function's synchronous part. Still true when this thread
   * runs anything else means the runtime cut the call short without an
   * exception: Deno does that to a thread's task that runs out of heap.
   */
  #inCall = false;
  #cpu = cpuClock(this.#runQueue);
  /** Running calls that take a context, by id: a cancel aborts their signal. */
  #withContext = /* @__PURE__ */ new Map();
  /** Cancels that came before their call (taken early from a thread's port): skipped when the call comes. */
  #cancelledEarly = /* @__PURE__ */ new Set();
  #maxId = 0;
  #flags;
  /** Threads: takes waiting messages from the port now (a cancel's reason), in the middle of a synchronous task. */
  #takeMessages;
  /**
   * `flags` and `takeMessages`: threads only, where the pool can mark an abort
   * in shared memory that a synchronous loop sees when it reads ctx.signal.aborted.
   */
  constructor(post, perWorker, flags, takeMessages) {
    this.#post = post;
    this.#perWorker = perWorker;
    this.#flags = flags;
    this.#takeMessages = takeMessages;
  }
  /** A call was cut short by the runtime (see #inCall): it will never settle. */
  get interrupted() {
    return this.#inCall;
  }
  receive(message) {
    switch (message[0]) {
      case TAG.run: {
        const seq = ++this.#messages;
        for (let i = 1; i < message.length; i += RUN_STRIDE) {
          const id = message[i];
          if (id > this.#maxId) this.#maxId = id;
          if (this.#cancelledEarly.size > 0 && this.#cancelledEarly.delete(id)) {
            this.#post([TAG.dropped, id]);
            continue;
          }
          this.#inbox.push({ id, key: message[i + 1], flags: message[i + 2], input: message[i + 3], message: seq });
        }
        this.#pump();
        break;
      }
      case TAG.cancel:
        this.#cancel(message[1], message[2]);
        break;
      case TAG.define:
        this.#definitions[message[1]] = { module: message[2], name: message[3], label: message[4], calls: 0, tiny: [false, false] };
        break;
      case TAG.drop:
        this.#drop(message.slice(1));
        break;
      case TAG.pause:
        this.#paused = true;
        if (this.#outbox.length > 1) this.#flush();
        this.#post([TAG.paused, ...this.#active]);
        break;
      case TAG.resume:
        this.#paused = false;
        this.#pump();
        break;
    }
  }
  /**
   * Aborted before the pool saw them start. Each gets one answer, so the pool
   * knows when its slot is free: skipped (`dropped`), already running
   * (`started`: the pool ends this worker), or settled (its result).
   */
  #drop(ids) {
    const running = [];
    const dropped = [];
    for (const id of ids) {
      const at = this.#inbox.findIndex((call, index) => index >= this.#head && call.id === id);
      if (at !== -1) {
        this.#inbox.splice(at, 1);
        dropped.push(id);
      } else if (this.#active.has(id)) running.push(id);
    }
    if (running.length > 0) this.#post([TAG.started, ...running]);
    if (dropped.length > 0) this.#post([TAG.dropped, ...dropped]);
  }
  /**
   * A running call was aborted or timed out. A task that takes a context has
   * its signal aborted (the pool waits `abortGraceMs` for its result); one that
   * does not cannot hear it, so the pool is told at once (`started`) and ends
   * this worker, as before contexts. A call not started yet is skipped.
   */
  #cancel(id, reason) {
    const call = this.#withContext.get(id);
    if (call !== void 0) {
      call.abort(deserializeError(reason));
      return;
    }
    if (this.#active.has(id)) {
      this.#post([TAG.started, id]);
      return;
    }
    const at = this.#inbox.findIndex((waiting, index) => index >= this.#head && waiting?.id === id);
    if (at !== -1) {
      this.#inbox.splice(at, 1);
      this.#post([TAG.dropped, id]);
    } else if (id > this.#maxId) this.#cancelledEarly.add(id);
  }
  /** Threads: the pool marked this call aborted in shared memory; take the cancel (with its reason) from the port now. */
  pollAbort(call) {
    if (call.aborted || this.#flags === void 0 || !this.#flags.isSet(call.call.id)) return;
    this.#takeMessages?.();
  }
  /** A value from a context's progress(): cloned now (the task may change it next), sent with the results. */
  progress(call, value, item) {
    if (call.settled) return;
    let sent = value;
    if (typeof value === "object" && value !== null || typeof value === "function" || typeof value === "symbol") {
      try {
        sent = structuredClone(value);
      } catch (error) {
        const found = findUncloneable(value, "value") ?? error?.message ?? String(error);
        throw new TaskNotPortableError(
          `Task ${call.label} passed ctx.progress() a value that cannot be cloned to the caller: ${found}. Report plain data (objects, arrays, numbers, strings, typed arrays, Map, Set, Date)`
        );
      }
    }
    this.#outbox.push(call.call.id, PROGRESS, sent, item);
    this.#outboxKeys.push(call.call.key);
    this.#progressWaiting = true;
    if (performance.now() - this.#lastProgressFlush >= PROGRESS_FLUSH_MS) this.#flush();
    else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flushSoon);
    }
  }
  /** Starts waiting calls while slots are free; sends the results at the end. */
  #pump() {
    if (this.#pumping) return;
    this.#pumping = true;
    const inbox = this.#inbox;
    while (!this.#paused && this.#active.size < this.#perWorker && this.#head < inbox.length) {
      const call = inbox[this.#head];
      inbox[this.#head++] = void 0;
      if (this.#outbox.length > 1 && !this.#mayHoldResultsBefore(call)) this.#flush();
      this.#start(call);
    }
    if (this.#head === inbox.length) {
      inbox.length = 0;
      this.#head = 0;
    }
    this.#pumping = false;
    if (this.#outbox.length === 1) return;
    if (this.#active.size === 0) this.#flush();
    else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flushSoon);
    }
  }
  /**
   * Whether the results in the outbox may wait for `next` to run (else they go
   * first, and the pool hears of next's start as it happens). Only when next is
   * safe to wait for: no timeout or signal, its task measured tiny, from the
   * same inbound message, and the oldest result not older than FLUSH_MS.
   */
  #mayHoldResultsBefore(next) {
    if ((next.flags & CALL_FLAG.timed) !== 0 || next.message !== this.#outboxMessage) return false;
    if (!this.#definitions[next.key].tiny[next.flags & CALL_FLAG.batch]) return false;
    return performance.now() - this.#outboxSince < FLUSH_MS;
  }
  #start(call) {
    const definition = this.#definitions[call.key];
    const fn = loadedTaskFunction(definition.module, definition.name);
    if (fn === void 0) {
      this.#active.add(call.id);
      loadTaskFunction(definition.module, definition.name).then(
        () => {
          this.#active.delete(call.id);
          this.#flush();
          this.#start(call);
          this.#pump();
        },
        (error) => this.#settled(call, false, serializeError(error), performance.now(), void 0, 0)
      );
      return;
    }
    const batch = call.flags & CALL_FLAG.batch;
    const sampled = ++definition.calls <= SAMPLE_FIRST || definition.calls % SAMPLE_EVERY === 0;
    if (definition.wantsContext === void 0) {
      definition.wantsContext = wantsContext(fn);
      if (!definition.wantsContext) this.#post([TAG.deaf, call.key]);
    }
    const context = definition.wantsContext ? this.#contextOf(call, definition) : void 0;
    const queuedBefore = sampled ? this.#runQueue.read() : void 0;
    const began = performance.now();
    const cpuBefore = sampled ? this.#cpu() : void 0;
    let result;
    let threw = false;
    this.#inCall = true;
    try {
      if (context !== void 0) result = runWithContext(fn, call.input, batch === 1, context, this.#flags === void 0 ? void 0 : context.poll);
      else result = batch ? runBatch(fn, call.input) : fn(call.input);
    } catch (error) {
      result = error;
      threw = true;
    }
    this.#inCall = false;
    const syncMs = performance.now() - began;
    definition.tiny[batch] = syncMs < TINY_MS;
    if (threw) {
      this.#record(call, false, serializeError(result), syncMs, syncMs, cpuBefore, sampled, this.#queued(queuedBefore));
      return;
    }
    if (!isThenable(result)) {
      this.#record(call, true, result, syncMs, syncMs, cpuBefore, sampled, this.#queued(queuedBefore));
      return;
    }
    const queuedMs = this.#queued(queuedBefore);
    this.#active.add(call.id);
    result.then(
      (value) => this.#settled(call, true, value, began, sampled ? cpuBefore : void 0, syncMs, sampled, queuedMs),
      (error) => this.#settled(call, false, serializeError(error), began, sampled ? cpuBefore : void 0, syncMs, sampled, queuedMs)
    );
  }
  /** The context sink of a call whose task takes one; the pool's cancel finds it by id until it settles. */
  #contextOf(call, definition) {
    const context = new LoopCall(this, call, definition.label);
    this.#withContext.set(call.id, context);
    return context;
  }
  #settled(call, ok, value, began, cpuBefore, syncMs, sampled = false, queuedMs = 0) {
    this.#active.delete(call.id);
    this.#record(call, ok, value, performance.now() - began, syncMs, cpuBefore, sampled, queuedMs);
    this.#pump();
  }
  /** The thread's wait for a CPU since `before` (its synchronous part), ms. */
  #queued(before) {
    if (before === void 0) return 0;
    const after = this.#runQueue.read();
    return after === void 0 ? 0 : Math.max(0, after - before);
  }
  /** A settled call's result into the outbox (`runMs`: from its start to now). */
  #record(call, ok, value, runMs, syncMs, cpuBefore, sampled, queuedMs = 0) {
    if (this.#withContext.size > 0) {
      const context = this.#withContext.get(call.id);
      if (context !== void 0) {
        context.settled = true;
        this.#withContext.delete(call.id);
        this.#flags?.clear(call.id);
      }
    }
    let sample = 0;
    if (sampled) {
      const cpuAfter = cpuBefore === void 0 ? void 0 : this.#cpu();
      sample = [runMs, syncMs, cpuAfter === void 0 ? void 0 : cpuAfter - cpuBefore, queuedMs];
    }
    if (this.#outbox.length === 1) {
      this.#outboxSince = performance.now();
      this.#outboxMessage = call.message;
    }
    this.#outbox.push(call.id, ok ? 1 : 0, value, sample);
    this.#outboxKeys.push(call.key);
  }
  #flush() {
    const message = this.#outbox;
    if (message.length === 1) return;
    const keys = this.#outboxKeys;
    if (this.#progressWaiting) {
      this.#progressWaiting = false;
      this.#lastProgressFlush = performance.now();
    }
    this.#outbox = [TAG.results];
    this.#outboxKeys = [];
    try {
      this.#post(message);
    } catch {
      for (let i = 1, n = 0; i < message.length; i += RESULT_STRIDE, n++) {
        const id = message[i];
        try {
          this.#post([TAG.results, id, message[i + 1], message[i + 2], message[i + 3]]);
        } catch (error) {
          this.#post([TAG.results, id, 0, serializeError(this.#notPortable(keys[n], message[i + 2], error)), 0]);
        }
      }
    }
  }
  #notPortable(key, value, error) {
    const label = this.#definitions[key]?.label ?? "unknown";
    const found = findUncloneable(value, "result") ?? error?.message ?? String(error);
    return new TaskNotPortableError(
      `Task ${label} returned a value that cannot be cloned back to the caller: ${found}. Return plain data (objects, arrays, numbers, strings, typed arrays, Map, Set, Date)`
    );
  }
};
function runWithContext(fn, input, batch, call, poll) {
  if (!batch) return fn(input, new CallContext(call, 0, call, poll));
  const results = input.map((item, k) => fn(item, new CallContext(call, k, call, poll)));
  return results.some(isThenable) ? Promise.all(results) : results;
}
function runBatch(fn, inputs) {
  const results = inputs.map((input) => fn(input));
  return results.some(isThenable) ? Promise.all(results) : results;
}
function isThenable(value) {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof value.then === "function";
}

// src/worker/runtime.ts
import { createRequire as createRequire2 } from "module";
var RUNTIME = process.versions.bun ? "bun" : process.versions.deno ? "deno" : "node";
var RUNTIME_LABEL = RUNTIME === "bun" ? `Bun ${process.versions.bun}` : RUNTIME === "deno" ? `Deno ${process.versions.deno}` : `Node ${process.versions.node}`;
var checkIpcCloneable = RUNTIME === "node" ? () => {
} : (message) => void v8().serialize(message);
function v8() {
  return createRequire2(import.meta.url)("node:v8");
}

// src/backends/process/start-guard.ts
import { writeSync } from "fs";
var POOL_CHILD_ENV = "UNIFIED_EXECUTOR_POOL_CHILD";
function takePoolMark() {
  const marked = process.env[POOL_CHILD_ENV] !== void 0;
  delete process.env[POOL_CHILD_ENV];
  return marked && typeof process.send === "function";
}

// src/worker/process-child.ts
if (!takePoolMark()) {
  console.error(
    `unified-executor: process-child.js runs only as a child forked by the process backend (process ${process.pid} ${process.send ? "has no pool mark in its environment" : "has no IPC channel"}); exiting`
  );
  process.exit(1);
}
var sendRaw = process.send.bind(process);
var send = (message) => {
  checkIpcCloneable(message);
  return sendRaw(message);
};
var loop = new CallLoop((message) => {
  if (process.connected) send(message);
}, Number(process.argv[2]) || 1);
process.on("message", (message) => {__T("child-msg"); loop.receive(message)});
process.on("disconnect", () => process.exit(0));
process.on("SIGINT", () => {
});
process.on("SIGTERM", () => {
});
process.on("error", (error) => {
  if (error.code === "EPIPE" || error.code === "ERR_IPC_CHANNEL_CLOSED") process.exit(0);
  throw error;
});
__T("child-ready");if (process.connected) send([TAG.ready]);
if (process.argv[3] !== "guarded") watchParent();
function watchParent() {
  const source = `
    const { workerData } = require('node:worker_threads');
    setInterval(() => { if (process.ppid !== workerData) process.kill(process.pid, 'SIGKILL'); }, 1000);
  `;
  try {
    const watchdog = new Worker(source, { eval: true, workerData: process.ppid, stdout: false, stderr: false });
    watchdog.unref();
    watchdog.on("error", () => {
    });
  } catch {
  }
}
//# sourceMappingURL=process-child.js.map