import { decodeEntry, encodeEntry } from '../../src/codec/entryCodec';
import { findUnencodable } from '../../src/codec/findUnencodable';
import { eventStream } from '../../src/definitions/eventStream';
import { DecodeError } from '../../src/errors/DecodeError';
import { EncodeError } from '../../src/errors/EncodeError';

const roundTrip = <T>(value: T): T => decodeEntry<T>('jobs', '1-0', encodeEntry(eventStream<T>('jobs'), value)).value;
const fn = () => 1;
function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('codec', () => {
  it.each<[string, unknown]>([
    ['Date', new Date(1700000000123)],
    ['Map', new Map<unknown, unknown>([['a', 1], [2, { b: [3] }]])],
    ['Set', new Set([1, 'two', 3n])],
    ['BigInt', 2n ** 70n],
    ['nested', { job: { id: 'j1', tags: ['x', 'y'], at: new Date(0), seen: new Set(['w1']), meta: { deep: [{ n: null }] } } }],
  ])('codec - round trip keeps a %s', (_label, value) => {
    expect(roundTrip(value)).toStrictEqual(value);
  });

  it('codec - round trip keeps undefined properties, NaN and -0', () => {
    const decoded = roundTrip({ gone: undefined, nan: NaN, zero: -0 });
    expect(Object.keys(decoded)).toStrictEqual(['gone', 'nan', 'zero']);
    expect(decoded.gone).toBeUndefined();
    expect(decoded.nan).toBeNaN();
    expect(Object.is(decoded.zero, -0)).toBe(true);
  });

  it('codec - round trip keeps circular and shared references', () => {
    const shared = { n: 1 };
    const value: { name: string; left: object; right: object; self?: unknown } = { name: 'root', left: shared, right: shared };
    value.self = value;
    const decoded = roundTrip(value);
    expect(decoded.self).toBe(decoded);
    expect(decoded.left).toBe(decoded.right);
    expect(decoded.left).toStrictEqual({ n: 1 });
  });

  it('codec - without a key selector the entry has only field v and decodes with key undefined', () => {
    const fields = encodeEntry(eventStream<{ n: number }>('jobs'), { n: 1 });
    expect(Object.keys(fields)).toStrictEqual(['v']);
    expect(decodeEntry('jobs', '1-0', fields)).toStrictEqual({ value: { n: 1 }, key: undefined });
  });

  it('codec - the key selector result is stored in field k and decoded as key', () => {
    const fields = encodeEntry(eventStream<{ jobId: string }>('jobs', { key: (e) => e.jobId }), { jobId: 'j7' });
    expect(fields.k).toBe('j7');
    expect(decodeEntry('jobs', '1-0', fields)).toStrictEqual({ value: { jobId: 'j7' }, key: 'j7' });
  });

  it.each<[string, (value: { id: string }) => string, string]>([
    ['throws', () => { throw new Error('no key'); }, 'key(value) threw: no key'],
    ['returns a number', () => 42 as unknown as string, 'key(value) returned number, expected a string'],
  ])('codec - a key selector that %s is an EncodeError', (_label, key, problem) => {
    const encode = () => encodeEntry(eventStream('jobs', { key }), { id: 'j1' });
    expect(encode).toThrow(EncodeError);
    expect(encode).toThrow(`cannot encode the event for stream "jobs": ${problem}; nothing was written`);
  });

  it.each<[string, unknown, string]>([
    ['a nested function', { a: { f: fn } }, 'value.a.f is a function'],
    ['a symbol', { s: Symbol('s') }, 'value.s is a symbol'],
    ['a top-level function', fn, 'value is a function'],
    ['a Map key', { m: new Map<unknown, unknown>([['ok', 1], [fn, 2]]) }, 'value.m.<key 1> is a function'],
    ['a Map value', { m: new Map<unknown, unknown>([['ok', 1], ['bad', fn]]) }, 'value.m.<value 1> is a function'],
    ['a Set item', { s: new Set([1, 2, Symbol('x')]) }, 'value.s.<item 2> is a symbol'],
    ['an array item', { list: [1, { cb: fn }] }, 'value.list[1].cb is a function'],
  ])('codec - findUnencodable names %s and encodeEntry refuses it', (_label, value, description) => {
    const found = findUnencodable(value);
    expect(found && `${found.path} ${found.problem}`).toBe(description);
    const error = thrown(() => encodeEntry(eventStream('jobs'), value));
    expect(error).toBeInstanceOf(EncodeError);
    expect(error).toMatchObject({ stream: 'jobs', path: found?.path, message: `cannot encode the event for stream "jobs": ${description}; nothing was written` });
  });

  it('codec - findUnencodable accepts encodable values, circular ones included', () => {
    const circular: { self?: unknown; at: Date } = { at: new Date(0) };
    circular.self = circular;
    for (const value of [circular, new Map([[1, new Set([2n])]]), [null, undefined, NaN], 'text']) expect(findUnencodable(value)).toBeUndefined();
  });

  it.each<[string, Record<string, string>, string]>([
    ['a missing v field', { k: 'j1' }, 'field "v" is missing'],
    ['invalid JSON', { v: '{not json' }, 'not valid JSON: '], // then the parser's message
    ['JSON without a json member', { v: '{"meta":{}}' }, 'not a superjson document (no "json" member)'],
    ['JSON that is not an object', { v: '42' }, 'not a superjson document (no "json" member)'],
    ['unknown superjson metadata', { v: '{"json":{"a":1},"meta":{"values":{"a":["weird"]}}}' }, 'invalid superjson metadata: Unknown transformation: weird'],
  ])('codec - decoding %s throws a DecodeError naming stream and id', (_label, fields, problem) => {
    const error = thrown(() => decodeEntry('jobs', '5-1', fields));
    expect(error).toBeInstanceOf(DecodeError);
    expect(error).toMatchObject({ stream: 'jobs', id: '5-1' });
    expect((error as Error).message).toContain(`cannot decode entry 5-1 of stream "jobs": ${problem}`);
  });
});
