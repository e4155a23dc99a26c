import {
  FIRST_AHEAD,
  refuseClosure
} from "./chunk-66ZMYZSS.js";
import {
  deserializeError,
  serializeError
} from "./chunk-K4TIHVBY.js";
import {
  ExecutorClosedError,
  TaskTimeoutError,
  WorkerCrashedError,
  init_esm_shims
} from "./chunk-CF3ROOVL.js";

// src/backends/pool/worker-pool.ts
init_esm_shims();

// src/backends/pool/pool-worker.ts
init_esm_shims();

// src/worker/protocol.ts
init_esm_shims();
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
function withAttempt(flags, attempt) {
  return flags + (attempt - 1) * (1 << ATTEMPT_SHIFT);
}
var PROGRESS = 2;
var RESULT_STRIDE = 4;
function toSample([runMs, syncMs, cpuMs, queuedMs]) {
  return { runMs, syncMs, cpuMs: cpuMs ?? void 0, queuedMs };
}
var TaskKeys = class {
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

// src/backends/pool/pool-worker.ts
var PoolCall = class {
  constructor(id, call, key, signal, resolve, reject, onAbort) {
    this.id = id;
    this.call = call;
    this.key = key;
    this.signal = signal;
    this.resolve = resolve;
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
var PoolWorker = class {
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

// src/backends/pool/run-window.ts
init_esm_shims();
var AHEAD_MS = 1;
var MAX_AHEAD = 256;
var WEIGHT = 0.2;
var RunWindow = class {
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

// src/backends/pool/worker-set.ts
init_esm_shims();

// src/backends/pool/start-backoff.ts
init_esm_shims();
var BACKOFF_BASE_MS = 100;
var BACKOFF_MAX_MS = 2e3;
var MAX_START_FAILURES = 5;
var BROKEN_COOLDOWN_MS = 5e3;
var StartBackoff = class {
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

// src/backends/pool/worker-set.ts
var WorkerSet = class {
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
    if (this.all.size === 0) for (const resolve of this.#exitWaiters.splice(0)) resolve();
  }
  /** No more workers start; timers stop. */
  shutDown() {
    this.#open = false;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#idleTimer);
  }
  async allExited() {
    if (this.all.size > 0) await new Promise((resolve) => this.#exitWaiters.push(resolve));
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

// src/backends/pool/worker-pool.ts
var DEFAULT_ABORT_GRACE_MS = 100;
var WorkerPool = class {
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
    return new Promise((resolve, reject) => {
      const pending = new PoolCall(this.#nextId++, call, this.#tasks.keyOf(call.task), signal, resolve, reject, this.#onAbort);
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

export {
  TAG,
  WorkerPool
};
//# sourceMappingURL=chunk-A4POX6NN.js.map