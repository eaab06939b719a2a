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
  if (object instanceof Map) return inMap(object, path, seen);
  if (object instanceof Set) return inSet(object, path, seen);
  if (Array.isArray(object)) return inArray(object, path, seen);
  if (!isPlainObject(object)) {
    const handling = superjsonHandling(object);
    if (handling === 'whole') return undefined;
    if (handling === 'unknown') return { path, problem: unknownClass(object) };
  }
  return inProperties(object, path, seen);
}

/** What {@link findUnencodable} finds: the path and the problem, or `undefined`. */
type Found = ReturnType<typeof findUnencodable>;

/** The first unencodable key or value of a map, at `<path>.<key i>` or `<path>.<value i>`. */
function inMap(map: Map<unknown, unknown>, path: string, seen: Set<object>): Found {
  let index = 0;
  for (const [key, item] of map) {
    const found = findUnencodable(key, `${path}.<key ${index}>`, seen) ?? findUnencodable(item, `${path}.<value ${index}>`, seen);
    if (found) return found;
    index++;
  }
  return undefined;
}

/** The first unencodable item of a set, at `<path>.<item i>`. */
function inSet(set: Set<unknown>, path: string, seen: Set<object>): Found {
  let index = 0;
  for (const item of set) {
    const found = findUnencodable(item, `${path}.<item ${index++}>`, seen);
    if (found) return found;
  }
  return undefined;
}

/** The first unencodable element of an array, at `<path>[i]`. */
function inArray(array: readonly unknown[], path: string, seen: Set<object>): Found {
  for (let index = 0; index < array.length; index++) {
    const found = findUnencodable(array[index], `${path}[${index}]`, seen);
    if (found) return found;
  }
  return undefined;
}

/** The first unencodable value of an object's own enumerable string-keyed properties, at `<path>.<key>`. */
function inProperties(object: object, path: string, seen: Set<object>): Found {
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
