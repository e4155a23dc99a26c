// `npm run example -- hash-with-progress`: the task context (README "Task
// context"). A file hash on the thread backend reports its progress to a bar,
// is aborted half-way and stops at once (its worker is kept: no workerExit),
// then runs again to the end.
import { randomFillSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExecutor, defineTask } from 'unified-executor';
import type * as files from './tasks/files.js';
import { progressBar } from './progress-bar.js';

const hashFile = defineTask<typeof files.hashFile>(new URL('./tasks/files.ts', import.meta.url), 'hashFile');

export async function main(sizeMb = 256): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ue-hash-'));
  const path = join(dir, 'large.bin');
  const chunk = randomFillSync(Buffer.alloc(1 << 20));
  writeFileSync(path, Buffer.concat(Array.from({ length: sizeMb }, () => chunk)));
  const executor = createExecutor({ backend: 'thread', maxWorkers: 1 });
  // Until close(): the aborted hash stops by itself, so its thread lives on.
  const onExit = ({ id }: { id: number }) => console.log(`  thread ${id} exited (it should not have)`);
  executor.on('workerExit', onExit);
  try {
    console.log(`Hashing ${sizeMb} MiB on a thread; aborted at half-way:`);
    const controller = new AbortController();
    let bar = progressBar('  hash');
    const abortedAt = await executor
      .run(hashFile, path, {
        signal: controller.signal,
        onProgress: ({ bytes, total }) => {
          bar.update(bytes / total);
          if (bytes >= total / 2) controller.abort(new Error('enough'));
        },
      })
      .then(
        () => 'finished before the abort',
        (error: Error) => `stopped: ${error.message}`,
      );
    bar.done(abortedAt);

    console.log('Again, to the end, on the same thread:');
    bar = progressBar('  hash');
    const digest = await executor.run(hashFile, path, { onProgress: ({ bytes, total }) => bar.update(bytes / total) });
    bar.done(`sha256 ${digest.slice(0, 16)}…`);
    executor.off('workerExit', onExit);
  } finally {
    await executor.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The demo's line: `map` over several files, one bar for all of them, drawn
 * from map's onProgress (each value comes with its item's index).
 */
export async function mapWithBar(files = 16, sizeMb = 8): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ue-hash-'));
  const chunk = randomFillSync(Buffer.alloc(1 << 20));
  const data = Buffer.concat(Array.from({ length: sizeMb }, () => chunk));
  const paths = Array.from({ length: files }, (_, i) => join(dir, `part-${i}.bin`));
  for (const path of paths) writeFileSync(path, data);
  const executor = createExecutor({ backend: 'thread' });
  try {
    const done = new Array<number>(files).fill(0);
    let sum = 0;
    const bar = progressBar(`  ${files} x ${sizeMb} MiB`);
    let hashed = 0;
    for await (const _ of executor.map(hashFile, paths, {
      onProgress: ({ bytes, total }, index) => {
        sum += bytes - done[index]!;
        done[index] = bytes;
        bar.update(sum / (total * files));
      },
    })) hashed++;
    bar.done(`${hashed} files hashed`);
  } finally {
    await executor.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
