import {
  init_esm_shims
} from "./chunk-CF3ROOVL.js";

// src/worker/cloneable.ts
init_esm_shims();
var CLONEABLE_AS_IS = [Date, RegExp, ArrayBuffer, DataView, Error, Boolean, Number, String];
var MAX_NODES = 1e4;
function findUncloneable(value, path) {
  const seen = /* @__PURE__ */ new Set();
  let budget = MAX_NODES;
  const walk = (item, at) => {
    if (typeof item === "function") return `${at} is a function`;
    if (typeof item === "symbol") return `${at} is a symbol`;
    if (typeof item !== "object" || item === null) return void 0;
    if (seen.has(item) || --budget < 0) return void 0;
    seen.add(item);
    if (item instanceof Promise) return `${at} is a promise (await it before returning)`;
    if (item instanceof WeakMap || item instanceof WeakSet || item instanceof WeakRef) {
      return `${at} is a ${item.constructor.name}`;
    }
    if (ArrayBuffer.isView(item) || CLONEABLE_AS_IS.some((type) => item instanceof type)) return void 0;
    if (item instanceof Map) {
      for (const [key, entry] of item) {
        const found = walk(key, `${at} key`) ?? walk(entry, `${at}.get(${String(key)})`);
        if (found) return found;
      }
      return void 0;
    }
    if (item instanceof Set) {
      for (const entry of item) {
        const found = walk(entry, `${at} entry`);
        if (found) return found;
      }
      return void 0;
    }
    if (Array.isArray(item)) {
      for (let i = 0; i < item.length; i++) {
        const found = walk(item[i], `${at}[${i}]`);
        if (found) return found;
      }
      return void 0;
    }
    for (const key of Object.keys(item)) {
      const found = walk(item[key], `${at}.${key}`);
      if (found) return found;
    }
    return void 0;
  };
  return walk(value, path);
}

export {
  findUncloneable
};
//# sourceMappingURL=chunk-JRFZ7SVI.js.map