import fc from 'fast-check';
import { encodeValue } from '../../src/codec/entryCodec';

/** The group every fuzz consumer belongs to, and the limit it runs with. */
export const FUZZ_GROUP = 'fuzz';
export const FUZZ_MAX_BYTES = 64 * 1024;

/** The superjson text of a `{ s }`-like document: `{"json":{"s":"…"}}` is 17 bytes around the string. */
const ENVELOPE = 17;

export type Fields = Record<string, string>;

/** Values superjson supports, encoded by the library's own encoder (what a producer writes). */
const encoded: fc.Arbitrary<string> = fc
  .anything({ maxDepth: 3, maxKeys: 4, withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: false, withSparseArray: false, withBoxedValues: false, withTypedArray: false })
  .map((value) => {
    try {
      return encodeValue('fuzz', value);
    } catch {
      return undefined; // superjson refuses it (a __proto__ key, an invalid Date in a Map...)
    }
  })
  .filter((text): text is string => text !== undefined);

/** Printable ASCII without `"` and `\`, mixed with lone surrogates (which Redis stores as U+FFFD). */
const nonUtf8ish = fc
  .array(fc.oneof(fc.integer({ min: 0xd800, max: 0xdfff }), fc.integer({ min: 0x20, max: 0x7e }).filter((code) => code !== 0x22 && code !== 0x5c)), { maxLength: 8 })
  .map((codes) => String.fromCharCode(...codes));

const fieldName = fc.oneof(fc.constantFrom('v', 'k', 'g', 'o:v', 'sid', 'reason', '__proto__', 'constructor', ''), fc.string({ maxLength: 5 }), nonUtf8ish);
const fieldValue = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('', '{}', '{"json":1}', 'null', '[]', '"x"', '{"json":null,"meta":null}', '{"json":{},"meta":{"v":1}}'), nonUtf8ish);

/** Paths and annotations of a superjson meta, right or wrong. */
const metaPath = fc.constantFrom('', 'a', 'a.b', '0', 'a.0', 'b', 'missing.deep', '__proto__', 'a.__proto__', 'constructor.prototype', 'a\\.b', 'a\\', '.');
const annotation = fc.constantFrom<unknown>(['Date'], ['bigint'], ['undefined'], ['map'], ['set'], ['regexp'], ['number'], ['Error'], ['symbol'], [['class', 'X']], [['custom', 'Y']], [['symbol', 'Z']], ['Date', 'x'], 'Date', 5, null, [], {});
const meta = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.record(
    {
      values: fc.oneof(fc.dictionary(metaPath, annotation, { maxKeys: 3 }), fc.jsonValue({ maxDepth: 1 }), annotation),
      referentialEqualities: fc.oneof(fc.dictionary(metaPath, fc.array(metaPath, { maxLength: 2 }), { maxKeys: 2 }), fc.jsonValue({ maxDepth: 1 })),
      v: fc.constantFrom<unknown>(1, '1', 0, 2, null),
    },
    { requiredKeys: [] },
  ),
);
const json = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ a: fc.jsonValue({ maxDepth: 2 }), b: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }));

/** Entry arbitraries by kind; each gives the fields of one raw entry. */
export const entryKinds = {
  /** What the library's producer writes, sometimes with a key. */
  valid: fc.record({ v: encoded, k: fc.option(fc.string({ maxLength: 6 }), { nil: undefined }) }).map(withoutUndefined),
  /** Valid superjson cut short. */
  truncated: fc.tuple(encoded, fc.nat()).map(([text, at]) => ({ v: text.slice(0, at % Math.max(text.length, 1)) })),
  /** Valid superjson with a few characters replaced or inserted. */
  mutated: fc.tuple(encoded, fc.nat(), fc.nat(3), fc.string({ minLength: 1, maxLength: 3 })).map(([text, at, cut, insert]) => {
    const index = at % (text.length + 1);
    return { v: text.slice(0, index) + insert + text.slice(index + cut) };
  }),
  /** Any field map at all (never empty: XADD needs a field). */
  randomFields: fc.dictionary(fieldName, fieldValue, { minKeys: 1, maxKeys: 5 }),
  /** Deeply nested arrays or objects, valid JSON. */
  deep: fc.tuple(fc.integer({ min: 100, max: 3000 }), fc.boolean()).map(([depth, arrays]) => ({
    v: `{"json":${arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)}}`,
  })),
  /** Long strings just within the limit, in 1- or 3-byte characters. */
  hugeWithin: fc.tuple(fc.integer({ min: 1, max: 600 }), fc.boolean()).map(([short, wide]) => ({
    v: `{"json":{"s":"${wide ? '€'.repeat(Math.floor((FUZZ_MAX_BYTES - ENVELOPE) / 3) - short) : 'x'.repeat(FUZZ_MAX_BYTES - ENVELOPE - short)}"}}`,
  })),
  /** Values just over the limit up to four times it (3-byte characters right at the edge). */
  overLimit: fc.tuple(fc.integer({ min: 1, max: 3 * FUZZ_MAX_BYTES }), fc.boolean()).map(([extra, wide]) => ({
    v: `{"json":{"s":"${wide ? '€'.repeat(Math.ceil((FUZZ_MAX_BYTES - ENVELOPE + 1) / 3) + (extra % 50)) : 'x'.repeat(FUZZ_MAX_BYTES - ENVELOPE + extra)}"}}`,
  })),
  /** Well-formed JSON with a `meta` of wrong types, paths and annotations. */
  wrongMeta: fc.record({ json, meta }).map((document) => ({ v: JSON.stringify(document) })),
  /** Metadata fields of wrong content: a key of any text, a redriven-group field for us or for another group. */
  wrongFields: fc.record({ v: fc.oneof(encoded, fc.constant('{"json":1}')), k: fc.oneof(fc.constant(''), nonUtf8ish, fc.string({ maxLength: 4 })), g: fc.oneof(fc.constant(FUZZ_GROUP), fc.constant(''), fc.string({ maxLength: 4 }), nonUtf8ish) }, { requiredKeys: ['v'] }),
  /** Raw lone surrogates inside the document, the key and a field name. */
  nonUtf8: fc.tuple(nonUtf8ish, nonUtf8ish, nonUtf8ish).map(([text, key, name]) => ({ v: `{"json":"${text}"}`, k: key, [`x${name}`]: text })),
};

/** One raw entry of any kind. */
export const anyEntry: fc.Arbitrary<Fields> = fc.oneof(...Object.values(entryKinds).map((arbitrary) => arbitrary as fc.Arbitrary<Fields>));

function withoutUndefined(fields: { v: string; k?: string | undefined }): Fields {
  return fields.k === undefined ? { v: fields.v } : { v: fields.v, k: fields.k };
}
