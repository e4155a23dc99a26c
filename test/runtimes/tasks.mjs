// Tasks of the portable suite: plain ESM with no dependency, so that Node, Bun
// and Deno load them the same way in a worker thread or a child process.
export function double(n) {
  return n * 2;
}
export default function echo(value) {
  return value;
}
export async function sleep({ ms, value }) {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return value;
}
export function spin(ms) {
  const end = Date.now() + ms;
  let n = 0;
  while (Date.now() < end) n++;
  return n;
}
export function hang() {
  return new Promise(() => {});
}
class PaymentError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'PaymentError';
  }
}
export function fail(message) {
  const error = new PaymentError(message, { cause: new TypeError('card expired') });
  error.code = 'E_DECLINED';
  error.details = { retry: false };
  throw error;
}
export function failOnNegative(n) {
  if (n < 0) throw new RangeError(`negative: ${n}`);
  return n * 2;
}
export function exitWith(code) {
  process.exit(code);
}
// Allocates until the heap limit is hit: every chunk stays reachable.
export function exhaustHeap() {
  const hoard = [];
  for (;;) hoard.push(new Array(1_000_000).fill(hoard.length));
}
export function returnsFunction() {
  return { ok: true, callback: () => 1 };
}
export async function whereAmI() {
  const { threadId, isMainThread } = await import('node:worker_threads');
  return { pid: process.pid, threadId, isMainThread };
}
export function hasGc() {
  return typeof globalThis.gc === 'function';
}
export function byteLength(buffer) {
  return buffer.byteLength;
}
