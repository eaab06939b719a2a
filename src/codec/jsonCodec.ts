import { DecodeError } from '../errors/DecodeError';
import { EncodeError } from '../errors/EncodeError';
import { classNameOf, isPlainObject } from './plainObjects';
import { findUnsafeKey, mayHoldUnsafeKey, UNSAFE_KEYS } from './unsafeKeys';

/**
 * Encodes `value` as plain JSON text (the `'json'` codec), or throws an {@link EncodeError} naming
 * `streamName` and the first part of the value that JSON cannot hold as it is: `undefined` (also as a
 * property or array item, which `JSON.stringify` would drop or turn into `null`), a `BigInt`, `NaN` or
 * an infinity, a function or symbol, a `Date`, `Map`, `Set` or any object that is not a plain object or
 * array (a class instance would come back without its prototype), a symbol key, a `__proto__`,
 * `constructor` or `prototype` key (refused when decoding), or a cycle. Shared references are written
 * once per place (decoded as separate copies).
 */
export function encodeJson(streamName: string, value: unknown): string {
  const bad = findNonJson(value, 'value', new Set());
  if (bad) throw new EncodeError(streamName, bad.path, `${bad.problem}, which the 'json' codec cannot hold`);
  return JSON.stringify(value);
}

/**
 * Decodes plain JSON text (the `'json'` codec), or throws a {@link DecodeError}: text that is not
 * JSON, or that holds a `__proto__`, `constructor` or `prototype` key anywhere (a prototype pollution risk).
 */
export function decodeJson<T>(streamName: string, id: string, raw: string): T {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new DecodeError(streamName, id, `not valid JSON: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  const unsafe = mayHoldUnsafeKey(raw) ? findUnsafeKey(value) : undefined;
  if (unsafe !== undefined) throw new DecodeError(streamName, id, `holds a "${unsafe}" key (a prototype pollution risk)`);
  return value as T;
}

/** The path and problem of the first part of `value` plain JSON cannot hold; `ancestors` are the objects above it (a cycle). */
function findNonJson(value: unknown, path: string, ancestors: Set<object>): { path: string; problem: string } | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : { path, problem: `is ${String(value)}` };
    case 'object':
      return value === null ? undefined : findInObject(value, path, ancestors);
    case 'bigint':
      return { path, problem: 'is a BigInt' };
    default:
      return { path, problem: `is ${typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`}` };
  }
}

function findInObject(object: object, path: string, ancestors: Set<object>): { path: string; problem: string } | undefined {
  if (ancestors.has(object)) return { path, problem: 'is a cycle (it contains itself)' };
  const isArray = Array.isArray(object);
  if (!isArray && !isPlainObject(object)) return { path, problem: `is ${describeInstance(object)}` };
  if (Object.getOwnPropertySymbols(object).length > 0) return { path, problem: 'has a symbol key' };
  ancestors.add(object);
  try {
    if (isArray) {
      const array = object as unknown[];
      for (let index = 0; index < array.length; index++) {
        if (!(index in array)) return { path: `${path}[${index}]`, problem: 'is a hole (undefined)' };
        const found = findNonJson(array[index], `${path}[${index}]`, ancestors);
        if (found) return found;
      }
      return undefined;
    }
    for (const key of Object.keys(object)) {
      if (UNSAFE_KEYS.has(key)) return { path: `${path}.${key}`, problem: 'is a key refused when decoding (a prototype pollution risk)' };
      const found = findNonJson((object as Record<string, unknown>)[key], `${path}.${key}`, ancestors);
      if (found) return found;
    }
    return undefined;
  } finally {
    ancestors.delete(object);
  }
}

/** `a Date (send its toISOString())`, `a Map`, `an instance of Order`... */
function describeInstance(object: object): string {
  if (object instanceof Date) return 'a Date (JSON has no dates: send date.toISOString(), or use the superjson codec)';
  const name = classNameOf(object);
  if (object instanceof Map || object instanceof Set) return `a ${object instanceof Map ? 'Map' : 'Set'} (send an array or a plain object, or use the superjson codec)`;
  return name !== undefined ? `an instance of ${name} (only plain objects and arrays keep their shape in JSON)` : 'an object with a prototype (only plain objects and arrays keep their shape in JSON)';
}
