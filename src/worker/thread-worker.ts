/**
 * The entry every pool thread runs (built to dist/thread-worker.cjs; piscina
 * loads it by path). piscina runs one "session" per thread: this function,
 * with a MessagePort of the pool's own. Calls and results travel on that port,
 * in batches (call-loop.ts), not as one piscina task each; the session ends
 * when the pool says `close`.
 *
 * It never throws: a throw here would reach piscina as a crash of the thread.
 * The one exception is on purpose: a task that Deno cut short (see below).
 */
import { receiveMessageOnPort, threadId, type MessagePort } from 'node:worker_threads';
import { registerTsxIfRequested } from './thread-loaders.js';
import { CallLoop } from './call-loop.js';
import { TAG, type PoolMessage } from './protocol.js';
import { RUNTIME, SILENT_OOM } from './runtime.js';
import { AbortFlags } from './abort-flags.js';

/**
 * Deno ends a thread's task that runs out of heap without an error or an
 * exit: the thread lives on and the call never settles (a Deno bug). A task's
 * synchronous part holds the thread, so a timer that fires while the call loop
 * is still inside one proves the call was cut short; the session then fails
 * as out of memory, and the pool ends the thread and reports the crash.
 */
const INTERRUPT_CHECK_MS = 250;

// Before the first call: make a TypeScript loader the app runs under work in
// this thread too. Awaited by the session, not at the top level: this entry is
// built as CommonJS (see tsup.config.ts), where there is no top-level await.
const loadersReady = registerTsxIfRequested(process.execArgv);

export interface ThreadSession {
  port: MessagePort;
  perWorker: number;
  /** Shared with the pool: calls it aborted (abort-flags.ts). */
  abortFlags: SharedArrayBuffer;
}

export default async function runSession({ port, perWorker, abortFlags }: ThreadSession): Promise<void> {
  await loadersReady.catch(() => undefined);
  let watch: NodeJS.Timeout | undefined;
  // Messages taken from the port early (while a task polled its abort flag) that
  // are not cancels: handled, in order, before anything that comes after them.
  let deferred: PoolMessage[] = [];
  let resolveSession: () => void = () => undefined;
  const handle = (message: PoolMessage) => {
    if (message[0] !== TAG.close) loop.receive(message);
    else {
      clearInterval(watch);
      port.close();
      resolveSession();
    }
  };
  const handleDeferred = () => {
    const waiting = deferred;
    deferred = [];
    for (const message of waiting) handle(message);
  };
  /**
   * A task polling ctx.signal.aborted saw its flag: its cancel is in the port.
   * Take the port's messages now, synchronously; act on cancels, keep the rest
   * (calls, definitions) for when the event loop turns.
   */
  const takeMessages = () => {
    for (let entry = receiveMessageOnPort(port); entry !== undefined; entry = receiveMessageOnPort(port)) {
      const message = entry.message as PoolMessage;
      if (message[0] === TAG.cancel) loop.receive(message);
      else {
        if (deferred.length === 0) setImmediate(handleDeferred);
        deferred.push(message);
      }
    }
  };
  const loop = new CallLoop((message) => port.postMessage(message), perWorker, new AbortFlags(abortFlags), takeMessages);
  await new Promise<void>((resolve, reject) => {
    resolveSession = resolve;
    if (RUNTIME === 'deno') {
      watch = setInterval(() => {
        if (!loop.interrupted) return;
        clearInterval(watch);
        port.close();
        reject(new Error(`the runtime (Deno ${process.versions.deno}) ${SILENT_OOM}`));
      }, INTERRUPT_CHECK_MS);
      watch.unref();
    }
    port.on('message', (message: PoolMessage) => {
      if (deferred.length > 0) handleDeferred();
      handle(message);
    });
    // The pool closed its end (it ended this session before it started): nothing more will come.
    port.once('close', resolve);
    port.postMessage([TAG.ready, threadId]);
  });
}
