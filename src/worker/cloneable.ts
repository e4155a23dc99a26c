/**
 * Finds the part of a value that structured clone would refuse, so a
 * TaskNotPortableError can say *where* (`result.onDone is a function`)
 * instead of piscina's bare DataCloneError. A walk, not a trial clone: it
 * allocates nothing for the values that are fine, which is nearly all of them.
 */

/** Values that clone as they are, without a look inside. */
const CLONEABLE_AS_IS = [Date, RegExp, ArrayBuffer, DataView, Error, Boolean, Number, String] as const;

/**
 * Stop looking after this many nodes: a huge result is then left to
 * postMessage itself (piscina turns its failure into an error we also map).
 */
const MAX_NODES = 10_000;

/** A description such as "result.items[2] is a function", or undefined when `value` clones. */
export function findUncloneable(value: unknown, path: string): string | undefined {
  const seen = new Set<object>();
  let budget = MAX_NODES;

  const walk = (item: unknown, at: string): string | undefined => {
    if (typeof item === 'function') return `${at} is a function`;
    if (typeof item === 'symbol') return `${at} is a symbol`;
    if (typeof item !== 'object' || item === null) return undefined;
    if (seen.has(item) || --budget < 0) return undefined;
    seen.add(item);
    if (item instanceof Promise) return `${at} is a promise (await it before returning)`;
    if (item instanceof WeakMap || item instanceof WeakSet || item instanceof WeakRef) {
      return `${at} is a ${item.constructor.name}`;
    }
    if (ArrayBuffer.isView(item) || CLONEABLE_AS_IS.some((type) => item instanceof type)) return undefined;
    if (item instanceof Map) {
      for (const [key, entry] of item) {
        const found = walk(key, `${at} key`) ?? walk(entry, `${at}.get(${String(key)})`);
        if (found) return found;
      }
      return undefined;
    }
    if (item instanceof Set) {
      for (const entry of item) {
        const found = walk(entry, `${at} entry`);
        if (found) return found;
      }
      return undefined;
    }
    if (Array.isArray(item)) {
      for (let i = 0; i < item.length; i++) {
        const found = walk(item[i], `${at}[${i}]`);
        if (found) return found;
      }
      return undefined;
    }
    // Any other object clones as its own enumerable properties (the class is lost, not refused).
    for (const key of Object.keys(item)) {
      const found = walk((item as Record<string, unknown>)[key], `${at}.${key}`);
      if (found) return found;
    }
    return undefined;
  };

  return walk(value, path);
}
