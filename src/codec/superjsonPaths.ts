import { UNSAFE_KEYS } from './unsafeKeys';

/*
 * superjson's v1 path syntax, both ways: the fast encoder writes the paths of its Dates, the fast
 * decoder reads the paths of a meta into places. Segments are separated by `.`; `\` and `.` inside a key
 * are escaped with `\`.
 */

/** superjson's path escaping (v1 paths): `\` and `.` in keys are escaped with `\`. */
function escapeKey(key: string): string {
  return key.indexOf('\\') < 0 && key.indexOf('.') < 0 ? key : key.replace(/\\/g, '\\\\').replace(/\./g, '\\.');
}

/** superjson's path of a place: keys escaped, joined with `.`. */
export function pathOf(at: readonly (string | number)[]): string {
  let path = '';
  for (let index = 0; index < at.length; index++) {
    const segment = at[index] as string | number;
    path += (index === 0 ? '' : '.') + (typeof segment === 'number' ? String(segment) : escapeKey(segment));
  }
  return path;
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
export function placeOf(path: string): Place | null {
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
