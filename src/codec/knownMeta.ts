import { placeOf, type FastAnnotation, type Place } from './fastJson';

/** The start of every superjson document: `{"json":`. */
const PREFIX = '{"json":';
const META = ',"meta":';
/** How many distinct meta texts are remembered (a stream's events usually share one or a few). */
const CAPACITY = 8;
/** Longest document (in UTF-16 units) whose meta text is remembered. */
const MAX_REMEMBERED_DOCUMENT = 64 * 1024;

/**
 * A meta text seen before, `,"meta":{…}}` to the document's end, with the places it annotates; or,
 * without places, one that needs the full decoder (another superjson type), so that it is not looked at again.
 */
interface KnownMeta {
  readonly suffix: string;
  readonly places?: readonly Place[];
  readonly types?: readonly FastAnnotation[];
}

/** Most recently used first. */
const known: KnownMeta[] = [];
/** Meta texts of the last documents decoded in full that were not known, seen once so far; most recent first. */
const seenOnce: string[] = [];

/** What {@link parseWithKnownMeta} returns for a document it does not take. */
export const NOT_KNOWN: unique symbol = Symbol('rx-redis-events: document of unknown shape');

/**
 * Decodes a superjson document `{"json":X,"meta":M}` whose meta text `M` was remembered (see
 * {@link rememberMeta}): only `X` is parsed, and the remembered places get their `Date`, `BigInt` or
 * `undefined`. The result equals decoding the whole document: when `X` alone is valid JSON, the text is
 * exactly the object `{ json: X, meta: M }`. Returns {@link NOT_KNOWN} for any other document, or when
 * `X` does not parse or a remembered place does not fit it; the caller then decodes it in full. The
 * caller has ruled out unsafe keys in the text.
 */
export function parseWithKnownMeta(raw: string): unknown {
  if (known.length === 0 || !raw.startsWith(PREFIX)) return NOT_KNOWN;
  for (let index = 0; index < known.length; index++) {
    const meta = known[index] as KnownMeta;
    if (!raw.endsWith(meta.suffix)) continue;
    if (index > 0) known.unshift(...known.splice(index, 1));
    if (!meta.places) return NOT_KNOWN;
    let json: unknown;
    try {
      json = JSON.parse(raw.slice(PREFIX.length, raw.length - meta.suffix.length));
    } catch {
      return NOT_KNOWN;
    }
    return apply(json, meta as Required<KnownMeta>) ? json : NOT_KNOWN;
  }
  return NOT_KNOWN;
}

/** Sets every annotated place of `json`, or returns false when one does not fit (the caller then drops `json`). */
function apply(json: unknown, meta: Required<KnownMeta>): boolean {
  const { places, types } = meta;
  const parents: Record<string, unknown>[] = [];
  for (let index = 0; index < places.length; index++) {
    const place = places[index] as Place;
    let parent: unknown = json;
    for (const segment of place.parents) parent = typeof parent === 'object' && parent !== null ? (parent as Record<string, unknown>)[segment] : undefined;
    if (typeof parent !== 'object' || parent === null || !Object.prototype.hasOwnProperty.call(parent, place.key)) return false;
    const raw = (parent as Record<string, unknown>)[place.key];
    if (types[index] === 'undefined' ? raw !== null : typeof raw !== 'string') return false;
    parents.push(parent as Record<string, unknown>);
  }
  try {
    for (let index = 0; index < places.length; index++) {
      const parent = parents[index] as Record<string, unknown>;
      const key = (places[index] as Place).key;
      const type = types[index];
      parent[key] = type === 'Date' ? new Date(parent[key] as string) : type === 'bigint' ? BigInt(parent[key] as string) : undefined;
    }
  } catch {
    return false; // a string BigInt refuses: the full decoder reports it (this parse is dropped)
  }
  return true;
}

/**
 * Remembers the meta text of a document that was just decoded in full, the second time it comes. When it only annotates
 * `Date`, `BigInt` and `undefined` values at well-formed paths (what the encoder's fast path writes),
 * the next document with the same meta text parses only its `json` part; otherwise such documents go
 * straight to the full decoder.
 */
export function rememberMeta(raw: string): void {
  // a remembered text is a slice that keeps its whole document alive: only small documents are remembered
  if (raw.length > MAX_REMEMBERED_DOCUMENT) return;
  const at = raw.lastIndexOf(META);
  if (at < 0 || !raw.startsWith(PREFIX) || !raw.endsWith('}')) return;
  const suffix = raw.slice(at);
  if (known.some((meta) => meta.suffix === suffix)) return;
  // a meta text is compiled the second time it is seen (among the last few unknown ones): documents
  // whose meta differs every time (arrays of Dates of varying length) cost a few comparisons, not a
  // second parse of their meta
  const seen = seenOnce.indexOf(suffix);
  if (seen < 0) {
    if (seenOnce.length >= CAPACITY) seenOnce.pop();
    seenOnce.unshift(suffix);
    return;
  }
  seenOnce.splice(seen, 1);
  let meta: unknown;
  try {
    meta = JSON.parse(suffix.slice(META.length, -1));
  } catch {
    meta = undefined; // `,"meta":` inside the meta itself (a path named meta): not the suffix
  }
  if (known.length >= CAPACITY) known.pop();
  known.unshift({ suffix, ...compile(meta) });
}

/** The places and annotations of a simple meta object, or `undefined` for anything else. */
function compile(meta: unknown): Pick<KnownMeta, 'places' | 'types'> | undefined {
  if (typeof meta !== 'object' || meta === null) return undefined;
  const { values, v, referentialEqualities } = meta as { values?: unknown; v?: unknown; referentialEqualities?: unknown };
  if (v !== 1 || referentialEqualities !== undefined || Object.keys(meta).length !== 2) return undefined;
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
  return places.length > 0 ? { places, types } : undefined;
}

/** Forgets every remembered meta text (for tests). */
export function forgetKnownMetas(): void {
  known.length = 0;
  seenOnce.length = 0;
}
