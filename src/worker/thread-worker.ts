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
import { threadId, type MessagePort } from 'node:worker_threads';
import { registerTsxIfRequested } from './thread-loaders.js';
import { CallLoop } from './call-loop.js';
import { TAG, type PoolMessage } from './protocol.js';
import { RUNTIME, SILENT_OOM } from './runtime.js';

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
}

export default async function runSession({ port, perWorker }: ThreadSession): Promise<void> {
  await loadersReady.catch(() => undefined);
  const loop = new CallLoop((message) => port.postMessage(message), perWorker);
  let watch: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve, reject) => {
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
      if (message[0] !== TAG.close) loop.receive(message);
      else {
        clearInterval(watch);
        port.close();
        resolve();
      }
    });
    // The pool closed its end (it ended this session before it started): nothing more will come.
    port.once('close', resolve);
    port.postMessage([TAG.ready, threadId]);
  });
}
