/**
 * The entry every pool thread runs (built to dist/thread-worker.cjs; piscina
 * loads it by path). piscina runs one "session" per thread: this function,
 * with a MessagePort of the pool's own. Calls and results travel on that port,
 * in batches (call-loop.ts), not as one piscina task each; the session ends
 * when the pool says `close`.
 *
 * It never throws: a throw here would reach piscina as a crash of the thread.
 */
import { threadId, type MessagePort } from 'node:worker_threads';
import { registerTsxIfRequested } from './thread-loaders.js';
import { CallLoop } from './call-loop.js';
import { TAG, type PoolMessage } from './protocol.js';

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
  await new Promise<void>((resolve) => {
    port.on('message', (message: PoolMessage) => {
      if (message[0] !== TAG.close) loop.receive(message);
      else {
        port.close();
        resolve();
      }
    });
    // The pool closed its end (it ended this session before it started): nothing more will come.
    port.once('close', resolve);
    port.postMessage([TAG.ready, threadId]);
  });
}
