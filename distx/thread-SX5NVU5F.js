import {
  TAG,
  WorkerPool
} from "./chunk-A4POX6NN.js";
import {
  poolSettings
} from "./chunk-66ZMYZSS.js";
import {
  findUncloneable
} from "./chunk-JRFZ7SVI.js";
import "./chunk-K4TIHVBY.js";
import {
  SILENT_OOM,
  TaskNotPortableError,
  init_esm_shims,
  threadFlags
} from "./chunk-CF3ROOVL.js";

// src/backends/thread/thread.ts
init_esm_shims();
import { availableParallelism } from "os";

// src/backends/thread/thread-spawner.ts
init_esm_shims();
import { createRequire } from "module";
import { MessageChannel } from "worker_threads";
import { fileURLToPath } from "url";

// src/worker/abort-flags.ts
init_esm_shims();
var SLOTS = 4096;
var AbortFlags = class {
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

// src/backends/thread/thread-spawner.ts
var WORKER_FILE = fileURLToPath(new URL("./thread-worker.cjs", import.meta.url));
function loadPiscina() {
  return createRequire(import.meta.url)("piscina").Piscina;
}
var WORKER_RECORD = "Piscina.kWorkerData";
function portReferenceOf(worker) {
  const symbol = Object.getOwnPropertySymbols(worker).find((s) => s.description === WORKER_RECORD);
  const record = symbol && worker[symbol];
  return typeof record?.ref === "function" && typeof record.unref === "function" ? record : void 0;
}
var THREAD_HEADROOM = 8;
var ThreadSpawner = class {
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
    const { port1, port2 } = new MessageChannel();
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
var ThreadHandle = class {
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
    if (worker) this.#exitCode = new Promise((resolve) => worker.once("exit", resolve));
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

// src/backends/thread/thread.ts
function createThreadBackend(context) {
  return new ThreadPool(context);
}
var ThreadPool = class extends WorkerPool {
  kind = "thread";
  constructor(context) {
    const { options } = context;
    const settings = poolSettings(options, Math.max(1, Math.floor(availableParallelism() / 2)));
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
export {
  createThreadBackend
};
//# sourceMappingURL=thread-SX5NVU5F.js.map