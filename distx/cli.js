#!/usr/bin/env node
import {
  createWorker
} from "./chunk-U223OE57.js";
import "./chunk-7KDAAZ7A.js";
import "./chunk-66ZMYZSS.js";
import "./chunk-J5WQM2WA.js";
import "./chunk-5KTGPJIW.js";
import "./chunk-JRFZ7SVI.js";
import "./chunk-K4TIHVBY.js";
import {
  init_esm_shims
} from "./chunk-CF3ROOVL.js";

// src/cli.ts
init_esm_shims();
import { resolve } from "path";
import { parseArgs } from "util";
var USAGE = `Usage: unified-executor worker --redis <url> [--queue <name>] [--concurrency <n>] [--root <dir>]
         [--allow-module <path>]... [--shutdown-timeout <ms>] [--lock-duration <ms>] [--stalled-interval <ms>] [--rate-limit <n>/<ms>]

  --redis             Redis URL, e.g. redis://127.0.0.1:6379 (default: $REDIS_URL)
  --queue             queue name (default: unified-executor)
  --concurrency       jobs run at once (default: available parallelism)
  --root              directory relative task modules resolve under; a job may name only
                      module files under it, outside node_modules (default: current directory)
  --allow-module      a module file, or a directory of them, outside --root that a job may
                      name by absolute path (repeatable; default: none)
  --shutdown-timeout  ms running jobs may finish after SIGTERM before they are handed back (default: 30000)
  --lock-duration     ms a job's lock lasts without renewal: a worker silent this long is presumed
                      dead (default: 30000)
  --stalled-interval  ms between checks for a dead worker's jobs (default: 30000)
  --rate-limit        at most n job starts per ms on this queue, across all its workers, e.g. 50/1000 (BullMQ's limiter)

A SIGKILLed worker's running jobs come back after lock-duration plus up to two
stalled-interval checks: with the defaults, 30 to 90 s (about a minute). Lower both
for faster recovery; the lock must outlast the longest synchronous stretch of a task
that is not cpuBound (it blocks the renewal).
`;
function count(name, text) {
  if (text === void 0) return void 0;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new TypeError(`--${name} expects a whole number, got '${text}'`);
  return value;
}
function rateLimit(text) {
  if (text === void 0) return void 0;
  const match = /^(\d+)\/(\d+)(?:ms)?$/.exec(text.trim());
  if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) {
    throw new TypeError(`--rate-limit expects <starts>/<ms> with both from 1, e.g. 50/1000, got '${text}'`);
  }
  return { limit: Number(match[1]), intervalMs: Number(match[2]) };
}
async function main(argv) {
  const [command, ...rest] = argv;
  if (command !== "worker") {
    process.stderr.write(command === void 0 || command === "--help" || command === "-h" ? USAGE : `Unknown command '${command}'

${USAGE}`);
    return command === void 0 || command === "--help" || command === "-h" ? 0 : 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      redis: { type: "string" },
      queue: { type: "string" },
      concurrency: { type: "string" },
      root: { type: "string" },
      "shutdown-timeout": { type: "string" },
      "allow-module": { type: "string", multiple: true },
      "lock-duration": { type: "string" },
      "stalled-interval": { type: "string" },
      "rate-limit": { type: "string" },
      help: { type: "boolean", short: "h" }
    }
  });
  if (values.help) {
    process.stderr.write(USAGE);
    return 0;
  }
  const connection = values.redis ?? process.env.REDIS_URL;
  if (!connection) {
    process.stderr.write(`--redis is required

${USAGE}`);
    return 2;
  }
  const worker = await createWorker({
    connection,
    queue: values.queue,
    concurrency: count("concurrency", values.concurrency),
    root: values.root === void 0 ? void 0 : resolve(values.root),
    allowModules: values["allow-module"]?.map((path) => resolve(path)),
    shutdownTimeout: count("shutdown-timeout", values["shutdown-timeout"]),
    lockDuration: count("lock-duration", values["lock-duration"]),
    stalledInterval: count("stalled-interval", values["stalled-interval"]),
    rateLimit: rateLimit(values["rate-limit"])
  });
  worker.on("error", (error) => process.stderr.write(`worker ${worker.name}: ${error.message}
`));
  process.stderr.write(`worker ${worker.name} ready: queue '${values.queue ?? "unified-executor"}'
`);
  await new Promise((resolve2) => {
    const stop = (signal) => {
      process.stderr.write(`worker ${worker.name}: ${signal}, finishing ${worker.running} running job(s)
`);
      process.once("SIGTERM", () => process.exit(1));
      process.once("SIGINT", () => process.exit(1));
      void worker.close().then(resolve2);
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  process.stderr.write(`worker ${worker.name}: stopped
`);
  return 0;
}
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`unified-executor: ${error?.message ?? String(error)}
`);
    process.exit(1);
  }
);
//# sourceMappingURL=cli.js.map