/**
 * The package as a user gets it: `npm pack`, installed into an empty project,
 * loaded through both `import` and `require`, running a real task.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const fixture = new URL('./fixtures/values.mjs', import.meta.url).href;
let project: string;

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'unified-executor-pack-'));
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', project], { cwd: root, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop()!;
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(project, tarball)], {
    cwd: project,
    stdio: 'ignore',
  });
}, 120_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

const node = (file: string, source: string) => {
  writeFileSync(join(project, file), source);
  return execFileSync(process.execPath, [join(project, file)], { cwd: project, encoding: 'utf8' }).trim();
};

describe('the packed package', () => {
  it('works through import', () => {
    const out = node(
      'esm.mjs',
      `import { createExecutor, defineTask, ExecutorError } from 'unified-executor';
       const double = defineTask(${JSON.stringify(fixture)}, 'double');
       for (const backend of ['async', 'thread', 'process']) {
         const executor = createExecutor({ backend, maxWorkers: 1 });
         console.log(backend, await executor.run(double, 21));
         await executor.close();
       }
       console.log(typeof ExecutorError);`,
    );
    expect(out.split('\n')).toEqual(['async 42', 'thread 42', 'process 42', 'function']);
  });

  it('works through require', () => {
    const out = node(
      'cjs.cjs',
      `const { createExecutor, defineTask, TaskTimeoutError } = require('unified-executor');
       const double = defineTask(${JSON.stringify(fixture)}, 'double');
       (async () => {
         for (const backend of ['async', 'thread', 'process']) {
           const executor = createExecutor({ backend, maxWorkers: 1 });
           console.log(backend, await executor.run(double, 4));
           await executor.close();
         }
         console.log(new TaskTimeoutError('t', 1).code);
       })();`,
    );
    expect(out.split('\n')).toEqual(['async 8', 'thread 8', 'process 8', 'ERR_TASK_TIMEOUT']);
  });

  it('ships types for both', () => {
    const pkg = JSON.parse(execFileSync('cat', [join(project, 'node_modules/unified-executor/package.json')], { encoding: 'utf8' }));
    expect(pkg.exports['.'].import.types).toBe('./dist/index.d.ts');
    expect(pkg.exports['.'].require.types).toBe('./dist/index.d.cts');
    execFileSync('test', ['-f', join(project, 'node_modules/unified-executor/dist/index.d.cts')]);
  });
});
