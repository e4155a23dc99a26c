// The bench's task module for our backends, piscina and tinypool: the tiny and
// CPU tasks are the process benchmark's (one copy of the code), plus the two
// waits of the guide's I/O classes.
export { default, spin } from '../process/tasks.mjs';

/** The tiny task as an async function: its result is a promise (the async backend's other fast path). */
export async function echoAsync(input) {
  return input;
}

/** A large input's size: only the input crosses to the worker (issue 19's 1 MiB workload). */
export function size(bytes) {
  return bytes.byteLength;
}

/** Non-blocking I/O stand-in: awaits a timer of `ms`. */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms, ms));
}

// One 4-byte cell nobody ever notifies: Atomics.wait on it sleeps the whole
// thread for the timeout, like a synchronous read would.
const cell = new Int32Array(new SharedArrayBuffer(4));

/** Blocking I/O stand-in ("sync I/O" in the guide): the calling thread sleeps `ms`, its event loop too. */
export function block(ms) {
  Atomics.wait(cell, 0, 0, ms);
  return ms;
}

/** Progress (issue 20): reports 0..count-1 through ctx.progress(), then returns count. */
export function report(count, ctx) {
  for (let i = 0; i < count; i++) ctx.progress(i);
  return count;
}
