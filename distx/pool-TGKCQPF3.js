globalThis.__T?.("pool-chunk-eval");
import {
  TAG,
  WorkerPool
} from "./chunk-A4POX6NN.js";
import {
  poolSettings
} from "./chunk-66ZMYZSS.js";
import "./chunk-K4TIHVBY.js";
import {
  TaskNotPortableError,
  checkIpcCloneable,
  init_esm_shims,
  processFlags
} from "./chunk-CF3ROOVL.js";

// src/backends/process/pool.ts
init_esm_shims();

// src/backends/process/child-handle.ts
init_esm_shims();
import { fork } from "child_process";
import { fileURLToPath } from "url";

// src/backends/process/node-options.ts
init_esm_shims();
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

// src/backends/process/start-guard.ts
init_esm_shims();
import { writeSync } from "fs";
var POOL_CHILD_ENV = "UNIFIED_EXECUTOR_POOL_CHILD";
var START_TIMEOUT_MS = 15e3;
function poolChildEnv(env) {
  return { ...env, [POOL_CHILD_ENV]: String(process.pid) };
}
function refuseForkInPoolChild() {
  const parent = process.env[POOL_CHILD_ENV];
  if (parent === void 0) return;
  writeSync(
    2,
    `unified-executor: process ${process.pid} was forked by the process pool of process ${parent} to run its child entry, but runs other code that starts a process pool of its own (its Node flags: ${JSON.stringify(process.execArgv.map(clip))}). It exits instead of forking again.
`
  );
  process.exit(1);
}
function clip(flag) {
  return flag.length > 60 ? `${flag.slice(0, 57)}...` : flag;
}

// src/backends/process/child-handle.ts
var CHILD_ENTRY = fileURLToPath(new URL("./process-child.js", import.meta.url));
var EXIT_DRAIN_MS = 1e3;
var RELEASE_GRACE_MS = 2e3;
var ChildHandle = class {
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
      globalThis.__T("fork");child = fork(CHILD_ENTRY, [String(options.perWorker), options.guard.active ? "guarded" : "unguarded"], {
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
function describeExit(pid, code, signal) {
  const who = pid ? `Child process ${pid}` : "A child process that could not be spawned";
  if (signal) return `${who} was killed by signal ${signal}`;
  return `${who} exited with code ${code ?? "unknown"}`;
}

// src/backends/process/orphan-guard.ts
init_esm_shims();
import { spawn } from "child_process";
import { existsSync } from "fs";
var SCRIPT = `
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
var SHELL = "/bin/sh";
var OrphanGuard = class {
  #guard;
  #failed = process.platform === "win32" || !existsSync(SHELL);
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
      const guard = spawn(SHELL, ["-c", SCRIPT], { detached: true, stdio: ["pipe", "ignore", "ignore"] });
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

// src/backends/process/pool.ts
function createProcessBackend(context) {
  return new ProcessPool(context);
}
var ChildSpawner = class {
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
var ProcessPool = class extends WorkerPool {
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
export {
  createProcessBackend
};
//# sourceMappingURL=pool-TGKCQPF3.js.map