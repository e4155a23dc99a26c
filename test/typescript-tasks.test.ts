/**
 * Task modules written in TypeScript: an app run under a loader (`node --import tsx`)
 * gets the same loader in its threads and children, so a .ts task runs on every backend.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/run-ts-task.mjs', import.meta.url));

describe('TypeScript task modules', () => {
  it('run on every backend when the parent runs under --import tsx', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({
      async: 'hello async',
      thread: 'hello thread',
      process: 'hello process',
    });
  });

  it('fail with TaskLoadError naming the module when no loader is present', () => {
    // Node 22.18+ strips types itself (process.features.typescript): turn that
    // off, or Node would be the loader this test means to leave out.
    const noStrip = (process.features as { typescript?: unknown }).typescript ? ['--no-experimental-strip-types'] : [];
    const out = execFileSync(process.execPath, [...noStrip, script], { encoding: 'utf8' });
    const result = JSON.parse(out.trim().split('\n').pop()!);
    for (const backend of ['async', 'thread', 'process']) {
      expect(result[backend]).toMatch(/^TaskLoadError: .*typed-task\.ts/);
    }
  });
});
