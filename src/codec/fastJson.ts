import { deserialize, type SuperJSONResult } from 'superjson';
import { UNSAFE_KEYS } from './unsafeKeys';

/** Annotations the fast paths write and read: the subset of superjson's meta that plain JSON needs help with. */
export type FastAnnotation = 'Date' | 'undefined' | 'bigint';

/** superjson's path escaping (v1 paths): `\` and `.` in keys are escaped with `\`. */
function escapeKey(key: string): string {
  return key.indexOf('\\') < 0 && key.indexOf('.') < 0 ? key : key.replace(/\\/g, '\\\\').replace(/\./g, '\\.');
}

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

/** superjson's path of a place: keys escaped, joined with `.`. */
function pathOf(at: readonly (string | number)[]): string {
  let path = '';
  for (let index = 0; index < at.length; index++) {
    const segment = at[index] as string | number;
    path += (index === 0 ? '' : '.') + (typeof segment === 'number' ? String(segment) : escapeKey(segment));
  }
  return path;
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

/** The places a superjson meta annotates, and the type of each. */
export interface SimpleAnnotations {
  readonly places: readonly Place[];
  readonly types: readonly FastAnnotation[];
}

/**
 * The annotations of a superjson meta that only annotates `Date`, `BigInt` and `undefined` values at
 * well-formed paths (what the encoder's fast path writes), or `undefined` for any other meta.
 */
export function simpleAnnotations(meta: unknown): SimpleAnnotations | undefined {
  if (typeof meta !== 'object' || meta === null) return undefined;
  const { values, v, referentialEqualities } = meta as { values?: unknown; v?: unknown; referentialEqualities?: unknown };
  if (v !== 1 || referentialEqualities !== undefined) return undefined;
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return undefined;
  const places: Place[] = [];
  const types: FastAnnotation[] = [];
  for (const path of Object.keys(values)) {
    const annotation: unknown = (values as Record<string, unknown>)[path];
    if (!Array.isArray(annotation) || annotation.length !== 1) return undefined;
    const type: unknown = annotation[0];
    if (type !== 'Date' && type !== 'undefined' && type !== 'bigint') return undefined;
    const place = placeOf(path);
    if (!place) return undefined;
    places.push(place);
    types.push(type);
  }
  return { places, types };
}

/** The objects holding the annotated places of one value (decoding is synchronous: one array serves every call). */
const parents: Record<string, unknown>[] = [];

/**
 * Sets the annotated places of parsed `json` to their `Date`, `BigInt` or `undefined`. Returns false,
 * having changed nothing, when a place is missing or holds another JSON type than its annotation
 * reads; throws when `BigInt` refuses a string (some places may then be set already).
 */
export function restoreAnnotated(json: unknown, annotations: SimpleAnnotations): boolean {
  const { places, types } = annotations;
  try {
    for (let index = 0; index < places.length; index++) {
      const place = places[index] as Place;
      let parent: unknown = json;
      for (const segment of place.parents) parent = typeof parent === 'object' && parent !== null ? (parent as Record<string, unknown>)[segment] : undefined;
      if (typeof parent !== 'object' || parent === null || !Object.prototype.hasOwnProperty.call(parent, place.key)) return false;
      const raw = (parent as Record<string, unknown>)[place.key];
      if (types[index] === 'undefined' ? raw !== null : typeof raw !== 'string') return false;
      parents[index] = parent as Record<string, unknown>;
    }
    for (let index = 0; index < places.length; index++) {
      const parent = parents[index] as Record<string, unknown>;
      const key = (places[index] as Place).key;
      const type = types[index];
      parent[key] = type === 'Date' ? new Date(parent[key] as string) : type === 'bigint' ? BigInt(parent[key] as string) : undefined;
    }
    return true;
  } finally {
    parents.length = 0; // no references kept to the decoded value
  }
}

/** A parsed path: the keys down to the parent, and the annotated key. */
export interface Place {
  readonly parents: readonly string[];
  readonly key: string;
}

const places = new Map<string, Place | null>();

/**
 * {@link parsePath}, remembered (the same few paths come back in every event of a stream; bounded
 * cache): `null` for a path that is malformed or goes through `__proto__`, `constructor` or `prototype`.
 */
function placeOf(path: string): Place | null {
  let place = places.get(path);
  if (place === undefined) {
    if (places.size >= 1000) places.clear();
    const segments = parsePath(path);
    place = !segments || segments.some((segment) => UNSAFE_KEYS.has(segment)) ? null : { parents: segments.slice(0, -1), key: segments[segments.length - 1] as string };
    places.set(path, place);
  }
  return place;
}

/** superjson's v1 path syntax: segments separated by `.`, with `\.` and `\\` escapes. */
function parsePath(path: string): string[] | undefined {
  if (path.indexOf('\\') < 0) return path.split('.');
  const segments: string[] = [];
  let segment = '';
  for (let index = 0; index < path.length; index++) {
    const char = path[index] as string;
    if (char === '\\') {
      const next = path[++index];
      if (next !== '\\' && next !== '.') return undefined;
      segment += next;
    } else if (char === '.') {
      segments.push(segment);
      segment = '';
    } else segment += char;
  }
  segments.push(segment);
  return segments;
}
