import {
  ExecutorError,
  executorErrorFromCode,
  init_esm_shims
} from "./chunk-CF3ROOVL.js";

// src/worker/serialize-error.ts
init_esm_shims();
var builtins = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
  AggregateError,
  DOMException
};
var builtinByPrototype = new Map(
  Object.entries(builtins).map(([name, ctor]) => [ctor.prototype, name])
);
var MAX_DEPTH = 8;
function serializeError(error, depth = 0) {
  if (!(error instanceof Error) || depth > MAX_DEPTH) return error;
  const builtin = builtinOf(error);
  const props = {};
  for (const key of Object.keys(error)) {
    if (key === "cause" || builtin === "AggregateError" && key === "errors") continue;
    const value = error[key];
    if (typeof value !== "function" && typeof value !== "symbol") props[key] = value;
  }
  const inner = builtin === "AggregateError" ? error.errors : void 0;
  return {
    __error: true,
    name: error.name,
    message: error.message,
    stack: error.stack,
    cause: "cause" in error ? serializeError(error.cause, depth + 1) : void 0,
    ...builtin !== "Error" && { builtin },
    ...Array.isArray(inner) && { errors: inner.map((e) => serializeError(e, depth + 1)) },
    props
  };
}
function isSerializedError(value) {
  return typeof value === "object" && value !== null && value.__error === true;
}
function deserializeError(value) {
  if (!isSerializedError(value)) return value;
  const code = value.props.code;
  const error = typeof code === "string" && value.name !== "Error" && executorErrorFromCode(code, value.message) || construct(value);
  if (!(error instanceof ExecutorError) && error.name !== value.name) {
    Object.defineProperty(error, "name", { value: value.name, writable: true, configurable: true, enumerable: false });
  }
  if (value.stack !== void 0) {
    Object.defineProperty(error, "stack", { value: value.stack, writable: true, configurable: true, enumerable: false });
  }
  if (value.cause !== void 0) {
    Object.defineProperty(error, "cause", {
      value: deserializeError(value.cause),
      writable: true,
      configurable: true,
      enumerable: false
    });
  }
  Object.assign(error, value.props);
  return error;
}
function builtinOf(error) {
  for (let proto = Object.getPrototypeOf(error); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const name = builtinByPrototype.get(proto);
    if (name) return name;
  }
  return "Error";
}
function construct(value) {
  const builtin = value.builtin ?? (Object.hasOwn(builtins, value.name) ? value.name : "Error");
  switch (builtin) {
    case "AggregateError":
      return new AggregateError((value.errors ?? []).map(deserializeError), value.message);
    case "DOMException":
      return new DOMException(value.message, value.name);
    default:
      return new builtins[builtin](value.message);
  }
}

export {
  serializeError,
  deserializeError
};
//# sourceMappingURL=chunk-K4TIHVBY.js.map