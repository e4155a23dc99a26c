/** Options of `createWorker`, documented once here and validated at creation. */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RateLimit } from '../pacing.js';
import { validateRateLimit, type ExecutorOptions } from '../options.js';
import { redisOptions } from './connection.js';
import { rootPath } from './task-ref.js';

export interface WorkerOptions {
  /** Redis URL (`redis://host:port/db`) or ioredis options. Required. */
  readonly connection: unknown;
  /** The BullMQ queue to take jobs from. @default 'unified-executor' */
  readonly queue?: string;
  /** Jobs this worker runs at once. Minimum 1. @default os.availableParallelism() */
  readonly concurrency?: number;
  /**
   * Directory a job's relative module path is resolved under (the submitters declare theirs).
   * A job may name only a module file under it (after symlinks), outside `node_modules`. @default process.cwd()
   */
  readonly root?: string | URL;
  /**
   * Modules (files, or directories of them) outside `root` that a job may name by absolute
   * path, as absolute paths or `file:` URLs. Refused by default: whoever can write to the
   * queue would otherwise choose any file on this machine to import. @default []
   */
  readonly allowModules?: readonly (string | URL)[];
  /** Options of the local auto executor each job runs on (pool sizes, timeouts, policy). @default {} */
  readonly executor?: Omit<ExecutorOptions, 'backend' | 'connection' | 'queue' | 'root' | 'reconnectTimeout'>;
  /** close(): ms running jobs may take to finish before they are handed back to the queue. Minimum 0. @default 30000 */
  readonly shutdownTimeout?: number;
  /** BullMQ: ms a job's lock lasts without renewal; a worker silent this long is presumed dead. Minimum 1. @default 30000 */
  readonly lockDuration?: number;
  /** BullMQ: ms between checks for jobs whose worker died. Minimum 1. @default 30000 */
  readonly stalledInterval?: number;
  /**
   * At most `limit` jobs of this queue start in any `intervalMs`, counted across every worker of
   * the queue (BullMQ's limiter: give every worker the same value). Integers from 1. @default none
   */
  readonly rateLimit?: RateLimit;
  /** A name for this worker in Redis (`CLIENT LIST`, dashboards). @default hostname:pid */
  readonly name?: string;
}

export interface ResolvedWorkerOptions {
  connection: unknown;
  queue: string;
  concurrency: number;
  root: string;
  allowModules: string[];
  executor: ExecutorOptions;
  shutdownTimeout: number;
  lockDuration?: number;
  stalledInterval?: number;
  rateLimit?: RateLimit;
  name?: string;
}

const KNOWN = new Set(['connection', 'queue', 'concurrency', 'root', 'allowModules', 'executor', 'shutdownTimeout', 'lockDuration', 'stalledInterval', 'rateLimit', 'name']);

function checkCount(name: string, value: unknown, min: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new (typeof value === 'number' ? RangeError : TypeError)(
      `Expected \`${name}\` to be an integer from ${min} and up, got \`${String(value)}\` (${typeof value})`,
    );
  }
}

function allowedModules(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TypeError(`Expected \`allowModules\` to be an array of absolute paths or file: URLs, got ${typeof value}`);
  return value.map((entry: unknown) => {
    if (!(typeof entry === 'string' || entry instanceof URL)) {
      throw new TypeError(`Expected each of \`allowModules\` to be an absolute path or a file: URL, got ${typeof entry}`);
    }
    const path = entry instanceof URL || entry.startsWith('file:') ? fileURLToPath(entry) : entry;
    if (!isAbsolute(path)) throw new TypeError(`Expected each of \`allowModules\` to be an absolute path or a file: URL, got '${path}'`);
    if (!existsSync(path)) throw new TypeError(`\`allowModules\` lists ${path}, which does not exist`);
    return path;
  });
}

export function resolveWorkerOptions(options: WorkerOptions): ResolvedWorkerOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('Expected worker options to be an object');
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new TypeError(`Unknown worker option \`${key}\``);
  }
  redisOptions(options.connection);
  checkCount('concurrency', options.concurrency, 1);
  checkCount('shutdownTimeout', options.shutdownTimeout, 0);
  checkCount('lockDuration', options.lockDuration, 1);
  checkCount('stalledInterval', options.stalledInterval, 1);
  if (options.rateLimit !== undefined) validateRateLimit(options.rateLimit);
  const queue = options.queue ?? 'unified-executor';
  if (typeof queue !== 'string' || !/^[^:]+$/.test(queue)) {
    throw new TypeError(`Expected \`queue\` to be a non-empty name without ':', got '${String(queue)}'`);
  }
  return {
    connection: options.connection,
    queue,
    concurrency: options.concurrency ?? availableParallelism(),
    root: options.root === undefined ? process.cwd() : rootPath(options.root),
    allowModules: allowedModules(options.allowModules),
    executor: { ...options.executor },
    shutdownTimeout: options.shutdownTimeout ?? 30_000,
    lockDuration: options.lockDuration,
    stalledInterval: options.stalledInterval,
    rateLimit: options.rateLimit,
    name: options.name,
  };
}
