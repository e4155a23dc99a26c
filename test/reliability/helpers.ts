/**
 * What every reliability suite checks after it runs: each promise settled,
 * the counters add up, no worker left alive, nothing unhandled in the parent.
 * Waiting is always on events or promises with generous bounds, never on a
 * wall-clock window (this runs on a loaded two-core machine).
 */
import { ExecutorError, defineTask, type Executor, type ExecutorStats } from 'unified-executor';

const fixture = (file: string) => new URL(`../fixtures/${file}`, import.meta.url);

export const tasks = {
  square: defineTask<(x: { n: number; ms?: number }) => Promise<number>>(fixture('reliability.mjs'), 'square'),
  squareWhere: defineTask<(x: { n: number; ms?: number }) => Promise<{ value: number; pid: number; threadId: number }>>(
    fixture('reliability.mjs'),
    'squareWhere',
  ),
  tiny: defineTask<(n: number) => number>(fixture('reliability.mjs'), 'tiny'),
  exitAfter: defineTask<(x: { ms: number; code: number }) => Promise<never>>(fixture('reliability.mjs'), 'exitAfter'),
  where: defineTask<() => { pid: number; threadId: number }>(fixture('reliability.mjs'), 'where'),
  measure: defineTask<(b: ArrayBuffer | Uint8Array) => { byteLength: number; last: number }>(fixture('reliability.mjs'), 'measure'),
  bigResult: defineTask<(x: { mb: number; fill: number }) => Uint8Array>(fixture('reliability.mjs'), 'bigResult'),
  returnsSymbol: defineTask<() => unknown>(fixture('reliability.mjs'), 'returnsSymbol'),
  fail: defineTask<(x: { message: string; code: string }) => never>(fixture('errors.mjs'), 'fail'),
  hang: defineTask<(x: unknown) => Promise<never>>(fixture('timing.mjs'), 'hang'),
  spin: defineTask<(ms: number) => number>(fixture('timing.mjs'), 'spin'),
};

/** The channel the reliability fixture listens on to end one worker thread (see reliability.mjs). */
export function killThread(threadId: number): void {
  const channel = new BroadcastChannel('unified-executor-reliability-kill');
  channel.postMessage(threadId);
  channel.close();
}

/** A promise whose state can be read synchronously. */
export interface Tracked<T> {
  promise: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>;
  settled: boolean;
}

export function track<T>(promise: Promise<T>): Tracked<T> {
  const tracked: Tracked<T> = { settled: false, promise: undefined as never };
  tracked.promise = promise.then(
    (value) => {
      tracked.settled = true;
      return { ok: true as const, value };
    },
    (error: unknown) => {
      tracked.settled = true;
      return { ok: false as const, error };
    },
  );
  return tracked;
}

/** One macrotask: every microtask (promise reaction) queued before has run. */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Records `unhandledRejection` and `uncaughtException` in the parent while a
 * suite runs. Vitest has its own listeners too; ours only collect, so the
 * test can assert on them by name.
 */
export function watchProcessErrors(): { errors: unknown[]; stop(): void } {
  const errors: unknown[] = [];
  const onError = (error: unknown) => errors.push(error);
  process.on('unhandledRejection', onError);
  process.on('uncaughtException', onError);
  return {
    errors,
    stop() {
      process.off('unhandledRejection', onError);
      process.off('uncaughtException', onError);
    },
  };
}

/** Every worker an executor has spawned, by `workerSpawn`/`workerExit`. */
export class WorkerLedger {
  readonly spawned = new Set<number>();
  readonly exited = new Set<number>();
  #waiters: (() => void)[] = [];

  constructor(readonly executor: Executor) {
    executor.on('workerSpawn', (event) => {
      this.spawned.add(event.id);
      this.#wake();
    });
    executor.on('workerExit', (event) => {
      this.exited.add(event.id);
      this.#wake();
    });
  }

  live(): number[] {
    return [...this.spawned].filter((id) => !this.exited.has(id));
  }

  /** Resolves once `predicate` holds, re-checked on each worker event (bounded by the test timeout). */
  async until(predicate: () => boolean): Promise<void> {
    while (!predicate()) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  #wake(): void {
    for (const resolve of this.#waiters.splice(0)) resolve();
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but is not ours (a recycled pid); only ESRCH means gone.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** The invariants every sequence must end with, as a list of violations (empty when all hold). */
export function violations(
  backend: string,
  executor: Executor,
  ledger: WorkerLedger,
  promises: Tracked<unknown>[],
): string[] {
  const out: string[] = [];
  const pending = promises.filter((p) => !p.settled).length;
  if (pending > 0) out.push(`${pending} promise(s) still pending`);
  const stats: ExecutorStats = executor.stats();
  if (stats.completed + stats.failed + stats.cancelled !== stats.submitted) {
    out.push(`stats do not add up: ${JSON.stringify(stats)}`);
  }
  if (stats.queued !== 0 || stats.running !== 0 || stats.workers !== 0) out.push(`not empty after close: ${JSON.stringify(stats)}`);
  const live = ledger.live();
  if (live.length > 0) out.push(`workerSpawn without workerExit: ${live.join(', ')}`);
  if (backend === 'process') {
    const alive = [...ledger.spawned].filter(pidAlive);
    if (alive.length > 0) out.push(`child processes still alive: ${alive.join(', ')}`);
  }
  return out;
}

/** A rejection the API allows: a library error, the task's own error, or an abort reason we gave. */
export function isTypedError(error: unknown, reasons: unknown[] = []): boolean {
  return (
    error instanceof ExecutorError ||
    reasons.includes(error) ||
    (error as Error)?.name === 'PaymentError' ||
    (error as Error)?.name === 'AbortError'
  );
}
