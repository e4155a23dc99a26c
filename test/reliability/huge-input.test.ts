/**
 * A 100 MB input on every backend, copied and transferred: the task sees
 * every byte, the executor goes on, and only the thread backend moves
 * (detaches) a transferred buffer; the others copy it (a child process
 * cannot share memory) or pass it by reference (the async backend). One
 * buffer at a time, dropped after each test, to keep memory sane.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createExecutor, type Executor } from 'unified-executor';
import { localBackends } from '../contract/backends-under-test.js';
import { tasks } from './helpers.js';

const SIZE = 100 * 1024 * 1024;

function hugeBuffer(): ArrayBuffer {
  const buffer = new ArrayBuffer(SIZE);
  new Uint8Array(buffer)[SIZE - 1] = 7;
  return buffer;
}

describe.each(localBackends)('a 100 MB input on the $name backend', (backend) => {
  let executor: Executor;
  afterEach(async () => {
    expect(await executor.run(tasks.tiny, 1)).toBe(2);
    await executor.destroy();
  });

  it('copied: the task sees all of it, the caller keeps it', { timeout: 60_000 }, async () => {
    executor = createExecutor({ ...backend.slots(1), execArgv: [] });
    const buffer = hugeBuffer();
    expect(await executor.run(tasks.measure, buffer)).toEqual({ byteLength: SIZE, last: 7 });
    expect(buffer.byteLength).toBe(SIZE);
  });

  it('transferred: the task sees all of it; a thread takes it over', { timeout: 60_000 }, async () => {
    executor = createExecutor({ ...backend.slots(1), execArgv: [] });
    const buffer = hugeBuffer();
    expect(await executor.run(tasks.measure, buffer, { transfer: [buffer] })).toEqual({ byteLength: SIZE, last: 7 });
    expect(buffer.byteLength).toBe(backend.name === 'thread' ? 0 : SIZE);
  });
});
