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
 * caller's event loop. Where there is no POSIX shell (Windows), or it cannot
 * start, children fall back to their own watchdog thread (see child.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';

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

export class OrphanGuard {
  #guard: ChildProcess | undefined;
  #failed = process.platform === 'win32';

  /** Whether the guard is up (else each child starts its own watchdog thread). */
  get active(): boolean {
    return this.#start();
  }

  add(pid: number): void {
    if (pid && this.#start()) this.#guard!.stdin!.write(`${pid}\n`);
  }

  remove(pid: number): void {
    if (pid && this.#guard) this.#guard.stdin!.write(`-${pid}\n`);
  }

  /** The pool is closed and its children have exited: the guard ends with nothing to do. */
  close(): void {
    this.#guard?.stdin?.end();
    this.#guard = undefined;
  }

  #start(): boolean {
    if (this.#guard) return true;
    if (this.#failed) return false;
    try {
      const guard = spawn('/bin/sh', ['-c', SCRIPT], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
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
