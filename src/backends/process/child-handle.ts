/**
 * The parent's handle on one child process: fork it, send to it, stop it
 * (gracefully, or SIGKILL), and report its exit exactly once.
 * It knows nothing of tasks; the pool keeps those.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TAG, type PoolMessage, type WorkerMessage } from '../../worker/protocol.js';
import type { WorkerHandle, WorkerListener } from '../pool/worker-handle.js';
import { childProcess } from '../../worker/builtins.js';
import { withChildNodeOptions } from './node-options.js';
import { checkIpcCloneable } from '../../worker/runtime.js';
import type { OrphanGuard } from './orphan-guard.js';
import { poolChildEnv, refuseForkInPoolChild, START_TIMEOUT_MS } from './start-guard.js';

/**
 * The built child entry. tsup bundles everything into a flat `dist/`, so the
 * child sits next to whichever file holds this code (index.js, a chunk, or
 * index.cjs); `shims: true` gives the CommonJS build an `import.meta.url`.
 */
const CHILD_ENTRY = fileURLToPath(new URL('./process-child.js', import.meta.url));

/** How long after its exit a child's channel may stay open (messages still in the pipe) before we close it. */
const EXIT_DRAIN_MS = 1_000;
/** How long a released (disconnected) child may take to exit by itself before it is killed. */
const RELEASE_GRACE_MS = 2_000;

export interface ChildSpawnOptions {
  execArgv: string[];
  env: NodeJS.ProcessEnv;
  /** Calls one child runs at once (its call loop needs it before the first call). */
  perWorker: number;
  /** Ends the children if the pool's process dies. */
  guard: OrphanGuard;
}

export class ChildHandle implements WorkerHandle {
  /** The pid; 0 when the OS refused to spawn (the exit follows at once). */
  readonly id: number;
  #process: ChildProcess | undefined;
  #listener: WorkerListener;
  #exited = false;
  #stopping = false;
  #timer?: NodeJS.Timeout;
  #referenced = true;
  /** Ends a child that never says `ready` (see START_TIMEOUT_MS). */
  #startTimer?: NodeJS.Timeout;
  #startTimedOut = false;
  #status?: { code: number | null; signal: NodeJS.Signals | null };
  #guard: OrphanGuard | undefined;

  constructor(options: ChildSpawnOptions, listener: WorkerListener) {
    this.#listener = listener;
    refuseForkInPoolChild();
    let child: ChildProcess;
    try {
      // argv: its calls at once, and whether the guard watches it (else it starts a watchdog thread).
      child = childProcess().fork(CHILD_ENTRY, [String(options.perWorker), options.guard.active ? 'guarded' : 'unguarded'], {
        execArgv: options.execArgv,
        // At each fork, not once per pool: a change to process.env reaches children forked later, as before.
        // NODE_OPTIONS under the same rules as the flags (no `--inspect-brk` that would stop the child).
        env: poolChildEnv(withChildNodeOptions(options.env)),
        serialization: 'advanced',
      });
    } catch {
      // EMFILE/ENFILE and bad arguments throw instead of emitting 'error'.
      this.id = 0;
      queueMicrotask(() => this.#onExit(null, null));
      return;
    }
    this.#process = child;
    this.id = child.pid ?? 0;
    this.#guard = options.guard;
    this.#guard.add(this.id);
    child.on('message', (message: WorkerMessage) => {
      if (message[0] === TAG.ready) clearTimeout(this.#startTimer);
      this.#listener.message(this, message);
    });
    // A child that hangs before `ready` (a preload that never ends, flags that
    // made it run something else) would hold its slot forever: end it, and the
    // pool counts a failed start, backing off as for a child that died.
    this.#startTimer = setTimeout(() => {
      if (this.#stopping) return;
      this.#startTimedOut = true;
      this.kill();
    }, START_TIMEOUT_MS);
    this.#startTimer.unref();
    // The exit counts once the process has exited AND the IPC channel has
    // closed, so every message the child sent before dying (a result, `ready`)
    // has been read. 'close' would say exactly that, but it never fires after
    // the parent's own disconnect() (nodejs/node#19433), which is how a child
    // is released.
    child.on('exit', (code, signal) => {
      this.#status = { code, signal };
      clearTimeout(this.#timer);
      if (!child.connected) this.#onExit(code, signal);
      // A grandchild that inherited the channel's fd would keep it open after
      // the child died: stop waiting for the channel's end after a moment.
      else this.#timer = setTimeout(() => child.connected && child.disconnect(), EXIT_DRAIN_MS);
    });
    child.on('disconnect', () => {
      if (this.#status) this.#onExit(this.#status.code, this.#status.signal);
    });
    // A failed spawn emits 'error' (and no 'close' when there is no pid);
    // `send` on a closed channel also lands here: the exit reports it.
    child.on('error', () => {
      if (child.pid === undefined) this.#onExit(null, null);
    });
  }

  get exited(): boolean {
    return this.#exited;
  }

  /** Throws synchronously when the message cannot be cloned (nothing is written then). */
  send(message: PoolMessage): boolean {
    const child = this.#process;
    if (!child || !child.connected) return false;
    checkIpcCloneable(message);
    child.send(message);
    return true;
  }

  /** An idle child must not keep the parent alive; a busy one must. */
  reference(on: boolean): void {
    const child = this.#process;
    if (!child || on === this.#referenced || this.#exited) return;
    this.#referenced = on;
    // The channel's handle and the process's own both hold the event loop.
    // Bun's `channel` has neither method (its process handle covers both).
    if (on) {
      child.ref();
      child.channel?.ref?.();
    } else {
      child.unref();
      child.channel?.unref?.();
    }
  }

  /** Graceful: close the channel; the child exits on `disconnect`. Killed if it lingers. */
  release(): void {
    if (this.#stopping || this.#exited) return;
    this.#stopping = true;
    const child = this.#process!;
    this.reference(true);
    if (child.connected) child.disconnect();
    this.#timer = setTimeout(() => this.#terminate(), RELEASE_GRACE_MS);
  }

  /**
   * Now: SIGKILL. A child ignores SIGTERM while its parent lives (child.ts:
   * a SIGTERM to the whole process group must not kill it under a parent that
   * shuts down gracefully), so SIGTERM would not end it; and a call we end is
   * stopped mid-way whatever the signal.
   */
  kill(): void {
    if (this.#exited) return;
    clearTimeout(this.#timer);
    this.#stopping = true;
    this.#terminate();
  }

  #terminate(): void {
    const child = this.#process!;
    // Hold the event loop until the exit is seen: close()/destroy() wait for
    // it, and a pending promise alone does not keep Node running.
    this.reference(true);
    child.kill('SIGKILL');
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#exited) return;
    this.#exited = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#startTimer);
    this.#guard?.remove(this.id);
    // V8 aborts a process that runs out of heap: SIGABRT on Node (134 = 128 + 6
    // when reported as a code), SIGTRAP on Deno (133 = 128 + 5).
    this.#listener.exit(this, {
      description: describeExit(this.id, code, signal) + (this.#startTimedOut ? ` (it sent no \`ready\` within ${START_TIMEOUT_MS / 1000} s)` : ''),
      code,
      signal,
      outOfMemory: signal === 'SIGABRT' || signal === 'SIGTRAP' || code === 134 || code === 133,
    });
  }
}

function describeExit(pid: number, code: number | null, signal: NodeJS.Signals | null): string {
  const who = pid ? `Child process ${pid}` : 'A child process that could not be spawned';
  if (signal) return `${who} was killed by signal ${signal}`;
  return `${who} exited with code ${code ?? 'unknown'}`;
}
