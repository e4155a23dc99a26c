/**
 * What a worker may import for a job. A job is written by whoever can write
 * to the queue, so its module reference is untrusted input, and a BullMQ
 * worker runs only the code its deployment gave it. Ours runs only modules
 * its deployment contains:
 *
 * - a relative ref must resolve, after symlinks, to a regular file under the
 *   worker's root (itself resolved), outside any `node_modules` (installed
 *   packages are not tasks: `@npmcli/run-script` would run a shell command);
 * - an absolute ref only if `allowModules` lists the file or a directory
 *   above it (and then still outside a `node_modules` below that entry);
 * - no query or hash (`?x` would re-run a module's top level on each job);
 * - only JavaScript/TypeScript module extensions (an extensionless file under
 *   the root would otherwise be run as a script).
 *
 * Every refusal is a TaskLoadError that names the job and the ref, and says
 * nothing of the file's contents. Checks happen before anything is imported.
 */
import { realpathSync, statSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TaskLoadError } from '../errors.js';
import type { TaskRef } from './task-ref.js';

const MODULE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);
/** Refs resolved and checked, remembered (a module is imported once anyway); bounded. */
const REMEMBERED = 1000;

export class ModuleRules {
  readonly root: string;
  #realRoot: string;
  #allowed: string[];
  #resolved = new Map<string, string>();

  /** `root` and `allowModules` as given (absolute paths or file: URLs); they must exist. */
  constructor(root: string, allowModules: readonly string[]) {
    this.root = root;
    this.#realRoot = realpathSync(root);
    this.#allowed = allowModules.map((entry) => realpathSync(entry));
  }

  /** The `file:` URL to import for this job's ref, or a TaskLoadError. */
  resolve(ref: TaskRef, jobId: string): string {
    const key = 'absolute' in ref ? `a:${ref.absolute}` : `r:${ref.relative}`;
    const known = this.#resolved.get(key);
    if (known) return known;
    const href = this.#check(ref, jobId);
    if (this.#resolved.size >= REMEMBERED) this.#resolved.delete(this.#resolved.keys().next().value!);
    this.#resolved.set(key, href);
    return href;
  }

  #check(ref: TaskRef, jobId: string): string {
    const absolute = 'absolute' in ref;
    const given = absolute ? ref.absolute : ref.relative;
    const refuse = (why: string) =>
      new TaskLoadError(`Cannot load task for job ${jobId}: module '${given}' is refused: ${why}`);
    if (/[?#]/.test(given)) throw refuse('a module reference may not carry a query or hash');
    let path: string;
    if (absolute) {
      if (this.#allowed.length === 0) {
        throw refuse(
          `this worker imports only modules under its root ${this.root}, and absolute paths only when allowModules ` +
            '(createWorker) or --allow-module (CLI) lists them',
        );
      }
      try {
        path = fileURLToPath(given);
      } catch {
        throw refuse('an absolute module must be a file: URL');
      }
    } else {
      if (given === '' || isAbsolute(given) || given.includes('\\') || given.includes('\0')) {
        throw refuse('a relative module must be a path with / separators under the root');
      }
      path = resolve(this.root, ...given.split('/'));
    }
    let real: string;
    try {
      real = realpathSync(path);
      if (!statSync(real).isFile()) throw new Error('not a file');
    } catch {
      throw refuse(absolute ? 'no such file on this worker' : `no such file under the worker's root ${this.root}`);
    }
    if (!MODULE_EXTENSIONS.has(extname(real))) {
      throw refuse(`only ${[...MODULE_EXTENSIONS].join(' ')} modules are tasks`);
    }
    const under = absolute ? this.#allowed.find((entry) => real === entry || within(entry, real)) : within(this.#realRoot, real) ? this.#realRoot : undefined;
    if (under === undefined) {
      throw refuse(absolute ? 'it is not listed in allowModules' : `it resolves (after symlinks) outside the worker's root ${this.root}`);
    }
    if (relative(under, real).split(sep).includes('node_modules')) {
      throw refuse('installed packages (node_modules) are not tasks');
    }
    return pathToFileURL(real).href;
  }
}

function within(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}
