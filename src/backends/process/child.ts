/**
 * Runs inside each child process (built to `dist/process-child.js`): takes
 * requests from the parent over IPC, runs them with the shared `runCall`
 * (task modules imported once and cached), and answers by id. Results that
 * settle in the same turn of the event loop go back in one message.
 *
 * The child never outlives its parent: when the IPC channel closes (the
 * parent closed it, exited, or was SIGKILLed) the child exits; a watchdog
 * thread covers a child whose main thread is stuck in a synchronous loop and
 * so never sees `disconnect`.
 */
import { Worker } from 'node:worker_threads';
import { TaskNotPortableError } from '../../errors.js';
import { runCall, type CallOutcome } from '../../shared/run-call.js';
import { serializeError } from '../../shared/serialize-error.js';
import { takePoolMark } from './start-guard.js';
import { RUN_STRIDE, TAG, type ChildMessage, type ParentMessage, type ResultsMessage } from './protocol.js';

interface TaskDefinition {
  module: string;
  name: string;
  label: string;
}

// First, before anything can fork: a child that was not started by a pool
// (no IPC channel, or no mark in its environment) leaves at once.
if (!takePoolMark()) {
  console.error(
    `unified-executor: process-child.js runs only as a child forked by the process backend (process ${process.pid} ` +
      `${process.send ? 'has no pool mark in its environment' : 'has no IPC channel'}); exiting`,
  );
  process.exit(1);
}
const send = process.send!.bind(process) as (message: ChildMessage) => boolean;

const definitions: TaskDefinition[] = [];
let outbox: ResultsMessage = [TAG.results];
/** The task key of each result in `outbox`, to name the task if its result cannot be sent. */
let outboxKeys: number[] = [];
let flushScheduled = false;

process.on('message', (message: ParentMessage) => {
  if (message[0] === TAG.run) {
    for (let i = 1; i < message.length; i += RUN_STRIDE) {
      start(message[i] as number, message[i + 1] as number, message[i + 2] === 1, message[i + 3]);
    }
  } else if (message[0] === TAG.define) {
    definitions[message[1]] = { module: message[2], name: message[3], label: message[4] };
  }
});

// The parent is gone or released us: nothing can reach us any more.
process.on('disconnect', () => process.exit(0));
// Ctrl-C sends SIGINT to the whole foreground process group, children
// included: by default they died at once, so a parent that handles SIGINT to
// shut down gracefully (the worker CLI finishes running jobs) found its tasks
// failed with "killed by signal SIGINT". Stopping is the parent's call: when
// it exits, `disconnect` (or the watchdog) ends this child anyway.
process.on('SIGINT', () => {});
// A send racing the parent's exit fails later with EPIPE on `process`; with no
// listener that is an uncaught exception and a stack trace on the parent's
// stderr. The parent is gone, so leave quietly, as on 'disconnect'.
process.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE' || error.code === 'ERR_IPC_CHANNEL_CLOSED') process.exit(0);
  throw error;
});
// The parent may have let go while we were starting (destroy() right after a spawn).
if (process.connected) send([TAG.ready]);
// After `ready` (the parent can send work while the thread starts), but still
// before any task can run: no message is handled until this module's code ends.
watchParent();

function start(id: number, key: number, batch: boolean, input: unknown): void {
  const task = definitions[key]!;
  void runCall(task.module, task.name, input, batch).then((outcome: CallOutcome) => {
    outbox.push(id, outcome.ok ? 1 : 0, outcome.ok ? outcome.value : outcome.error);
    outboxKeys.push(key);
    if (!flushScheduled) {
      flushScheduled = true;
      // setImmediate, not a microtask: every synchronous task of the message
      // that started it has settled by then, so their results share one message.
      setImmediate(flush);
    }
  });
}

function flush(): void {
  flushScheduled = false;
  const message = outbox;
  const keys = outboxKeys;
  outbox = [TAG.results];
  outboxKeys = [];
  if (!process.connected) return;
  try {
    send(message);
  } catch {
    // One result cannot be cloned (a function, a class instance with private
    // state...). `send` throws before writing anything, so resend one by one
    // and answer the failing ones with TaskNotPortableError.
    for (let i = 1, n = 0; i < message.length; i += 3, n++) {
      const id = message[i];
      try {
        send([TAG.results, id, message[i + 1], message[i + 2]]);
      } catch (error) {
        const label = definitions[keys[n]!]?.label ?? 'unknown';
        const notPortable = new TaskNotPortableError(
          `The result of task ${label} cannot be sent back from child process ${process.pid}: ${(error as Error).message}`,
        );
        send([TAG.results, id, 0, serializeError(notPortable)]);
      }
    }
  }
}

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
    const watchdog = new Worker(source, { eval: true, workerData: process.ppid, stdout: false, stderr: false });
    // Never keeps the child alive by itself, and never fails the child.
    watchdog.unref();
    watchdog.on('error', () => {});
  } catch {
    // Threads unavailable: the IPC `disconnect` still covers every child that is not stuck.
  }
}
