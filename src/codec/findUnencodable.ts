import { classNameOf, isPlainObject } from './plainObjects';
import { superjsonHandling } from './superjsonClasses';

/**
 * Looks for a part of `value` that superjson would drop or change silently (functions, symbols, an
 * instance of a class superjson does not know, which would arrive as a plain object) and returns its
 * property path and a description of the problem, or `undefined` when the whole value encodes.
 * Shared and circular references are fine: superjson restores them.
 */
export function findUnencodable(value: unknown, path = 'value', seen = new Set<object>()): { path: string; problem: string } | undefined {
  const kind = typeof value;
  if (kind === 'function') return { path, problem: 'is a function' };
  if (kind === 'symbol') return { path, problem: 'is a symbol' };
  if (value === null || kind !== 'object') return undefined;
  const object = value as object;
  if (seen.has(object)) return undefined;
  seen.add(object);
  if (object instanceof Map) {
    let index = 0;
    for (const [key, item] of object) {
      const found = findUnencodable(key, `${path}.<key ${index}>`, seen) ?? findUnencodable(item, `${path}.<value ${index}>`, seen);
      if (found) return found;
      index++;
    }
    return undefined;
  }
  if (object instanceof Set) {
    let index = 0;
    for (const item of object) {
      const found = findUnencodable(item, `${path}.<item ${index++}>`, seen);
      if (found) return found;
    }
    return undefined;
  }
  if (Array.isArray(object)) {
    for (let index = 0; index < object.length; index++) {
      const found = findUnencodable(object[index] as unknown, `${path}[${index}]`, seen);
      if (found) return found;
    }
    return undefined;
  }
  if (!isPlainObject(object)) {
    const handling = superjsonHandling(object);
    if (handling === 'whole') return undefined;
    if (handling === 'unknown') return { path, problem: unknownClass(object) };
  }
  for (const key of Object.keys(object)) {
    const found = findUnencodable((object as Record<string, unknown>)[key], `${path}.${key}`, seen);
    if (found) return found;
  }
  return undefined;
}

/** `is an instance of Money, a class superjson does not know…`: what is wrong, and how to register it. */
function unknownClass(object: object): string {
  const name = classNameOf(object);
  const what = name ? `an instance of ${name}, a class superjson does not know` : 'an object whose prototype superjson does not know';
  const register = `superjson.registerClass(${name ?? 'TheClass'})`;
  return `is ${what} (it would arrive as a plain object, without its class): register the class with ${register} or superjson.registerCustom(...) before producing, or send a plain object`;
}
