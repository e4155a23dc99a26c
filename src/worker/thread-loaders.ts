/**
 * TypeScript task modules in worker threads. On Node 20 a thread does run
 * the `--import` modules of its execArgv, but hooks they register with
 * `module.register()` the way tsx's `--import tsx` entry does never apply to
 * the thread's own `import()` (nodejs/node#52706, #53183), so a `.ts` task
 * that loads in the main thread and in child processes fails in a thread.
 * tsx's API `register()`, called from inside the thread, does apply: when the
 * thread's execArgv asks for tsx, the thread worker calls it.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The specifiers of `--import x` / `--import=x` flags. */
export function importFlags(execArgv: readonly string[]): string[] {
  const specs: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (arg === '--import' && i + 1 < execArgv.length) specs.push(execArgv[++i]!);
    else if (arg.startsWith('--import=')) specs.push(arg.slice('--import='.length));
  }
  return specs;
}

const TSX = /(^|[\\/])tsx([\\/]esm)?$|[\\/]tsx[\\/]dist[\\/]loader\.mjs$/;

export async function registerTsxIfRequested(execArgv: readonly string[], cwd = process.cwd()): Promise<void> {
  if (!importFlags(execArgv).some((spec) => TSX.test(spec))) return;
  const api = resolveTsxApi(cwd);
  if (!api) return;
  const { register } = (await import(api)) as { register: () => unknown };
  register();
}

/** tsx's ESM API (`tsx/esm/api`, its `import` build), resolved from the app's directory as `--import` was. */
function resolveTsxApi(cwd: string): string | undefined {
  try {
    // createRequire resolves with the `require` condition; the ESM build sits beside it.
    const cjs = createRequire(join(cwd, 'noop.js')).resolve('tsx/esm/api');
    const esm = cjs.replace(/\.cjs$/, '.mjs');
    return pathToFileURL(existsSync(esm) ? esm : cjs).href;
  } catch {
    return undefined;
  }
}
