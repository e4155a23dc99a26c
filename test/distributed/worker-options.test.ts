/**
 * createWorker's module options are checked before it connects: a bad
 * `allowModules` entry is a TypeError naming it (issue 17). No Redis needed:
 * the check comes first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorker } from 'unified-executor';

describe('createWorker({ allowModules })', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ue-allow-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Nothing listens there: a check that passed would go on to wait for Redis, which these must not reach.
  const connection = 'redis://127.0.0.1:1';

  it.each([
    ['not an array', '/srv/tasks', /Expected `allowModules` to be an array/],
    ['a relative path', ['tasks/x.mjs'], /absolute path or a file: URL, got 'tasks\/x.mjs'/],
    ['a number', [42], /absolute path or a file: URL, got number/],
    ['a path that does not exist', [join(dir, 'missing.mjs')], /lists .*missing\.mjs, which does not exist/],
  ])('refuses %s', async (_what, allowModules, message) => {
    await expect(createWorker({ connection, allowModules: allowModules as never })).rejects.toThrow(message);
  });
});
