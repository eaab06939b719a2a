import fc from 'fast-check';
import { parse, stringify } from 'superjson';
import { decodeValue, encodeValue } from '../../src/codec/entryCodec';
import { forgetKnownMetas, NOT_KNOWN, parseWithKnownMeta } from '../../src/codec/knownMeta';
import { DecodeError } from '../../src/errors/DecodeError';

/** Strings whose JSON neither spells an unsafe key nor holds a `\u` escape (such documents always take the full decoder). */
const safeText = fc.string().filter((value) => !/__proto__|constructor|prototype|\\u/.test(JSON.stringify(value)));

/** Plain objects with Dates, BigInts and undefined at a few paths: what the known-meta path takes. */
const annotated = fc.record({
  id: safeText,
  at: fc.date({ noInvalidDate: true }),
  n: fc.bigInt(),
  gone: fc.constant(undefined),
  list: fc.array(fc.record({ when: fc.date({ noInvalidDate: true }), note: safeText }), { minLength: 1, maxLength: 1 }),
  'dotted.key': fc.date({ noInvalidDate: true }),
});

const SUFFIX_TEXT = ',"meta":{"values":{"at":["Date"]},"v":1}}';

/** Decodes a document with {@link SUFFIX_TEXT} twice, so that its meta text is remembered. */
function rememberSuffix(): void {
  for (let time = 0; time < 2; time++) decodeValue('s', '1-0', `{"json":{"at":"2020-01-01T00:00:00.000Z"}${SUFFIX_TEXT}`);
  expect(parseWithKnownMeta(`{"json":{"at":"2021-01-01T00:00:00.000Z"}${SUFFIX_TEXT}`)).toEqual({ at: new Date('2021-01-01T00:00:00.000Z') });
}

describe('known meta texts', () => {
  beforeEach(() => forgetKnownMetas());

  it('known meta - after two full decodes, documents with the same meta text decode from their json part to the same value', () => {
    fc.assert(
      fc.property(annotated, annotated, (first, second) => {
        forgetKnownMetas();
        const [a, b] = [stringify(first), stringify(second)];
        expect(parseWithKnownMeta(a)).toBe(NOT_KNOWN); // nothing remembered yet
        expect(decodeValue('s', '1-0', a)).toEqual(first);
        expect(parseWithKnownMeta(a)).toBe(NOT_KNOWN); // seen once: not compiled yet
        expect(decodeValue('s', '1-0', a)).toEqual(first);
        // the second value has the same paths, so the same meta text: it takes the short path
        expect(parseWithKnownMeta(b)).toEqual(second);
        expect(decodeValue('s', '1-1', b)).toEqual(parse(b));
      }),
      { numRuns: 500 },
    );
  });

  it('known meta - the encoder’s own documents take the short path from the second one on', () => {
    const events = Array.from({ length: 5 }, (_, index) => ({ id: `o-${index}`, at: new Date(1_700_000_000_000 + index), amount: index * 1.5, tags: ['a'], customer: { since: new Date(index) } }));
    const encoded = events.map((event) => encodeValue('s', event));
    expect(decodeValue('s', '1-0', encoded[0] as string)).toEqual(events[0]);
    expect(decodeValue('s', '1-1', encoded[1] as string)).toEqual(events[1]);
    for (const [index, text] of encoded.entries()) expect(parseWithKnownMeta(text)).toEqual(events[index]);
  });

  it('known meta - a document whose annotated place does not fit is decoded in full, as superjson does', () => {
    rememberSuffix();
    for (const text of [`{"json":{"at":5}${SUFFIX_TEXT}`, `{"json":{"other":"x"}${SUFFIX_TEXT}`, `{"json":[1]${SUFFIX_TEXT}`, `{"json":null${SUFFIX_TEXT}`]) {
      expect(parseWithKnownMeta(text)).toBe(NOT_KNOWN);
      let ours: unknown;
      let theirs: unknown;
      try {
        theirs = parse(text);
      } catch (error) {
        theirs = error;
      }
      try {
        ours = decodeValue('s', '1-1', text);
      } catch (error) {
        ours = error;
      }
      if (theirs instanceof Error) expect(ours).toBeInstanceOf(DecodeError);
      else expect(stringify(ours)).toBe(stringify(theirs)); // superjson's text, as an invalid Date never equals another
    }
  });

  it('known meta - text that ends like a known document but is not valid JSON is refused with a DecodeError', () => {
    rememberSuffix();
    for (const text of [`{"json":{"x":1${SUFFIX_TEXT}`, `{"json":${SUFFIX_TEXT}`, `{"json":{"a":1}}${SUFFIX_TEXT}`]) {
      expect(parseWithKnownMeta(text)).toBe(NOT_KNOWN);
      expect(() => decodeValue('s', '1-1', text)).toThrow(DecodeError);
    }
  });

  it('known meta - never takes a document that may hold __proto__, constructor or prototype', () => {
    rememberSuffix();
    for (const key of ['__proto__', 'constructor', 'prototype', '\\u005f_proto__']) {
      const text = `{"json":{"at":"2020-01-01T00:00:00.000Z","${key}":{"polluted":true}}${SUFFIX_TEXT}`;
      expect(() => decodeValue('s', '1-1', text)).toThrow(/prototype pollution/);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('known meta - a path named meta, and metas of other superjson types, decode exactly, also the second time', () => {
    const values = [
      { a: new Date(1), meta: new Date(2) },
      { m: new Map([['k', new Date(3)]]) },
      { s: new Set([1, 2]), at: new Date(4) },
      { r: /x/g, at: new Date(5) },
    ];
    for (const value of values) {
      const text = stringify(value);
      expect(decodeValue('s', '1-0', text)).toEqual(value);
      expect(decodeValue('s', '1-1', text)).toEqual(value);
    }
    expect(parseWithKnownMeta(stringify(values[1]))).toBe(NOT_KNOWN); // a Map needs the full decoder
  });

  it('known meta - more shapes than it remembers still decode exactly, in any order', () => {
    const shapes = Array.from({ length: 20 }, (_, index) => ({ [`k${index}`]: new Date(index), n: index }));
    for (let round = 0; round < 3; round++) {
      for (const value of round === 1 ? [...shapes].reverse() : shapes) expect(decodeValue('s', '1-0', stringify(value))).toEqual(value);
    }
  });

  it('known meta - a remembered BigInt place holding what BigInt refuses is a DecodeError, as the first time', () => {
    const meta = ',"meta":{"values":{"a":["bigint"]},"v":1}}';
    const bad = `{"json":{"a":"x"}${meta}`;
    expect(() => decodeValue('s', '1-0', bad)).toThrow(DecodeError);
    for (let time = 0; time < 2; time++) expect(decodeValue('s', '1-1', `{"json":{"a":"1"}${meta}`)).toEqual({ a: 1n });
    expect(parseWithKnownMeta(`{"json":{"a":"2"}${meta}`)).toEqual({ a: 2n });
    expect(parseWithKnownMeta(bad)).toBe(NOT_KNOWN);
    expect(() => decodeValue('s', '1-2', bad)).toThrow(DecodeError);
  });

  it('known meta - two shapes that alternate are both remembered; a large document is not', () => {
    const a = (n: number) => stringify({ at: new Date(n) });
    const b = (n: number) => stringify({ when: new Date(n) });
    for (let n = 0; n < 4; n++) {
      expect(decodeValue('s', '1-0', a(n))).toEqual({ at: new Date(n) });
      expect(decodeValue('s', '1-0', b(n))).toEqual({ when: new Date(n) });
    }
    expect(parseWithKnownMeta(a(9))).toEqual({ at: new Date(9) });
    expect(parseWithKnownMeta(b(9))).toEqual({ when: new Date(9) });
    // a document over 64 Ki characters is decoded exactly but its meta text is not remembered
    const large = (n: number) => stringify({ big: new Date(n), text: 'x'.repeat(70_000) });
    for (let n = 0; n < 3; n++) expect(decodeValue('s', '1-0', large(n))).toEqual({ big: new Date(n), text: 'x'.repeat(70_000) });
    expect(parseWithKnownMeta(large(3))).toBe(NOT_KNOWN);
    expect(parseWithKnownMeta(stringify({ big: new Date(1) }))).toBe(NOT_KNOWN);
  });
});
