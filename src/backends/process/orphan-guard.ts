/**
 * Ends a pool's children when the pool's process dies, even a child stuck in
 * a synchronous loop (which never sees its IPC channel close). One tiny shell
 * per pool does it, instead of a watchdog thread in every child (a V8 isolate:
 * about 12 MB of each child's memory):
 *
 *   pool: fork child -> "<pid>\n" to the guard's stdin; child exits -> "-<pid>\n"
 *   pool's process dies (even SIGKILL) -> the kernel closes the pipe -> the
 *   guard reads EOF and SIGKILLs the children still listed, then exits
 *
 * A pid is crossed off when its child exits, so the guard never signals a pid
 * that may have been reused. The guard runs in its own session (it is not
 * counted in, or killed with, the caller's process group) and never holds the
 * caller's event loop. Where there is no POSIX shell (Windows), children
 * start their own watchdog thread instead (see child.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { childProcess } from '../../worker/builtins.js';

const SCRIPT = `
pids=" "
while read line; do
  case "$line" in
    -*) pids=$(printf '%s' "$pids" | sed "s/ \${line#-} / /") ;;
    *) pids="$pids$line " ;;
  esac
done
[ -n "\${pids# }" ] && kill -9 $pids 2>/dev/null
exit 0
`;

const SHELL = '/bin/sh';

export class OrphanGuard {
  #guard: ChildProcess | undefined;
  #failed = process.platform === 'win32' || !existsSync(SHELL);
  /** Pids to send once the guard is up (it starts after the first fork, off the first call's path). */
  #pending: string[] | undefined;

  /** Whether the guard watches the children (else each child starts its own watchdog thread). */
  get active(): boolean {
    return !this.#failed;
  }

  add(pid: number): void {
    if (pid) this.#write(`${pid}\n`);
  }

  remove(pid: number): void {
    if (pid) this.#write(`-${pid}\n`);
  }

  /** The pool is closed and its children have exited: the guard ends with nothing to do. */
  close(): void {
    this.#failed = true;
    this.#pending = undefined;
    this.#guard?.stdin?.end();
    this.#guard = undefined;
  }

  #write(line: string): void {
    if (this.#guard) this.#guard.stdin!.write(line);
    else if (!this.#failed) {
      // Spawning the shell costs a few ms: not before the first child's fork.
      if (this.#pending === undefined) setImmediate(() => this.#flushPending());
      (this.#pending ??= []).push(line);
    }
  }

  #flushPending(): void {
    const lines = this.#pending;
    this.#pending = undefined;
    if (lines && this.#start()) this.#guard!.stdin!.write(lines.join(''));
  }

  #start(): boolean {
    if (this.#guard) return true;
    if (this.#failed) return false;
    try {
      const guard = childProcess().spawn(SHELL, ['-c', SCRIPT], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
      if (guard.pid === undefined) throw new Error('no pid');
      guard.on('error', () => undefined);
      guard.stdin!.on('error', () => undefined);
      // Never keeps the caller's process alive.
      guard.unref();
      (guard.stdin as unknown as { unref?: () => void }).unref?.();
      guard.once('exit', () => {
        if (this.#guard === guard) this.#guard = undefined;
      });
      this.#guard = guard;
      return true;
    } catch {
      this.#failed = true;
      return false;
    }
  }
}
