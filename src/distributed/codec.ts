/**
 * Values cross Redis as text. JSON would turn a Map into `{}`, a Date into a
 * string and throw on a BigInt, so inputs, results and errors travel as V8's
 * structured-clone serialisation (what worker threads and child processes use
 * locally) in base64. Both sides must run a Node whose V8 can read the other's
 * format: the same major version is the safe choice.
 */
import { deserialize, serialize } from 'node:v8';
import { findUncloneable } from '../worker/cloneable.js';
import { TaskNotPortableError } from '../errors.js';
import { deserializeError, serializeError } from '../worker/serialize-error.js';

export function encodeValue(value: unknown, what: string): string {
  try {
    return serialize(value).toString('base64');
  } catch (error) {
    const where = findUncloneable(value, what) ?? `${what} cannot be serialised (${(error as Error).message})`;
    throw new TaskNotPortableError(`Cannot send ${where}: the distributed backend carries structured-clone values only`, {
      cause: error,
    });
  }
}

export function decodeValue(text: string): unknown {
  return deserialize(Buffer.from(text, 'base64'));
}

/** An error as name, message, stack, cause and own props, then as a value. Never throws. */
export function encodeError(error: unknown): string {
  const plain = serializeError(error);
  try {
    return encodeValue(plain, 'error');
  } catch {
    // An own property that will not clone (a socket, a function): keep what the contract promises.
    const e = error as Error;
    return serialize(serializeError(Object.assign(new Error(e?.message ?? String(error)), { name: e?.name }))).toString('base64');
  }
}

export function decodeError(text: string): unknown {
  return deserializeError(decodeValue(text));
}
