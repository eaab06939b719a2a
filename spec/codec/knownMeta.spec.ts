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

describe('known meta texts', () => {
  beforeEach(() => forgetKnownMetas());

  it('known meta - after one full decode, documents with the same meta text decode from their json part to the same value', () => {
    fc.assert(
      fc.property(annotated, annotated, (first, second) => {
        forgetKnownMetas();
        const [a, b] = [stringify(first), stringify(second)];
        expect(parseWithKnownMeta(a)).toBe(NOT_KNOWN); // nothing remembered yet
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
    for (const [index, text] of encoded.entries()) expect(parseWithKnownMeta(text)).toEqual(events[index]);
  });

  it('known meta - a document whose annotated place does not fit is decoded in full, as superjson does', () => {
    decodeValue('s', '1-0', `{"json":{"at":"2020-01-01T00:00:00.000Z"}${SUFFIX_TEXT}`);
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
    decodeValue('s', '1-0', `{"json":{"at":"2020-01-01T00:00:00.000Z"}${SUFFIX_TEXT}`);
    for (const text of [`{"json":{"x":1${SUFFIX_TEXT}`, `{"json":${SUFFIX_TEXT}`, `{"json":{"a":1}}${SUFFIX_TEXT}`]) {
      expect(parseWithKnownMeta(text)).toBe(NOT_KNOWN);
      expect(() => decodeValue('s', '1-1', text)).toThrow(DecodeError);
    }
  });

  it('known meta - never takes a document that may hold __proto__, constructor or prototype', () => {
    decodeValue('s', '1-0', `{"json":{"at":"2020-01-01T00:00:00.000Z"}${SUFFIX_TEXT}`);
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
});
