import { defineConfig, type Options } from 'tsup';

// Worker and child entries are built files of their own: Node loads them by
// path in a new thread or process, outside any bundler or test transform.
// They are ESM only; both builds of the library point at the ESM file.
const entry = {
  index: 'src/index.ts',
};
// The CLI (`npx unified-executor worker ...`) is ESM only, like the worker entries.
const cliEntry = { cli: 'src/cli.ts' };
const childEntry = { 'process-child': 'src/worker/process-child.ts' };
// CommonJS, unlike the rest: piscina loads its entry with require() first, and
// on Node 20.19+ require() of an ESM file takes the require(esm) path, which
// can abort the whole process (FATAL ERROR: v8::Module::IsGraphAsync ...)
// when a thread is ended while it loads its entry. Task modules are still
// loaded with import(), so ESM tasks work as before.
const threadEntry = { 'thread-worker': 'src/worker/thread-worker.ts' };

const common: Options = {
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  // Not `clean`: a test run in another terminal may be reading dist while it rebuilds.
  clean: false,
  shims: true,
  // Whitespace and syntax only: names stay (stack traces, events), and the
  // source maps still lead to src/. Each built file is what a process parses
  // before it can do anything: `require('unified-executor')` (one CommonJS
  // file, pools and distributed included) 11.2 -> 10.1 ms, and the worker
  // entries a new thread or child loads shrink by a third (issue 19).
  minifyWhitespace: true,
  minifySyntax: true,
};

// p-queue (with p-timeout) and eventemitter3 are bundled into the ESM build too
// (they stay dependencies: their versions are pinned there and the .d.ts files
// import eventemitter3's types). Loaded from node_modules they were eight more
// module files to resolve, read and link, and eventemitter3 a CommonJS file
// behind an ESM wrapper: about 8 of the 19 ms `import('unified-executor')` took
// (issue 19: no slower than `import('piscina')`).
const bundledDependencies = ['p-queue', 'p-timeout', 'eventemitter3'];

export default defineConfig([
  { ...common, entry: { ...entry, ...cliEntry }, format: ['esm'], dts: true, splitting: true, noExternal: bundledDependencies },
  // Each worker entry is one self-contained file: a new thread or child loads
  // it before its first task, and every extra module file it would import
  // (shared chunks) is one more file to read, parse and link on that path.
  { ...common, entry: childEntry, format: ['esm'], splitting: false },
  { ...common, entry: threadEntry, format: ['cjs'], splitting: false },
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
