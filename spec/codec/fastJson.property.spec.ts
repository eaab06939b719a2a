import fc from 'fast-check';
import { parse, stringify } from 'superjson';
import { decodeValue, encodeValue } from '../../src/codec/entryCodec';
import { EncodeError } from '../../src/errors/EncodeError';
import { fastDeserialize, fastStringify } from '../../src/codec/fastJson';

/** Plain data the fast encoder takes: JSON values with Dates anywhere but at the root. */
const plainData = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
    fc.integer(),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 5 }),
  ),
  root: fc.oneof(fc.array(tie('value'), { maxLength: 5 }), fc.dictionary(fc.string(), tie('value'), { maxKeys: 6 })),
})).root;

/** Everything superjson round-trips, for the encoder as a whole (superjson itself turns an invalid Date inside a Map or Set into null). */
const anything = fc
  .anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: false, withSparseArray: false, withBoxedValues: false, withTypedArray: false })
  .filter((value) => !hasInvalidDate(value, new Set()));

function hasInvalidDate(value: unknown, seen: Set<unknown>): boolean {
  if (value instanceof Date) return Number.isNaN(value.getTime());
  if (typeof value !== 'object' || value === null || seen.has(value)) return false;
  seen.add(value);
  const children = value instanceof Map ? [...value.keys(), ...value.values()] : value instanceof Set ? [...value] : Object.values(value);
  return children.some((child) => hasInvalidDate(child, seen));
}

/** Encodes, or returns undefined when the encoder refuses the value with an EncodeError (superjson refuses `__proto__` keys). */
function encodeOrRefuse(value: unknown): string | undefined {
  try {
    return encodeValue('s', value);
  } catch (error) {
    expect(error).toBeInstanceOf(EncodeError);
    expect((error as Error).message).toMatch(/prototype pollution/);
    return undefined;
  }
}

describe('fast JSON codec (property-based)', () => {
  it('fast JSON codec - for plain data it writes the document superjson writes (the same JSON, annotations in any order)', () => {
    fc.assert(
      fc.property(plainData, (value) => {
        const fast = fastStringify(value);
        if (fast !== undefined) expect(JSON.parse(fast)).toEqual(JSON.parse(stringify(value)));
      }),
      { numRuns: 2000 },
    );
  });

  it('fast JSON codec - takes the fast path for plain data, and leaves shared references, BigInt, undefined, NaN and -0 to superjson', () => {
    const at = new Date(1);
    expect(fastStringify({ id: 'o-1', at, n: [1, 2.5], nested: { ok: true, none: null } })).toBe(
      '{"json":{"id":"o-1","at":"1970-01-01T00:00:00.001Z","n":[1,2.5],"nested":{"ok":true,"none":null}},"meta":{"values":{"at":["Date"]},"v":1}}',
    );
    expect(fastStringify({ a: 'x.y', 'dotted.key': [new Date(2)] })).toBe(stringify({ a: 'x.y', 'dotted.key': [new Date(2)] }));
    for (const value of [{ a: at, b: at }, { n: 1n }, { u: undefined }, { n: NaN }, { n: -0 }, new Date(3), { m: new Map() }, new (class Point { x = 1; })()]) {
      expect(fastStringify(value)).toBeUndefined();
    }
  });

  it('fast JSON codec - decode(encode(x)) deep-equals x for everything superjson supports', () => {
    fc.assert(
      fc.property(anything, (value) => {
        const encoded = encodeOrRefuse(value);
        if (encoded !== undefined) expect(decodeValue('s', '1-0', encoded)).toEqual(value);
      }),
      { numRuns: 2000 },
    );
  });

  it('fast JSON codec - what it writes, superjson reads, and what superjson writes, it reads', () => {
    fc.assert(
      fc.property(anything, (value) => {
        const ours = encodeOrRefuse(value);
        if (ours === undefined) return;
        expect(parse(ours)).toEqual(value);
        expect(decodeValue('s', '1-0', stringify(value))).toEqual(value);
      }),
      { numRuns: 1000 },
    );
  });

  it('fast JSON codec - annotations never write through __proto__, constructor or prototype', () => {
    const crafted = [
      '{"json":{"a":"2020-01-01T00:00:00.000Z"},"meta":{"values":{"__proto__.polluted":["Date"]},"v":1}}',
      '{"json":{"constructor":{"prototype":{"x":"1"}}},"meta":{"values":{"constructor.prototype.x":["bigint"]},"v":1}}',
      '{"json":{"__proto__":{"polluted":null}},"meta":{"values":{"__proto__.polluted":["undefined"]},"v":1}}',
    ];
    for (const text of crafted) {
      try {
        fastDeserialize(JSON.parse(text) as { json: unknown });
      } catch {
        // superjson refuses some of these: fine, as long as nothing leaked
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('fast JSON codec - the annotations it reads itself restore Date, BigInt and undefined exactly', () => {
    const value = { at: new Date(5), list: [{ n: 10n }, { gone: undefined }], 'dotted.key': new Date(7) };
    expect(fastDeserialize(JSON.parse(stringify(value)) as { json: unknown })).toEqual(value);
  });
});
