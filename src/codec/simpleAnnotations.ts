import { dateOfIso } from './isoDate';
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
  // one place (an event with one Date, the common case): checked and set in one go
  if (places.length === 1) {
    const parent = annotatedParent(json, places[0] as Place, types[0] as FastAnnotation);
    if (!parent) return false;
    restore(parent, (places[0] as Place).key, types[0] as FastAnnotation);
    return true;
  }
  try {
    for (let index = 0; index < places.length; index++) {
      const parent = annotatedParent(json, places[index] as Place, types[index] as FastAnnotation);
      if (!parent) return false;
      parents[index] = parent;
    }
    for (let index = 0; index < places.length; index++) restore(parents[index] as Record<string, unknown>, (places[index] as Place).key, types[index] as FastAnnotation);
    return true;
  } finally {
    parents.length = 0; // no references kept to the decoded value
  }
}

/** The object holding `place` in `json` when the place holds what its annotation reads (a string, or `null` for `undefined`). */
function annotatedParent(json: unknown, place: Place, type: FastAnnotation): Record<string, unknown> | undefined {
  let parent: unknown = json;
  for (const segment of place.parents) parent = typeof parent === 'object' && parent !== null ? (parent as Record<string, unknown>)[segment] : undefined;
  if (typeof parent !== 'object' || parent === null || !Object.prototype.hasOwnProperty.call(parent, place.key)) return undefined;
  const raw = (parent as Record<string, unknown>)[place.key];
  return (type === 'undefined' ? raw === null : typeof raw === 'string') ? (parent as Record<string, unknown>) : undefined;
}

/** Sets a checked place to the value its annotation reads. */
function restore(parent: Record<string, unknown>, key: string, type: FastAnnotation): void {
  parent[key] = type === 'Date' ? dateOfIso(parent[key] as string) : type === 'bigint' ? BigInt(parent[key] as string) : undefined;
}
