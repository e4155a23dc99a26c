import { defineConfig, type Options } from 'tsup';

// Worker and child entries are built files of their own: Node loads them by
// path in a new thread or process, outside any bundler or test transform.
// They are ESM only; both builds of the library point at the ESM file.
const entry = {
  index: 'src/index.ts',
};
// The CLI (`npx unified-executor worker ...`) is ESM only, like the worker entries.
const cliEntry = { cli: 'src/cli.ts' };
const workerEntries = {
  'thread-worker': 'src/backends/thread-worker.ts',
  'process-child': 'src/backends/process/child.ts',
};

const common: Options = {
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  // Not `clean`: a test run in another terminal may be reading dist while it rebuilds.
  clean: false,
  shims: true,
};

export default defineConfig([
  { ...common, entry: { ...entry, ...cliEntry }, format: ['esm'], dts: true, splitting: true },
  // Each worker entry is one self-contained file: a new thread or child loads
  // it before its first task, and every extra module file it would import
  // (shared chunks) is one more file to read, parse and link on that path.
  { ...common, entry: workerEntries, format: ['esm'], splitting: false },
  {
    ...common,
    entry,
    format: ['cjs'],
    dts: true,
    // p-queue (and its p-timeout) ship ESM only; the CommonJS build carries its
    // own copy so `require('unified-executor')` works on every Node 20, not only
    // on those with require(esm).
    noExternal: ['p-queue', 'p-timeout'],
  },
]);
