/**
 * Defence in depth against a pool that forks without bound. `worker-flags.ts`
 * keeps a child from running anything but the child entry; this catches
 * whatever it misses (a flag Node adds later, a preload, an odd environment):
 *
 *   pool: fork(child entry, env + POOL_CHILD=<parent pid>)
 *     child entry: no IPC channel or no mark -> exit 1 with a message (nobody's pool started it)
 *                  else removes the mark first thing, so nothing it starts inherits it
 *     anything else that runs in that child and forks a pool child of its own
 *     while the mark is still set -> exit 1 with a message, before it forks
 *   pool: a child with no `ready` within START_TIMEOUT_MS is killed, a failed
 *         start for the crash-loop back-off (see start-backoff.ts)
 */
import { writeSync } from 'node:fs';

/** The mark a pool puts in its children's environment (the value: the parent's pid, for a human). */
export const POOL_CHILD_ENV = 'UNIFIED_EXECUTOR_POOL_CHILD';

/**
 * How long a child may take from fork to `ready`. A healthy one takes ~50 ms;
 * 15 s leaves room for a loaded two-core machine and a slow `--import` (tsx);
 * a false alarm costs one retry (the back-off gives up after five in a row).
 */
export const START_TIMEOUT_MS = 15_000;

/** The environment of a pool's children: the caller's, with the mark. */
export function poolChildEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, [POOL_CHILD_ENV]: String(process.pid) };
}

/** In the child entry: whether a pool started this process. Removes the mark. */
export function takePoolMark(): boolean {
  const marked = process.env[POOL_CHILD_ENV] !== undefined;
  delete process.env[POOL_CHILD_ENV];
  return marked && typeof process.send === 'function';
}

/**
 * Before a pool forks: a process that still holds the mark is a pool's child
 * that runs something other than the child entry (its entry removes the mark
 * before anything else). Forking here would start the same thing again, and
 * so on: it exits instead, and its parent's pool counts a failed start.
 */
export function refuseForkInPoolChild(): void {
  const parent = process.env[POOL_CHILD_ENV];
  if (parent === undefined) return;
  // writeSync: process.exit() does not wait for a piped stderr to drain.
  writeSync(
    2,
    `unified-executor: process ${process.pid} was forked by the process pool of process ${parent} to run its child entry, ` +
      `but runs other code that starts a process pool of its own (its Node flags: ${JSON.stringify(process.execArgv.map(clip))}). ` +
      'It exits instead of forking again.\n',
  );
  process.exit(1);
}

/** A flag as a message shows it: the script of `-e` can be pages long. */
function clip(flag: string): string {
  return flag.length > 60 ? `${flag.slice(0, 57)}...` : flag;
}
