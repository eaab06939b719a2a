import { restoreAnnotated, simpleAnnotations, type SimpleAnnotations } from './simpleAnnotations';

/** The start of every superjson document: `{"json":`. */
const PREFIX = '{"json":';
const META = ',"meta":';
/** How many distinct meta texts are remembered (a stream's events usually share one or a few). */
const CAPACITY = 8;
/** Longest document (in UTF-16 units) whose meta text is remembered. */
const MAX_REMEMBERED_DOCUMENT = 64 * 1024;

/**
 * A meta text seen before, `,"meta":{…}}` to the document's end, with what it annotates; or, without
 * annotations, one that needs the full decoder (another superjson type), so that it is not looked at again.
 */
interface KnownMeta {
  readonly suffix: string;
  readonly annotations: SimpleAnnotations | undefined;
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
    if (!meta.annotations) return NOT_KNOWN;
    try {
      const json: unknown = JSON.parse(raw.slice(PREFIX.length, raw.length - meta.suffix.length));
      return restoreAnnotated(json, meta.annotations) ? json : NOT_KNOWN;
    } catch {
      return NOT_KNOWN; // `X` is not JSON, or a BigInt refuses: the full decoder reports it (this parse is dropped)
    }
  }
  return NOT_KNOWN;
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
  known.unshift({ suffix, annotations: simpleAnnotations(meta) });
}

/** Forgets every remembered meta text (for tests). */
export function forgetKnownMetas(): void {
  known.length = 0;
  seenOnce.length = 0;
}
