import {
  ERROR_FIELD,
  MAX_INPUT_CHARS,
  PREFIX,
  cancelChannel,
  decodeError,
  decodeValue,
  encodeValue,
  isProgressUpdate,
  loadDrivers
} from "./chunk-J5WQM2WA.js";
import {
  ConnectionWatch,
  DEFAULT_QUEUE,
  MAP_WINDOW,
  describeConnection,
  redisOptions,
  refuseClosureRemote,
  rootPath,
  toTaskRef
} from "./chunk-5KTGPJIW.js";
import "./chunk-JRFZ7SVI.js";
import "./chunk-K4TIHVBY.js";
import {
  ConnectionLostError,
  ExecutorClosedError,
  ExecutorError,
  TaskNotPortableError,
  TaskTimeoutError,
  WorkerCrashedError,
  init_esm_shims
} from "./chunk-CF3ROOVL.js";

// src/distributed/distributed-backend.ts
init_esm_shims();
import { randomUUID } from "crypto";

// src/distributed/client-link.ts
init_esm_shims();

// src/distributed/event-reader.ts
init_esm_shims();
var BATCH = 1e3;
var BLOCK_MS = 1e3;
var RETRY_MS = 100;
var EventReader = class {
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
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
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
      const name = fields[i];
      if (name === "event") event = fields[i + 1];
      else if (name === "jobId") {
        jobId = fields[i + 1];
        if (!jobId.startsWith(this.#mine)) return;
      } else if (name === "returnvalue" || name === "failedReason" || name === "delay" || name === "data") value = fields[i + 1];
      else if (name === "prev") prev = fields[i + 1];
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
function compareIds(a, b) {
  const [am, as] = a.split("-").map(Number);
  const [bm, bs] = b.split("-").map(Number);
  return am - bm || as - bs;
}

// src/distributed/client-link.ts
var CLOSE_GRACE_MS = 1e3;
var RETRY_BACKOFF_MS = 100;
var KEEP_FAILED_S = 24 * 3600;
var KEEP_UNREAD_S = 24 * 3600;
var RECONCILE_CHUNK = 1e3;
var ClientLink = class _ClientLink {
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
  add(name, data, options) {
    return new Promise((resolve, reject) => {
      if (this.#adds.push({ name, data, options, resolve, reject }) === 1) setImmediate(() => this.#flushAdds());
    });
  }
  #flushAdds() {
    const adds = this.#adds;
    this.#adds = [];
    const jobs = adds.map(({ name, data, options }) => ({
      name,
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
async function withGrace(closing, force) {
  closing.catch(() => void 0);
  let timer;
  const late = new Promise((resolve) => timer = setTimeout(() => resolve("late"), CLOSE_GRACE_MS));
  const outcome = await Promise.race([closing.then(() => "closed", () => "closed"), late]);
  clearTimeout(timer);
  if (outcome === "late") void Promise.resolve().then(force).catch(() => void 0);
}
function firstReady(redis, timeout, signal, connection) {
  if (redis.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const settle = (error) => {
      clearTimeout(timer);
      redis.off("ready", onReady);
      signal.removeEventListener("abort", onAbort);
      if (error === void 0) resolve();
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

// src/distributed/remote-error.ts
init_esm_shims();
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

// src/distributed/distributed-backend.ts
var RECONNECT_TIMEOUT = 3e4;
var WITHDRAW_GRACE_MS = 500;
var WORKER_COUNT_REFRESH_MS = 1e3;
var RECONCILE_MS = 5e3;
function createDistributedBackend(context) {
  return new DistributedBackend(context);
}
var DistributedBackend = class {
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
  #clientId = randomUUID();
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
    return new Promise((resolve, reject) => {
      const remote = {
        jobId,
        call,
        signal,
        state: "waiting",
        added: false,
        retried: 0,
        retryDelay,
        resolve,
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
    const grace = new Promise((resolve) => timer = setTimeout(resolve, WITHDRAW_GRACE_MS));
    await Promise.race([Promise.all(this.#withdrawals), grace]);
    clearTimeout(timer);
    if (link) await (await link.catch(() => void 0))?.close();
  }
};
export {
  createDistributedBackend
};
//# sourceMappingURL=distributed-backend-MFAWU4OH.js.map