// CPU-bound tasks: pure computation, no I/O. Written in TypeScript: the
// executor's workers inherit the `--import tsx` loader the examples run under.
import { createHash } from 'node:crypto';

export function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/** Hashes a text many times over: a stand-in for parsing or image work. */
export function digest(input: { text: string; rounds: number }): string {
  let value = input.text;
  for (let i = 0; i < input.rounds; i++) value = createHash('sha256').update(value).digest('hex');
  return value.slice(0, 16);
}

export function identity<T>(x: T): T {
  return x;
}
