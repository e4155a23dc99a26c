import {
  MAX_TIMER_MS
} from "./chunk-5KTGPJIW.js";
import {
  findUncloneable
} from "./chunk-JRFZ7SVI.js";
import {
  deserializeError,
  serializeError
} from "./chunk-K4TIHVBY.js";
import {
  TaskNotPortableError,
  init_esm_shims,
  validateTraits
} from "./chunk-CF3ROOVL.js";

// src/distributed/load-drivers.ts
init_esm_shims();
var loading;
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

// src/distributed/protocol.ts
init_esm_shims();
var ERROR_FIELD = "unifiedExecutorError";
function cancelChannel(prefix, queue) {
  return `${prefix}:${queue}:unified-executor:cancel`;
}
var PREFIX = "bull";

// src/distributed/codec.ts
init_esm_shims();
import { deserialize, serialize } from "v8";
function encodeValue(value, what) {
  try {
    return serialize(value).toString("base64");
  } catch (error) {
    const where = findUncloneable(value, what) ?? `${what} cannot be serialised (${error.message})`;
    throw new TaskNotPortableError(`Cannot send ${where}: the distributed backend carries structured-clone values only`, {
      cause: error
    });
  }
}
function decodeValue(text) {
  return deserialize(Buffer.from(text, "base64"));
}
function encodeError(error) {
  const plain = serializeError(error);
  try {
    return encodeValue(plain, "error");
  } catch {
    const e = error;
    return serialize(serializeError(Object.assign(new Error(e?.message ?? String(error)), { name: e?.name }))).toString("base64");
  }
}
function decodeError(text) {
  return deserializeError(decodeValue(text));
}

// src/distributed/job-data.ts
init_esm_shims();
var MAX_INPUT_CHARS = 32 * 1024 * 1024;
var MAX_NAME_CHARS = 4096;
var MAX_RETRIES = 1e3;
var BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
var MalformedJobError = class extends TypeError {
  constructor(jobId, field, problem) {
    super(`Malformed job ${jobId}: \`${field}\` ${problem}`);
    this.name = "TypeError";
  }
};
function describe(value) {
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
    throw new MalformedJobError(jobId, field, `must be a non-empty string of at most ${MAX_NAME_CHARS} characters, got ${describe(value)}`);
  }
  return value;
}
function checkJobData(data, jobId) {
  if (!isRecord(data)) throw new MalformedJobError(jobId, "data", `must be an object, got ${describe(data)}`);
  const { task, label, traits, input, batch, timeout, retries } = data;
  if (!isRecord(task)) throw new MalformedJobError(jobId, "data.task", `must be an object, got ${describe(task)}`);
  const hasRelative = Object.hasOwn(task, "relative");
  const hasAbsolute = Object.hasOwn(task, "absolute");
  if (hasRelative === hasAbsolute) {
    throw new MalformedJobError(jobId, "data.task", "must have exactly one of `relative` and `absolute`");
  }
  const ref = hasRelative ? { relative: name(task.relative, "data.task.relative", jobId), name: name(task.name, "data.task.name", jobId) } : { absolute: name(task.absolute, "data.task.absolute", jobId), name: name(task.name, "data.task.name", jobId) };
  if (typeof label !== "string" || label.length > MAX_NAME_CHARS) {
    throw new MalformedJobError(jobId, "data.label", `must be a string of at most ${MAX_NAME_CHARS} characters, got ${describe(label)}`);
  }
  if (traits !== void 0 && !isRecord(traits)) throw new MalformedJobError(jobId, "data.traits", `must be an object, got ${describe(traits)}`);
  try {
    validateTraits(traits ?? {}, { task: `of job ${jobId}` });
  } catch (error) {
    throw new MalformedJobError(jobId, "data.traits", `is invalid: ${error.message}`);
  }
  if (typeof input !== "string") throw new MalformedJobError(jobId, "data.input", `must be a base64 string, got ${describe(input)}`);
  if (input.length > MAX_INPUT_CHARS) {
    throw new MalformedJobError(jobId, "data.input", `is ${input.length} characters, over the ${MAX_INPUT_CHARS} a job may carry`);
  }
  if (input.length % 4 !== 0 || !BASE64.test(input)) throw new MalformedJobError(jobId, "data.input", "is not valid base64");
  if (batch !== void 0 && typeof batch !== "boolean") throw new MalformedJobError(jobId, "data.batch", `must be a boolean, got ${describe(batch)}`);
  if (timeout !== void 0 && !(typeof timeout === "number" && timeout > 0 && timeout <= MAX_TIMER_MS)) {
    throw new MalformedJobError(jobId, "data.timeout", `must be a number of ms from 1 to ${MAX_TIMER_MS}, got ${describe(timeout)}`);
  }
  if (retries !== void 0 && !(typeof retries === "number" && Number.isInteger(retries) && retries >= 0 && retries <= MAX_RETRIES)) {
    throw new MalformedJobError(jobId, "data.retries", `must be an integer from 0 to ${MAX_RETRIES}, got ${describe(retries)}`);
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

// src/distributed/progress-relay.ts
init_esm_shims();
function isProgressUpdate(data) {
  return typeof data === "object" && data !== null && Array.isArray(data.ue);
}
var ProgressRelay = class {
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

export {
  loadDrivers,
  ERROR_FIELD,
  cancelChannel,
  PREFIX,
  encodeValue,
  decodeValue,
  encodeError,
  decodeError,
  MAX_INPUT_CHARS,
  MalformedJobError,
  checkJobData,
  isProgressUpdate,
  ProgressRelay
};
//# sourceMappingURL=chunk-J5WQM2WA.js.map