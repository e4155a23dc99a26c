/**
 * Task identity across machines. A `Task` names its module by a `file:` URL,
 * which is only meaningful on the machine that defined it. So a job carries a
 * `TaskRef`: the module's path relative to a root the submitter declares, which
 * the worker resolves under the root *it* declares (the same checkout or image,
 * mounted anywhere).
 *
 * A job is input from whoever can write to the queue, so the worker treats a
 * ref as untrusted (module-rules.ts decides what it may import).
 */
import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TaskNotPortableError } from '../errors.js';
import type { Task } from '../task.js';

export type TaskRef =
  /** Relative to the root, with `/` separators whatever the OS. */
  | { relative: string; name: string }
  /** A `file:` URL: only for a worker that allows it (`allowModules`). */
  | { absolute: string; name: string };

/** A directory given as a path or a `file:` URL, as an absolute path. */
export function rootPath(root: string | URL): string {
  if (root instanceof URL || root.startsWith('file:')) return fileURLToPath(root);
  if (!isAbsolute(root)) throw new TypeError(`Expected \`root\` to be an absolute path or a file: URL, got '${root}'`);
  return root;
}

/**
 * Submitter side. Under `root`: the relative path. Outside a root the user
 * declared: refused now, with the reason, since no worker would import it.
 * Outside the default root (the current directory, no `root` declared): the
 * absolute URL, for workers that list it in `allowModules`.
 */
export function toTaskRef(task: Task, root: string, declared: boolean): TaskRef {
  const path = relative(root, fileURLToPath(task.module));
  if (path !== '' && !path.startsWith('..') && !isAbsolute(path)) {
    return { relative: path.split(sep).join('/'), name: task.name };
  }
  if (declared) {
    throw new TaskNotPortableError(
      `Cannot queue task ${task.label}: its module ${fileURLToPath(task.module)} is outside the executor's root ${root}, ` +
        "and a worker imports only modules under its own root: move the module under the root, or declare the root that holds it",
    );
  }
  return { absolute: task.module, name: task.name };
}

/** How a ref reads in messages: `'tasks/math.mjs' (under the worker's root /srv/app)`. */
export function describeTaskRef(ref: TaskRef, root: string): string {
  return 'absolute' in ref
    ? `${String(ref.absolute)} (an absolute path, which a worker imports only if its allowModules lists it)`
    : `'${ref.relative}' (resolved under the worker's root ${root})`;
}
