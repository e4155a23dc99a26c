import {
  TaskNotPortableError,
  checkExecArgv,
  checkHeapLimitSupported,
  init_esm_shims,
  isTask,
  taskLabel,
  validateTraits
} from "./chunk-CF3ROOVL.js";

// src/policy/rules.ts
init_esm_shims();
var arrow = (backend) => `-> ${backend === "process" ? "processes" : backend === "thread" ? "threads" : "the async loop"}`;
var RULES = [
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
var MEASURED_AFTER_RUNS = 5;
var MIN_POOL_RUN_MS = 1;
var pct = (share) => Number.isNaN(share) ? "unknown" : `${Math.round(share * 100)}%`;
var ms = (value) => `${value < 10 ? value.toPrecision(2) : Math.round(value)} ms`;
function describeProfile(p) {
  const how = p.kind === "cpu" ? `CPU ${pct(p.cpuShare)} of a ${ms(p.runMs)} median run` : p.kind === "blocking-io" ? `it holds its thread most of a ${ms(p.runMs)} median run, CPU ${pct(p.cpuShare)}` : `its event loop is free most of a ${ms(p.runMs)} median run, CPU ${pct(p.cpuShare)}`;
  return `measured ${p.kind} (${how}, ${p.runs} calls)`;
}
var MEASURED_RULES = {
  cpu: { id: "measured-cpu", backend: "process", why: '"Use [multiple processes] for independent CPU bound tasks"' },
  "blocking-io": {
    id: "measured-blocking",
    backend: "thread",
    why: "a blocked event loop runs such calls one at a time, threads wait in parallel"
  },
  "waiting-io": { id: "measured-waiting", backend: "async", why: '"virtually no memory and time overhead to switch between tasks"' }
};
var ruleIds = /* @__PURE__ */ new Set([...RULES.map((r) => r.id), ...Object.values(MEASURED_RULES).map((r) => r.id)]);
var backendNames = /* @__PURE__ */ new Set(["process", "thread", "async"]);
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

// src/distributed/connection.ts
init_esm_shims();
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
var ConnectionWatch = class {
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

// src/distributed/task-ref.ts
init_esm_shims();
import { isAbsolute, relative, sep } from "path";
import { fileURLToPath } from "url";
function rootPath(root) {
  if (root instanceof URL || root.startsWith("file:")) return fileURLToPath(root);
  if (!isAbsolute(root)) throw new TypeError(`Expected \`root\` to be an absolute path or a file: URL, got '${root}'`);
  return root;
}
function toTaskRef(task, root, declared) {
  const path = relative(root, fileURLToPath(task.module));
  if (path !== "" && !path.startsWith("..") && !isAbsolute(path)) {
    return { relative: path.split(sep).join("/"), name: task.name };
  }
  if (declared) {
    throw new TaskNotPortableError(
      `Cannot queue task ${task.label}: its module ${fileURLToPath(task.module)} is outside the executor's root ${root}, and a worker imports only modules under its own root: move the module under the root, or declare the root that holds it`
    );
  }
  return { absolute: task.module, name: task.name };
}
function describeTaskRef(ref, root) {
  return "absolute" in ref ? `${String(ref.absolute)} (an absolute path, which a worker imports only if its allowModules lists it)` : `'${ref.relative}' (resolved under the worker's root ${root})`;
}

// src/distributed/submitter-facts.ts
init_esm_shims();
var DEFAULT_QUEUE = "unified-executor";
var MAP_WINDOW = 32;
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

// src/options.ts
init_esm_shims();

// src/core/retry-policy.ts
init_esm_shims();
var RETRY_BASE_MS = 100;
var RETRY_CAP_MS = 3e4;
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

// src/options.ts
var KNOWN = /* @__PURE__ */ new Set([
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
var BACKENDS = /* @__PURE__ */ new Set(["auto", "process", "thread", "async", "distributed"]);
function describe2(value) {
  return `\`${typeof value === "string" ? value : String(value)}\` (${typeof value})`;
}
function checkCount(name, value, min, allowInfinity = false) {
  if (value === void 0) return;
  const ok = typeof value === "number" && value >= min && (Number.isInteger(value) || allowInfinity && value === Number.POSITIVE_INFINITY);
  if (!ok) {
    const ErrorClass = typeof value === "number" ? RangeError : TypeError;
    throw new ErrorClass(`Expected \`${name}\` to be an integer from ${min} and up, got ${describe2(value)}`);
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
var DISTRIBUTED_ONLY = ["connection", "queue", "root", "reconnectTimeout"];
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

// src/core/run-options.ts
init_esm_shims();
var MAX_TIMER_MS = 2 ** 31 - 1;
function describe3(value) {
  return `\`${typeof value === "string" ? value : String(value)}\` (${value === null ? "null" : typeof value})`;
}
function isAbortSignalLike(value) {
  return typeof value === "object" && value !== null && typeof value.aborted === "boolean" && typeof value.addEventListener === "function" && typeof value.removeEventListener === "function";
}
function checkTimer(name, value, where) {
  if (value === void 0 || value === Number.POSITIVE_INFINITY || !(value > MAX_TIMER_MS)) return void 0;
  return new RangeError(
    `Expected \`${name}\`${where} to be at most ${MAX_TIMER_MS} ms (Node's longest timer) or Infinity, got ${describe3(value)}`
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
var RUN_OPTIONS = /* @__PURE__ */ new Set(["signal", "timeout", "priority", "transfer", "retries", "retryDelay", "retryOn", "onProgress"]);
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

export {
  RULES,
  MEASURED_AFTER_RUNS,
  describeProfile,
  selectBackend,
  measuredDecision,
  adaptedDecision,
  retriesOf,
  retryDecision,
  validateOptions,
  validateRateLimit,
  MAX_TIMER_MS,
  checkTimerOptions,
  notATaskProblem,
  runOptionsProblem,
  mapInputProblem,
  redisOptions,
  describeConnection,
  ConnectionWatch,
  rootPath,
  toTaskRef,
  describeTaskRef,
  DEFAULT_QUEUE,
  MAP_WINDOW,
  explainDistributed,
  refuseClosureRemote,
  distributedFacts
};
//# sourceMappingURL=chunk-5KTGPJIW.js.map