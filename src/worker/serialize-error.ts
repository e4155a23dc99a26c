/**
 * Errors cross a thread or process boundary as plain data, because structured
 * clone drops an error's own properties and its class. We keep what the
 * contract promises: name, message, stack, cause and own enumerable properties,
 * plus the built-in class the error derives from (an AggregateError with its
 * `errors`, each rebuilt the same way; a DOMException with its name).
 */
import { ExecutorError, executorErrorFromCode } from '../errors.js';

export interface SerializedError {
  __error: true;
  name: string;
  message: string;
  stack?: string;
  cause?: unknown;
  /** The nearest built-in class on the error's prototype chain, when it is not plain `Error`. */
  builtin?: BuiltinName;
  /** An AggregateError's `errors`, each serialised in turn. */
  errors?: unknown[];
  props: Record<string, unknown>;
}

/**
 * The built-in classes rebuilt on the other side. AggregateError and
 * DOMException take other constructor arguments, so they are built by hand in
 * `construct`. (SuppressedError does not exist in Node 20.)
 */
const builtins = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
  AggregateError,
  DOMException,
} as const;
type BuiltinName = keyof typeof builtins;

const builtinByPrototype = new Map<object, BuiltinName>(
  Object.entries(builtins).map(([name, ctor]) => [ctor.prototype as object, name as BuiltinName]),
);

/** Deeper than this, a cause or an inner error crosses as structured clone makes it (a plain Error). */
const MAX_DEPTH = 8;

export function serializeError(error: unknown, depth = 0): SerializedError | unknown {
  if (!(error instanceof Error) || depth > MAX_DEPTH) return error;
  const builtin = builtinOf(error);
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (key === 'cause' || (builtin === 'AggregateError' && key === 'errors')) continue;
    const value = (error as unknown as Record<string, unknown>)[key];
    if (typeof value !== 'function' && typeof value !== 'symbol') props[key] = value;
  }
  const inner = builtin === 'AggregateError' ? (error as AggregateError).errors : undefined;
  return {
    __error: true,
    name: error.name,
    message: error.message,
    stack: error.stack,
    cause: 'cause' in error ? serializeError(error.cause, depth + 1) : undefined,
    ...(builtin !== 'Error' && { builtin }),
    ...(Array.isArray(inner) && { errors: inner.map((e) => serializeError(e, depth + 1)) }),
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
    construct(value);
  if (!(error instanceof ExecutorError) && error.name !== value.name) {
    Object.defineProperty(error, 'name', { value: value.name, writable: true, configurable: true, enumerable: false });
  }
  if (value.stack !== undefined) {
    // A DOMException's `stack` is an accessor on some Node versions: define it, as V8 does for Error.
    Object.defineProperty(error, 'stack', { value: value.stack, writable: true, configurable: true, enumerable: false });
  }
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

/** The nearest built-in class of `error` (a `class PaymentError extends TypeError` is a TypeError). */
function builtinOf(error: Error): BuiltinName {
  for (let proto = Object.getPrototypeOf(error); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const name = builtinByPrototype.get(proto);
    if (name) return name;
  }
  return 'Error';
}

function construct(value: SerializedError): Error {
  // Older senders (and plain `Error`s renamed `RangeError` and the like) carry only a name.
  const builtin = value.builtin ?? (Object.hasOwn(builtins, value.name) ? (value.name as BuiltinName) : 'Error');
  switch (builtin) {
    case 'AggregateError':
      return new AggregateError((value.errors ?? []).map(deserializeError), value.message);
    case 'DOMException':
      // Its name (AbortError, TimeoutError...) sets its legacy `code` too.
      return new DOMException(value.message, value.name);
    default:
      return new builtins[builtin](value.message);
  }
}
