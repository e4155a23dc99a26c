/**
 * The two pool backends behind one dynamic import: the thread and the process
 * pool share most of their code (pool/worker-pool.ts and its parts), so they
 * are one chunk, not a chunk each plus a shared one. A module file fewer to
 * resolve and link when the first pool's code loads, which counts most where
 * each file passes loader hooks (an app run under tsx): that load races the
 * first workers' boot (pool/head-start.ts).
 */
export { createThreadBackend } from './thread/thread.js';
export { createProcessBackend } from './process/pool.js';
