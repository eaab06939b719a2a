import { placeOf, type Place } from './superjsonPaths';

/** Annotations the fast paths write and read: the subset of superjson's meta that plain JSON needs help with. */
export type FastAnnotation = 'Date' | 'undefined' | 'bigint';

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
