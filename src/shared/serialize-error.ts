/**
 * Errors cross a thread or process boundary as plain data, because structured
 * clone drops an error's own properties and its class. We keep what the
 * contract promises: name, message, stack, cause and own enumerable properties.
 */
import { ExecutorError, executorErrorFromCode } from '../errors.js';

export interface SerializedError {
  __error: true;
  name: string;
  message: string;
  stack?: string;
  cause?: unknown;
  props: Record<string, unknown>;
}

const builtins: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

export function serializeError(error: unknown, depth = 0): SerializedError | unknown {
  if (!(error instanceof Error) || depth > 8) return error;
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (key === 'cause') continue;
    const value = (error as unknown as Record<string, unknown>)[key];
    if (typeof value !== 'function' && typeof value !== 'symbol') props[key] = value;
  }
  return {
    __error: true,
    name: error.name,
    message: error.message,
    stack: error.stack,
    cause: 'cause' in error ? serializeError(error.cause, depth + 1) : undefined,
    props,
  } satisfies SerializedError;
}

export function isSerializedError(value: unknown): value is SerializedError {
  return typeof value === 'object' && value !== null && (value as SerializedError).__error === true;
}

export function deserializeError(value: unknown): unknown {
  if (!isSerializedError(value)) return value;
  const code = value.props.code;
  const error: Error =
    (typeof code === 'string' && value.name !== 'Error' && executorErrorFromCode(code, value.message)) ||
    new (builtins[value.name] ?? Error)(value.message);
  if (!(error instanceof ExecutorError) && error.name !== value.name) {
    Object.defineProperty(error, 'name', { value: value.name, writable: true, configurable: true, enumerable: false });
  }
  if (value.stack !== undefined) error.stack = value.stack;
  if (value.cause !== undefined) {
    Object.defineProperty(error, 'cause', {
      value: deserializeError(value.cause),
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  Object.assign(error, value.props);
  return error;
}
