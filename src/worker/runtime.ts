/**
 * Which JavaScript runtime runs the library: Node, or Bun or Deno through
 * their Node compatibility layers. A few things differ there, each measured
 * by the runtime matrix in CI (test/runtimes/, README "Runtimes"):
 * - Bun has no heap limit for threads or child processes (JavaScriptCore
 *   ignores `resourceLimits` and `--max-old-space-size`): the option is refused.
 * - Deno's `child.send()` does not throw at once on a value that cannot be
 *   cloned; it fails later, in the other process or as an uncaught exception.
 * - Deno ends a thread's task that runs out of heap without any event.
 */
import { v8 } from './builtins.js';

export type RuntimeName = 'node' | 'bun' | 'deno';

export const RUNTIME: RuntimeName = process.versions.bun ? 'bun' : process.versions.deno ? 'deno' : 'node';

/** `Bun 1.4.5`, `Deno 2.9.6`, `Node 22.23.5`: for messages. */
export const RUNTIME_LABEL =
  RUNTIME === 'bun' ? `Bun ${process.versions.bun}` : RUNTIME === 'deno' ? `Deno ${process.versions.deno}` : `Node ${process.versions.node}`;

/**
 * Throws, as Node's own `send` does, when an IPC message cannot be cloned.
 * Node already throws synchronously with nothing written, so this costs Node
 * nothing; elsewhere it serialises the message once more first (v8.serialize
 * refuses the same values on all three runtimes).
 */
// node:v8 when first needed (builtins.ts): importing the library (options.ts reads this file) must not load it.
export const checkIpcCloneable: (message: unknown) => void =
  RUNTIME === 'node' ? () => {} : (message) => void v8().serialize(message);


/**
 * Bun runs pool workers with no heap limit at all: a task that leaks grows
 * without bound instead of failing with WorkerCrashedError. Say so at
 * creation rather than promise a limit that nothing enforces.
 */
export function checkHeapLimitSupported(backend: string | undefined, heapMb: number | undefined): void {
  if (RUNTIME !== 'bun' || heapMb === undefined || backend === 'async' || backend === 'distributed') return;
  throw new TypeError(
    `\`resourceLimits.maxOldGenerationSizeMb\` cannot be enforced on ${RUNTIME_LABEL}: its worker threads and child ` +
      'processes have no heap limit (JavaScriptCore ignores `resourceLimits` and `--max-old-space-size`). ' +
      'Leave the option out on Bun, or run on Node or Deno',
  );
}

/**
 * What a thread session fails with when Deno cut its task short for want of
 * heap (thread-worker.ts). Only the message crosses back (a structured clone
 * of an Error drops `code`), so the pool recognises it by these words.
 */
export const SILENT_OOM = 'stopped a task in this thread without an error: it ran out of heap';
