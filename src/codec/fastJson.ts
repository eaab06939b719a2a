import { deserialize, type SuperJSONResult } from 'superjson';
import { restoreAnnotated, simpleAnnotations, type FastAnnotation } from './simpleAnnotations';
import { pathOf } from './superjsonPaths';
import { UNSAFE_KEYS } from './unsafeKeys';

/**
 * Encodes `value` to the document `superjson.stringify` produces (same JSON; annotations may be
 * listed in another order), several times faster, when `value`
 * is made of plain objects, arrays, strings, booleans, null, finite numbers and `Date`s (one walk,
 * then `JSON.stringify`). Returns `undefined` for anything else (Map, Set, BigInt, undefined,
 * NaN, -0, class instances, shared references...), which the caller hands to superjson itself.
 */
export function fastStringify(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || value instanceof Date) return undefined;
  const dates: string[] = [];
  if (!plain(value, [], dates, new Set())) return undefined;
  // the document is `{"json":…}` or `{"json":…,"meta":…}`: the meta of one set of Date paths is written once
  const json = JSON.stringify(value);
  return dates.length === 0 ? `{"json":${json}}` : `{"json":${json}${metaSuffix(dates)}`;
}

const metaSuffixes = new Map<string, string>();

/** `,"meta":{"values":{<path>:["Date"],…},"v":1}}` for these Date paths, remembered (bounded cache). */
function metaSuffix(dates: readonly string[]): string {
  const cacheKey = dates.join('\u0000');
  let suffix = metaSuffixes.get(cacheKey);
  if (suffix === undefined) {
    const values: Record<string, [FastAnnotation]> = {};
    for (const path of dates) values[path] = ['Date'];
    suffix = `,"meta":${JSON.stringify({ values, v: 1 })}}`;
    if (metaSuffixes.size >= 1000) metaSuffixes.clear();
    metaSuffixes.set(cacheKey, suffix);
  }
  return suffix;
}

/**
 * Whether `value` (at the keys and indexes `at`, empty for the root) is plain data; collects the paths
 * of its Dates. A path is written out only for a Date, not for every value walked.
 */
function plain(value: unknown, at: (string | number)[], dates: string[], seen: Set<object>): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (seen.has(value)) return false; // a shared reference: superjson records it
      seen.add(value);
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime()) || at.length === 0) return false;
        dates.push(pathOf(at));
        return true;
      }
      if (Array.isArray(value)) {
        for (let index = 0; index < value.length; index++) {
          at.push(index);
          const ok = plain(value[index], at, dates, seen);
          at.pop();
          if (!ok) return false;
        }
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key of Object.keys(value)) {
        if (UNSAFE_KEYS.has(key)) return false;
        at.push(key);
        const ok = plain((value as Record<string, unknown>)[key], at, dates, seen);
        at.pop();
        if (!ok) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/**
 * Turns a parsed superjson envelope back into its value: at once when it has no meta, by setting
 * `Date`/`undefined`/`BigInt` values along their paths when that is all the meta holds, and through
 * `superjson.deserialize` otherwise. Never writes through `__proto__`, `constructor` or `prototype`.
 */
export function fastDeserialize<T>(envelope: { json: unknown; meta?: unknown }): T {
  if (envelope.meta === undefined) return envelope.json as T;
  const annotations = simpleAnnotations(envelope.meta);
  if (!annotations || !restoreAnnotated(envelope.json, annotations)) return deserialize<T>(envelope as SuperJSONResult);
  return envelope.json as T;
}
