import {
  ATTEMPT,
  createExecutor,
  import_index
} from "./chunk-7KDAAZ7A.js";
import {
  ERROR_FIELD,
  MalformedJobError,
  PREFIX,
  ProgressRelay,
  cancelChannel,
  checkJobData,
  decodeValue,
  encodeError,
  encodeValue,
  loadDrivers
} from "./chunk-J5WQM2WA.js";
import {
  describeTaskRef,
  redisOptions,
  rootPath,
  validateRateLimit
} from "./chunk-5KTGPJIW.js";
import {
  TaskLoadError,
  TaskNotPortableError,
  TaskTimeoutError,
  WorkerCrashedError,
  defineTask,
  init_esm_shims
} from "./chunk-CF3ROOVL.js";

// src/distributed/worker.ts
init_esm_shims();
import { hostname } from "os";

// src/distributed/cancel-listener.ts
init_esm_shims();
var CancelListener = class _CancelListener {
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

// src/distributed/job-runner.ts
init_esm_shims();
import { setMaxListeners } from "events";
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
    setMaxListeners(0, controller.signal);
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
  const name = typeof cause.name === "string" ? cause.name : "Error";
  const code = typeof cause.code === "string" ? ` ${cause.code}` : "";
  if (name === "SyntaxError" || typeof cause.message !== "string") {
    const line = typeof cause.stack === "string" ? /^file:\/\/\S*?:(\d+)$/m.exec(cause.stack)?.[1] : void 0;
    return `${name}${code}${line ? ` (line ${line})` : ""}`;
  }
  return `${name}${code}: ${cause.message.slice(0, 500)}`;
}
var tasks = /* @__PURE__ */ new Map();
var TASKS_REMEMBERED = 1e3;
function taskOf(href, name, traits) {
  const key = `${href}\0${name}\0${JSON.stringify(traits)}`;
  let task = tasks.get(key);
  if (!task) {
    task = defineTask(href, name, traits);
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

// src/distributed/module-rules.ts
init_esm_shims();
import { realpathSync, statSync } from "fs";
import { extname, isAbsolute, relative, resolve, sep } from "path";
import { fileURLToPath, pathToFileURL } from "url";
var MODULE_EXTENSIONS = /* @__PURE__ */ new Set([".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"]);
var REMEMBERED = 1e3;
var ModuleRules = class {
  root;
  #realRoot;
  #allowed;
  #resolved = /* @__PURE__ */ new Map();
  /** `root` and `allowModules` as given (absolute paths or file: URLs); they must exist. */
  constructor(root, allowModules) {
    this.root = root;
    this.#realRoot = realpathSync(root);
    this.#allowed = allowModules.map((entry) => realpathSync(entry));
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
        path = fileURLToPath(given);
      } catch {
        throw refuse("an absolute module must be a file: URL");
      }
    } else {
      if (given === "" || isAbsolute(given) || given.includes("\\") || given.includes("\0")) {
        throw refuse("a relative module must be a path with / separators under the root");
      }
      path = resolve(this.root, ...given.split("/"));
    }
    let real;
    try {
      real = realpathSync(path);
      if (!statSync(real).isFile()) throw new Error("not a file");
    } catch {
      throw refuse(absolute ? "no such file on this worker" : `no such file under the worker's root ${this.root}`);
    }
    if (!MODULE_EXTENSIONS.has(extname(real))) {
      throw refuse(`only ${[...MODULE_EXTENSIONS].join(" ")} modules are tasks`);
    }
    const under = absolute ? this.#allowed.find((entry) => real === entry || within(entry, real)) : within(this.#realRoot, real) ? this.#realRoot : void 0;
    if (under === void 0) {
      throw refuse(absolute ? "it is not listed in allowModules" : `it resolves (after symlinks) outside the worker's root ${this.root}`);
    }
    if (relative(under, real).split(sep).includes("node_modules")) {
      throw refuse("installed packages (node_modules) are not tasks");
    }
    return pathToFileURL(real).href;
  }
};
function within(dir, path) {
  const rel = relative(dir, path);
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel);
}

// src/distributed/admission.ts
init_esm_shims();
var ROUTE_REFRESH = 256;
var Admission = class {
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

// src/distributed/worker-options.ts
init_esm_shims();
import { existsSync } from "fs";
import { availableParallelism } from "os";
import { isAbsolute as isAbsolute2 } from "path";
import { fileURLToPath as fileURLToPath2 } from "url";
var KNOWN = /* @__PURE__ */ new Set(["connection", "queue", "concurrency", "root", "allowModules", "executor", "shutdownTimeout", "lockDuration", "stalledInterval", "rateLimit", "name"]);
function checkCount(name, value, min) {
  if (value === void 0) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new (typeof value === "number" ? RangeError : TypeError)(
      `Expected \`${name}\` to be an integer from ${min} and up, got \`${String(value)}\` (${typeof value})`
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
    const path = entry instanceof URL || entry.startsWith("file:") ? fileURLToPath2(entry) : entry;
    if (!isAbsolute2(path)) throw new TypeError(`Expected each of \`allowModules\` to be an absolute path or a file: URL, got '${path}'`);
    if (!existsSync(path)) throw new TypeError(`\`allowModules\` lists ${path}, which does not exist`);
    return path;
  });
}
function resolveWorkerOptions(options) {
  if (typeof options !== "object" || options === null) throw new TypeError("Expected worker options to be an object");
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new TypeError(`Unknown worker option \`${key}\``);
  }
  redisOptions(options.connection);
  checkCount("concurrency", options.concurrency, 1);
  checkCount("shutdownTimeout", options.shutdownTimeout, 0);
  checkCount("lockDuration", options.lockDuration, 1);
  checkCount("stalledInterval", options.stalledInterval, 1);
  if (options.rateLimit !== void 0) validateRateLimit(options.rateLimit);
  const queue = options.queue ?? "unified-executor";
  if (typeof queue !== "string" || !/^[^:]+$/.test(queue)) {
    throw new TypeError(`Expected \`queue\` to be a non-empty name without ':', got '${String(queue)}'`);
  }
  return {
    connection: options.connection,
    queue,
    concurrency: options.concurrency ?? availableParallelism(),
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

// src/distributed/worker.ts
var NO_STALL_LIMIT = Number.MAX_SAFE_INTEGER;
var CANCELS_REMEMBERED = 1e4;
function labelOf(data) {
  const label = data?.label;
  return typeof label === "string" ? label.slice(0, 200) : "?";
}
async function createWorker(options) {
  const resolved = resolveWorkerOptions(options);
  const drivers = await loadDrivers();
  const executor = createExecutor(resolved.executor);
  const worker = new QueueWorker(resolved.name ?? `${hostname()}:${process.pid}`, executor);
  await worker.start(drivers, resolved);
  return worker;
}
var QueueWorker = class extends import_index.default {
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
  constructor(name, executor) {
    super();
    this.name = name;
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

export {
  createWorker
};
//# sourceMappingURL=chunk-U223OE57.js.map