/**
 * Task identity across machines. A `Task` names its module by a `file:` URL,
 * which is only meaningful on the machine that defined it. So a job carries a
 * `TaskRef`: the module's path relative to a root the submitter declares, which
 * the worker resolves under the root *it* declares (the same checkout or image,
 * mounted anywhere). Without a root, or for a module outside it, the ref is the
 * absolute URL, which works when both sides share a filesystem layout.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TaskLoadError } from '../errors.js';
import type { Task } from '../task.js';

export type TaskRef =
  /** Relative to the root, with `/` separators whatever the OS. */
  | { relative: string; name: string }
  | { absolute: string; name: string };

/** A directory given as a path or a `file:` URL, as an absolute path. */
export function rootPath(root: string | URL): string {
  if (root instanceof URL || root.startsWith('file:')) return fileURLToPath(root);
  if (!isAbsolute(root)) throw new TypeError(`Expected \`root\` to be an absolute path or a file: URL, got '${root}'`);
  return root;
}

/** Submitter side. */
export function toTaskRef(task: Task, root: string | undefined): TaskRef {
  if (root !== undefined) {
    const path = relative(root, fileURLToPath(task.module));
    if (path !== '' && !path.startsWith('..') && !isAbsolute(path)) {
      return { relative: path.split(sep).join('/'), name: task.name };
    }
  }
  return { absolute: task.module, name: task.name };
}

/** Worker side: the `file:` URL to import, or a TaskLoadError naming the job and the module. */
export function resolveTaskRef(ref: TaskRef, root: string, jobId: string): string {
  if ('absolute' in ref) return ref.absolute;
  const path = resolve(root, ...ref.relative.split('/'));
  // A job is input from the network: it may not climb out of the worker's root.
  if (relative(root, path).startsWith('..')) {
    throw new TaskLoadError(`Cannot load task for job ${jobId}: module '${ref.relative}' is outside the worker's root ${root}`);
  }
  return pathToFileURL(path).href;
}

/** How a ref reads in messages: `'tasks/math.mjs' (under the worker's root /srv/app)`. */
export function describeTaskRef(ref: TaskRef, root: string): string {
  return 'absolute' in ref
    ? `${fileURLToPath(ref.absolute)} (an absolute path: declare \`root\` on both sides when the machines' paths differ)`
    : `'${ref.relative}' (resolved under the worker's root ${root})`;
}
