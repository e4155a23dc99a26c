/**
 * Runs inside each child process (built to `dist/process-child.js`): takes
 * calls from the pool over IPC and runs them with the shared call loop
 * (pool/call-loop.ts: in order, calls sent ahead, results in batches).
 *
 * The child never outlives its parent: when the IPC channel closes (the
 * parent closed it, exited, or was SIGKILLed) the child exits; the pool's
 * orphan guard (or, without one, a watchdog thread) covers a child whose main
 * thread is stuck in a synchronous loop and so never sees `disconnect`.
 */
import { CallLoop } from './call-loop.js';
import { TAG, type PoolMessage, type WorkerMessage } from './protocol.js';
import { checkIpcCloneable } from './runtime.js';
import { workerThreads } from './builtins.js';
import { takePoolMark } from '../backends/process/start-guard.js';

// First, before anything can fork: a child that was not started by a pool
// (no IPC channel, or no mark in its environment) leaves at once.
if (!takePoolMark()) {
  console.error(
    `unified-executor: process-child.js runs only as a child forked by the process backend (process ${process.pid} ` +
      `${process.send ? 'has no pool mark in its environment' : 'has no IPC channel'}); exiting`,
  );
  process.exit(1);
}
const sendRaw = process.send!.bind(process) as (message: WorkerMessage) => boolean;
// Throws at once on a result that cannot be cloned, on every runtime: the call
// loop then answers that call alone with TaskNotPortableError.
const send = (message: WorkerMessage): boolean => {
  checkIpcCloneable(message);
  return sendRaw(message);
};
// perWorker travels in argv: the loop must know it before the first call arrives.
const loop = new CallLoop((message) => {
  // Not connected: the parent has gone or released us; `disconnect` ends this process.
  if (process.connected) send(message);
}, Number(process.argv[2]) || 1);

process.on('message', (message: PoolMessage) => loop.receive(message));

// The parent is gone or released us: nothing can reach us any more.
process.on('disconnect', () => process.exit(0));
// Ctrl-C sends SIGINT to the whole foreground process group, children
// included, and a service manager stops a service with SIGTERM to its whole
// group (systemd's default KillMode=control-group). By default the children
// died at once, so a parent that handles the signal to shut down gracefully
// (`await executor.close()`, the worker CLI) found its running tasks failed
// with "killed by signal". Stopping is the parent's call: while it lives, its
// children ignore both; when it exits or dies, `disconnect` (or the orphan
// guard, or the watchdog) ends them anyway. A handler cannot tell who sent a
// signal, so a SIGTERM sent to this child alone is ignored too: the pool ends
// a child with SIGKILL, and so does an operator who wants one gone (the pool
// reports its running calls as crashed and starts another).
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
// A send racing the parent's exit fails later with EPIPE on `process`; with no
// listener that is an uncaught exception and a stack trace on the parent's
// stderr. The parent is gone, so leave quietly, as on 'disconnect'.
process.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE' || error.code === 'ERR_IPC_CHANNEL_CLOSED') process.exit(0);
  throw error;
});
// The parent may have let go while we were starting (destroy() right after a spawn).
if (process.connected) send([TAG.ready]);
// The pool's orphan guard (orphan-guard.ts) ends this process if the parent
// dies while a task spins; without one, a watchdog thread does. After `ready`
// (the parent can send work while the thread starts), but still before any
// task can run: no message is handled until this module's code ends.
if (process.argv[3] !== 'guarded') watchParent();

/**
 * `disconnect` is an event, so a main thread stuck in a synchronous loop never
 * sees its parent die. A tiny thread polls the parent pid (it changes when we
 * are re-parented to init or a subreaper) and kills the process. Linux's
 * PR_SET_PDEATHSIG would do this in the kernel, but Node does not expose it.
 */
function watchParent(): void {
  // 1 s: an orphan stuck in a loop lives at most this long; the poll is one syscall.
  const source = `
    const { workerData } = require('node:worker_threads');
    setInterval(() => { if (process.ppid !== workerData) process.kill(process.pid, 'SIGKILL'); }, 1000);
  `;
  try {
    // Its cost: about 12 MB of the child's RSS and ~10 ms of its start (a V8
    // isolate; heap limits on it do not shrink that, and too small ones kill it).
    const watchdog = new (workerThreads().Worker)(source, { eval: true, workerData: process.ppid, stdout: false, stderr: false });
    // Never keeps the child alive by itself, and never fails the child.
    watchdog.unref();
    watchdog.on('error', () => {});
  } catch {
    // Threads unavailable: the IPC `disconnect` still covers every child that is not stuck.
  }
}
