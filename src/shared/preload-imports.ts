/**
 * Node 20 does not run `--import` (or `--loader`) for a worker thread even
 * when it is in the Worker's `execArgv`, so a loader such as tsx, which the
 * main thread and child processes get from the command line, never reaches a
 * thread. The thread worker replays them itself: each module named by
 * `--import` is imported (resolved from the working directory, as Node does),
 * which lets it call `module.register()` in this thread.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The specifiers of `--import x` / `--import=x` flags in `execArgv`. */
export function importFlags(execArgv: readonly string[]): string[] {
  const specs: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (arg === '--import' && i + 1 < execArgv.length) specs.push(execArgv[++i]!);
    else if (arg.startsWith('--import=')) specs.push(arg.slice('--import='.length));
  }
  return specs;
}

export async function preloadImports(execArgv: readonly string[], cwd = process.cwd()): Promise<void> {
  const require = createRequire(join(cwd, 'noop.js'));
  for (const spec of importFlags(execArgv)) {
    const url =
      spec.startsWith('file:') || spec.startsWith('data:')
        ? spec
        : pathToFileURL(spec.startsWith('.') || spec.startsWith('/') ? join(cwd, spec) : require.resolve(spec)).href;
    await import(url);
  }
}
