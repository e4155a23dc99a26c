/**
 * The entry every pool thread runs (built to dist/thread-worker.cjs, loaded by
 * piscina by path). It receives one call, runs it with the shared `runCall`,
 * and answers with its outcome envelope; the parent rebuilds errors.
 *
 * It never throws: a throw here would reach piscina as a crash of the thread.
 */
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TaskNotPortableError } from '../errors.js';
import { runCall, type CallOutcome } from '../shared/run-call.js';
import { serializeError } from '../shared/serialize-error.js';
import { registerTsxIfRequested } from '../shared/thread-loaders.js';
import { findUncloneable } from './cloneable.js';

// Before the first call: make a TypeScript loader the app runs under work in
// this thread too. Awaited by each call, not at the top level: this entry is
// built as CommonJS (see tsup.config.ts), where there is no top-level await.
const loadersReady = registerTsxIfRequested(process.execArgv);

/** What the parent posts. `noop` answers at once: a call cancelled before it reached a thread. */
export interface ThreadCallMessage {
  module: string;
  name: string;
  input: unknown;
  batch: boolean;
  noop?: boolean;
}

const NOOP: CallOutcome = { ok: true, value: undefined };

export default async function runThreadCall(message: ThreadCallMessage): Promise<CallOutcome> {
  if (message.noop) return NOOP;
  await loadersReady;
  const outcome = await runCall(message.module, message.name, message.input, message.batch);
  if (!outcome.ok || !mayHoldUncloneable(outcome.value)) return outcome;
  // piscina posts the answer after we return; an uncloneable value would then
  // throw inside piscina and kill this thread with every task on it. Checked
  // here, it fails only its own task, with a message that says what to do.
  const problem = findUncloneable(outcome.value, 'result');
  if (problem === undefined) return outcome;
  const label = `${basename(fileURLToPath(message.module))}#${message.name}`;
  return {
    ok: false,
    error: serializeError(
      new TaskNotPortableError(
        `Task ${label} returned a value that cannot be cloned back to the caller's thread: ${problem}. ` +
          'Return plain data (objects, arrays, numbers, strings, typed arrays, Map, Set, Date)',
      ),
    ),
  };
}

/** Primitives always clone; only objects, functions and symbols need a look. */
function mayHoldUncloneable(value: unknown): boolean {
  return (typeof value === 'object' && value !== null) || typeof value === 'function' || typeof value === 'symbol';
}
