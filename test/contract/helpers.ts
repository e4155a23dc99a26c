import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Executor, TaskEvent } from 'unified-executor';

/**
 * Registers an afterEach that destroys every executor the test handed to the
 * returned function, so no worker outlives its test; returns the executor.
 */
export function destroyAfterEach(): <E extends Executor>(executor: E) => E {
  let executors: Executor[] = [];
  afterEach(async () => {
    await Promise.all(executors.map((e) => e.destroy()));
    executors = [];
  });
  return (executor) => {
    executors.push(executor);
    return executor;
  };
}

/** Resolves when the executor has started `count` tasks (taskStart events). Call it before `run`: a task may start synchronously. */
export function started(executor: Executor, count = 1): Promise<TaskEvent[]> {
  const seen: TaskEvent[] = [];
  return new Promise((resolve) => {
    const onStart = (event: TaskEvent) => {
      seen.push(event);
      if (seen.length === count) {
        executor.off('taskStart', onStart);
        resolve(seen);
      }
    };
    executor.on('taskStart', onStart);
  });
}

/** The settled state of a promise, without letting it reject unhandled. */
export function outcome<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: any }> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error) => ({ ok: false as const, error }),
  );
}

/** Pulls `n` results from an async iterator. */
export async function take<T>(iterator: AsyncIterator<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) {
    const next = await iterator.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

/** Starts what `backend` needs (Redis and its workers for distributed) before the file's tests, and stops it after. */
export function setUpBackend(backend: { setup?(): Promise<() => Promise<void>> }): void {
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    stop = await backend.setup?.();
  }, 60_000);
  afterAll(async () => {
    await stop?.();
  });
}
