import { deserialize, type SuperJSONResult } from 'superjson';
import { UNSAFE_KEYS } from './unsafeKeys';

/** Annotations the fast paths write and read: the subset of superjson's meta that plain JSON needs help with. */
type FastAnnotation = 'Date' | 'undefined' | 'bigint';

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
  if (!plain(value, undefined, dates, new Set())) return undefined;
  if (dates.length === 0) return JSON.stringify({ json: value });
  const values: Record<string, [FastAnnotation]> = {};
  for (const path of dates) values[path] = ['Date'];
  return JSON.stringify({ json: value, meta: { values, v: 1 } });
}

/** Whether `value` (at `path`, `undefined` for the root) is plain data; collects the paths of its Dates. */
function plain(value: unknown, path: string | undefined, dates: string[], seen: Set<object>): boolean {
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
        if (Number.isNaN(value.getTime()) || path === undefined) return false;
        dates.push(path);
        return true;
      }
      const prefix = path === undefined ? '' : `${path}.`;
      if (Array.isArray(value)) {
        for (let index = 0; index < value.length; index++) if (!plain(value[index], prefix + index, dates, seen)) return false;
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key of Object.keys(value)) {
        if (UNSAFE_KEYS.has(key) || !plain((value as Record<string, unknown>)[key], prefix + escapeKey(key), dates, seen)) return false;
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
  const targets = annotatedTargets(envelope);
  if (!targets) return deserialize<T>(envelope as SuperJSONResult);
  for (const { parent, key, annotation } of targets) {
    const raw = parent[key];
    parent[key] = annotation === 'Date' ? new Date(raw as string) : annotation === 'bigint' ? BigInt(raw as string) : undefined;
  }
  return envelope.json as T;
}

interface Target {
  readonly parent: Record<string, unknown>;
  readonly key: string;
  readonly annotation: FastAnnotation;
}

/** The places the meta annotates, when they are all simple; `undefined` sends the envelope to superjson. */
function annotatedTargets(envelope: { json: unknown; meta?: unknown }): Target[] | undefined {
  const meta = envelope.meta as { values?: unknown; v?: unknown; referentialEqualities?: unknown };
  if (typeof meta !== 'object' || meta === null || meta.v !== 1 || meta.referentialEqualities !== undefined) return undefined;
  const values = meta.values;
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return undefined;
  const targets: Target[] = [];
  for (const [path, annotation] of Object.entries(values as Record<string, unknown>)) {
    if (!Array.isArray(annotation) || annotation.length !== 1) return undefined;
    const type: unknown = annotation[0];
    if (type !== 'Date' && type !== 'undefined' && type !== 'bigint') return undefined;
    const segments = splitPath(path);
    if (!segments || segments.some((segment) => UNSAFE_KEYS.has(segment))) return undefined;
    let parent: unknown = envelope.json;
    for (const segment of segments.slice(0, -1)) parent = typeof parent === 'object' && parent !== null ? (parent as Record<string, unknown>)[segment] : undefined;
    const key = segments[segments.length - 1] as string;
    if (typeof parent !== 'object' || parent === null || !Object.prototype.hasOwnProperty.call(parent, key)) return undefined;
    const raw = (parent as Record<string, unknown>)[key];
    if (type === 'undefined' ? raw !== null : typeof raw !== 'string') return undefined;
    targets.push({ parent: parent as Record<string, unknown>, key, annotation: type });
  }
  return targets;
}

const splitPaths = new Map<string, string[] | undefined>();

/** {@link parsePath}, remembered: the same few paths come back in every event of a stream (bounded cache). */
function splitPath(path: string): string[] | undefined {
  let segments = splitPaths.get(path);
  if (segments === undefined && !splitPaths.has(path)) {
    if (splitPaths.size >= 1000) splitPaths.clear();
    segments = parsePath(path);
    splitPaths.set(path, segments);
  }
  return segments;
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
