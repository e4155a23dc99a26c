/**
 * Which of a parent's Node flags the pools' workers get: table-driven over
 * Node 20's real flags, in both spellings (`--flag=value`, `--flag value`).
 * `workerFlags` is public (README: "Inherited Node flags") so this tests the
 * built package as everything else does; the pools call the same code.
 * Real parents started with these flags: test/e2e/parent-flags.test.ts.
 */
import { createExecutor, workerFlags } from 'unified-executor';
import { describe, expect, it } from 'vitest';

type Row = [parent: string[], child: string[], thread: string[], threadHeapMb?: number];

const rows: Record<string, Row[]> = {
  // Each would make the worker run something else: the parent's own script (issue 11: a fork bomb).
  'runs something else: never passed': [
    [['-e', 'code()'], [], []],
    [['--eval', 'code()'], [], []],
    [['--eval=code()'], [], []],
    [['-p', '1 + 1'], [], []],
    [['-p'], [], []],
    [['-p', '-e', '1 + 1'], [], []],
    [['-pe', '1 + 1'], [], []],
    [['--print', 'x'], [], []],
    [['--input-type=module', '-e', 'await x'], [], []],
    [['--input-type', 'module', '--eval', 'x'], [], []],
    [['-i'], [], []],
    [['--interactive', '-e', 'x'], [], []],
    [['--test'], [], []],
    [['--test', '--test-name-pattern', 'a b', '--test-reporter=spec', '--test-only', '--test-concurrency=2'], [], []],
    [['--test-reporter-destination', 'stdout', '--test-force-exit', '--test-timeout=100', '--test-shard=1/2'], [], []],
    [['--experimental-test-coverage', '--experimental-test-module-mocks'], [], []],
    [['--watch'], [], []],
    [['--watch-path', 'src', '--watch-preserve-output'], [], []],
    [['--watch-path=src'], [], []],
    [['--check'], [], []],
    [['-c'], [], []],
    [['--snapshot-blob', 'snap.blob'], [], []],
    [['--build-snapshot'], [], []],
    [['--prof-process'], [], []],
  ],
  'loaders and module resolution: both': [
    [['--import', 'tsx'], ['--import', 'tsx'], ['--import', 'tsx']],
    [['--import=tsx'], ['--import=tsx'], ['--import=tsx']],
    [['--require', './setup.cjs'], ['--require', './setup.cjs'], ['--require', './setup.cjs']],
    [['-r', './setup.cjs'], ['-r', './setup.cjs'], ['-r', './setup.cjs']],
    [['--loader', 'ts-node/esm'], ['--loader', 'ts-node/esm'], ['--loader', 'ts-node/esm']],
    [['--experimental-loader=./l.mjs'], ['--experimental-loader=./l.mjs'], ['--experimental-loader=./l.mjs']],
    [['--conditions', 'development'], ['--conditions', 'development'], ['--conditions', 'development']],
    [['-C', 'dev'], ['-C', 'dev'], ['-C', 'dev']],
    [['--conditions=dev'], ['--conditions=dev'], ['--conditions=dev']],
    [['--enable-source-maps'], ['--enable-source-maps'], ['--enable-source-maps']],
    [['--no-warnings', '--trace-warnings'], ['--no-warnings', '--trace-warnings'], ['--no-warnings', '--trace-warnings']],
    [['--unhandled-rejections=strict'], ['--unhandled-rejections=strict'], ['--unhandled-rejections=strict']],
    [['--experimental-vm-modules'], ['--experimental-vm-modules'], ['--experimental-vm-modules']],
  ],
  // A Worker refuses them (ERR_WORKER_INVALID_EXEC_ARGV); V8's flags already apply to every thread.
  'per-process: children only': [
    [['--expose-gc'], ['--expose-gc'], []],
    [['--expose_gc'], ['--expose_gc'], []],
    [['--title', 'my-app'], ['--title', 'my-app'], []],
    [['--title=my-app'], ['--title=my-app'], []],
    [['--stack-size=2000'], ['--stack-size=2000'], []],
    [['--max-semi-space-size=32'], ['--max-semi-space-size=32'], []],
    [['--abort-on-uncaught-exception'], ['--abort-on-uncaught-exception'], []],
    [['--experimental-permission', '--allow-fs-read=*'], ['--experimental-permission', '--allow-fs-read=*'], []],
    [['--prof'], ['--prof'], []],
    // Not in the table: a real Worker is asked, once.
    [['--no-opt'], ['--no-opt'], []],
    [['--max-lazy'], ['--max-lazy'], []],
  ],
  'heap: a thread gets it as resourceLimits': [
    [['--max-old-space-size=2048'], ['--max-old-space-size=2048'], [], 2048],
    [['--max_old_space_size=512'], ['--max_old_space_size=512'], [], 512],
    [['--max-old-space-size=64', '--max-old-space-size=128'], ['--max-old-space-size=64', '--max-old-space-size=128'], [], 128],
  ],
  // Port 0: the OS gives each child a free port of its own; a child never waits for a debugger.
  'inspector: a port of its own per child, none for threads': [
    [['--inspect'], ['--inspect=127.0.0.1:0'], []],
    [['--inspect=9229'], ['--inspect=127.0.0.1:0'], []],
    [['--inspect=0.0.0.0:9229'], ['--inspect=0.0.0.0:0'], []],
    [['--inspect=[::1]:9229'], ['--inspect=[::1]:0'], []],
    [['--inspect-brk'], ['--inspect=127.0.0.1:0'], []],
    [['--inspect-brk=9230'], ['--inspect=127.0.0.1:0'], []],
    [['--inspect-wait'], ['--inspect=127.0.0.1:0'], []],
    [['--inspect-port', '9230'], ['--inspect-port=127.0.0.1:0'], []],
    [['--debug-port=localhost:9230', '--inspect'], ['--inspect=localhost:0'], []],
    [['--inspect-port=9230', '--enable-source-maps'], ['--enable-source-maps', '--inspect-port=127.0.0.1:0'], ['--enable-source-maps']],
  ],
  'together, in order': [
    [
      ['--input-type=module', '--import', 'tsx', '--expose-gc', '--max-old-space-size=256', '--inspect', '-e', 'run()'],
      ['--import', 'tsx', '--expose-gc', '--max-old-space-size=256', '--inspect=127.0.0.1:0'],
      ['--import', 'tsx'],
      256,
    ],
    [[], [], []],
  ],
};

describe('workerFlags', () => {
  for (const [group, table] of Object.entries(rows)) {
    describe(group, () => {
      it.each(table)('%j -> child %j, thread %j, heap %s', (parent, child, thread, threadHeapMb) => {
        expect(workerFlags(parent)).toEqual({ process: child, thread, threadHeapMb });
      });
    });
  }

  it('defaults to this process', () => {
    expect(workerFlags()).toEqual(workerFlags(process.execArgv));
  });
});

describe('an explicit execArgv', () => {
  it.each([
    ['process', ['-e', 'x'], '-e'],
    ['process', ['--no-warnings', '--eval=x'], '--eval=x'],
    ['thread', ['-p', 'x'], '-p'],
    ['auto', ['--test'], '--test'],
    ['async', ['--watch'], '--watch'],
    ['thread', ['--input-type=module'], '--input-type=module'],
    ['process', ['--check'], '--check'],
    ['thread', ['--expose-gc'], '--expose-gc'],
    ['thread', ['--import', 'tsx', '--title', 'x'], '--title'],
    ['thread', ['--inspect'], '--inspect'],
    ['thread', ['--no-opt'], '--no-opt'],
  ] as const)('on %s: %j is a TypeError naming %s', (backend, execArgv, flag) => {
    const create = () => createExecutor({ backend, execArgv: [...execArgv] });
    expect(create).toThrow(TypeError);
    expect(create).toThrow(`\`${flag}\``);
  });

  it.each([
    ['process', ['--expose-gc', '--title=x', '--inspect', '--max-old-space-size=64']],
    ['auto', ['--expose-gc', '--import=tsx']],
    ['thread', ['--max-old-space-size=64', '--enable-source-maps', '--no-warnings']],
  ] as const)('on %s: %j is accepted', async (backend, execArgv) => {
    const executor = createExecutor({ backend, execArgv: [...execArgv], maxWorkers: 1, minWorkers: 0 });
    await executor.destroy();
  });
});
