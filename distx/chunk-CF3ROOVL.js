var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __esm = (fn, res) => function __init() {
  return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
};
var __commonJS = (cb, mod) => function __require() {
  return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// node_modules/tsup/assets/esm_shims.js
import path from "path";
import { fileURLToPath } from "url";
var init_esm_shims = __esm({
  "node_modules/tsup/assets/esm_shims.js"() {
    "use strict";
  }
});

// src/task.ts
init_esm_shims();
import { basename, isAbsolute } from "path";
import { fileURLToPath as fileURLToPath2, pathToFileURL } from "url";

// src/policy/traits.ts
init_esm_shims();
var TRAIT_NAMES = ["cpuBound", "ioBound", "expectedCount", "needsSync", "lifecycleControl"];
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
  for (const name of TRAIT_NAMES) {
    const distance = editDistance(lower, name.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
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

// src/task.ts
var TASK = /* @__PURE__ */ Symbol.for("unified-executor.task");
function defineTask(module, name = "default", traits = {}) {
  const href = toModuleHref(module);
  if (typeof name !== "string" || name === "") {
    throw new TypeError(`Expected the export name of task ${href} to be a non-empty string, got \`${String(name)}\``);
  }
  const label = `${basename(fileURLToPath2(href))}#${name}`;
  validateTraits(traits, { task: label });
  const task = {
    module: href,
    name,
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
function toModuleHref(module) {
  if (module instanceof URL) {
    if (module.protocol !== "file:") {
      throw new TypeError(`Task module must be an absolute path or a file: URL, got ${module.href}`);
    }
    return module.href;
  }
  if (typeof module !== "string") {
    throw new TypeError(`Task module must be an absolute path or a file: URL, got ${typeof module}`);
  }
  if (module.startsWith("file:")) return new URL(module).href;
  if (!isAbsolute(module)) {
    throw new TypeError(
      `Task module must be an absolute path or a file: URL, got the relative path '${module}' (use new URL('${module}', import.meta.url))`
    );
  }
  return pathToFileURL(module).href;
}

// src/errors.ts
init_esm_shims();
var ExecutorError = class extends Error {
  code;
  constructor(code, message, options) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
};
var ExecutorClosedError = class extends ExecutorError {
  constructor(message = "The executor is closed: it accepts no new tasks") {
    super("ERR_EXECUTOR_CLOSED", message);
  }
};
var QueueFullError = class extends ExecutorError {
  constructor(message) {
    super("ERR_QUEUE_FULL", message);
  }
};
var TaskTimeoutError = class extends ExecutorError {
  timeout;
  constructor(task, timeout) {
    super("ERR_TASK_TIMEOUT", `Task ${task} timed out after ${timeout} ms`);
    this.timeout = timeout;
  }
};
var WorkerCrashedError = class extends ExecutorError {
  constructor(message, options) {
    super("ERR_WORKER_CRASHED", message, options);
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
var ConnectionLostError = class extends ExecutorError {
  constructor(message, options) {
    super("ERR_CONNECTION_LOST", message, options);
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

// src/worker/worker-flags.ts
init_esm_shims();
import { createRequire } from "module";
function probeWorker() {
  return createRequire(import.meta.url)("node:worker_threads").Worker;
}
var TABLE = [
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
var KIND = new Map(TABLE.flatMap(([kind, names]) => names.split(" ").map((name) => [name, kind])));
var ALIASES = {
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
function kindOf(name) {
  if (/^--(test|watch|experimental-test)-/.test(name)) return "runs-other";
  return KIND.get(name) ?? (name.startsWith("--no-") ? KIND.get(`--${name.slice(5)}`) : void 0);
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
    let name = eq === -1 ? arg : arg.slice(0, eq);
    if (name.startsWith("--")) name = name.replaceAll("_", "-");
    name = ALIASES[name] ?? name;
    flags.push({ text: [arg], name, kind: kindOf(name), ...eq === -1 ? {} : { value: arg.slice(eq + 1) } });
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
var probed = /* @__PURE__ */ new Map();
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

// src/worker/runtime.ts
init_esm_shims();
import { createRequire as createRequire2 } from "module";
var RUNTIME = process.versions.bun ? "bun" : process.versions.deno ? "deno" : "node";
var RUNTIME_LABEL = RUNTIME === "bun" ? `Bun ${process.versions.bun}` : RUNTIME === "deno" ? `Deno ${process.versions.deno}` : `Node ${process.versions.node}`;
var checkIpcCloneable = RUNTIME === "node" ? () => {
} : (message) => void v8().serialize(message);
function v8() {
  return createRequire2(import.meta.url)("node:v8");
}
function checkHeapLimitSupported(backend, heapMb) {
  if (RUNTIME !== "bun" || heapMb === void 0 || backend === "async" || backend === "distributed") return;
  throw new TypeError(
    `\`resourceLimits.maxOldGenerationSizeMb\` cannot be enforced on ${RUNTIME_LABEL}: its worker threads and child processes have no heap limit (JavaScriptCore ignores \`resourceLimits\` and \`--max-old-space-size\`). Leave the option out on Bun, or run on Node or Deno`
  );
}
var SILENT_OOM = "stopped a task in this thread without an error: it ran out of heap";

export {
  __commonJS,
  __toESM,
  init_esm_shims,
  validateTraits,
  defineTask,
  isTask,
  taskLabel,
  ExecutorError,
  ExecutorClosedError,
  QueueFullError,
  TaskTimeoutError,
  WorkerCrashedError,
  TaskNotPortableError,
  TaskLoadError,
  ConnectionLostError,
  executorErrorFromCode,
  processFlags,
  threadFlags,
  workerFlags,
  checkExecArgv,
  checkIpcCloneable,
  checkHeapLimitSupported,
  SILENT_OOM
};
//# sourceMappingURL=chunk-CF3ROOVL.js.map