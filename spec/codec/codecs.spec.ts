import { stringify } from 'superjson';
import { broadcastStream, eventStream, type Codec } from '../../src';
import { decodeValue, encodeEntry, encodeValue } from '../../src/codec/entryCodec';

describe('codecs', () => {
  it("codec option - 'superjson' (the default) leaves the definition as it was; 'json' and a custom codec are kept as given", () => {
    const custom: Codec<number> = { encode: String, decode: Number };
    expect(JSON.stringify(eventStream('a', { codec: 'superjson' }))).toBe('{"kind":"eventStream","name":"a","partitions":1}');
    expect(JSON.stringify(broadcastStream('b', { codec: 'superjson' }))).toBe('{"kind":"broadcastStream","name":"b"}');
    expect([eventStream('a').codec, eventStream('a', { codec: 'json' }).codec, eventStream<number>('a', { codec: custom }).codec]).toEqual([undefined, 'json', custom]);
    expect(eventStream<number>('a', { codec: custom }).codec).toBe(custom);
    expect([broadcastStream('b').codec, broadcastStream('b', { codec: 'json' }).codec, broadcastStream<number>('b', { codec: custom }).codec]).toEqual([undefined, 'json', custom]);
  });

  it('codec option - anything else is a TypeError naming the definition and codec', () => {
    const bad: [unknown, string][] = [
      ['msgpack', '"msgpack"'],
      ['JSON', '"JSON"'],
      [null, 'an object without encode(value) and decode(text) functions'],
      [{ encode: String }, 'an object without encode(value) and decode(text) functions'],
      [{ encode: String, decode: 'x' }, 'an object without encode(value) and decode(text) functions'],
      [42, 'number'],
      [JSON.stringify, 'function'],
    ];
    for (const [codec, shown] of bad) {
      expect(() => eventStream('orders', { codec: codec as 'json' })).toThrow(new TypeError(`rx-redis-events: eventStream("orders") option codec must be 'superjson', 'json' or { encode(value): string, decode(text): value }, got ${shown}`));
      expect(() => broadcastStream('prices', { codec: codec as 'json' })).toThrow(new TypeError(`rx-redis-events: broadcastStream("prices") option codec must be 'superjson', 'json' or { encode(value): string, decode(text): value }, got ${shown}`));
    }
    expect(() => broadcastStream('prices', null as never)).toThrow(new TypeError('rx-redis-events: broadcastStream("prices") options must be an object'));
  });

  it("superjson codec - the default writes exactly superjson's text, as before", () => {
    const value = { id: 'j1', at: new Date(7), tags: new Set(['a']), big: 2n };
    expect(encodeEntry(eventStream('jobs'), value)).toStrictEqual({ v: stringify(value) });
    expect(encodeValue('jobs', { n: 1 })).toBe('{"json":{"n":1}}');
    expect(decodeValue('jobs', '1-0', stringify(value))).toStrictEqual(value);
  });

  it("json codec - writes JSON.stringify's text and reads JSON, within maxMessageBytes", () => {
    expect(encodeValue('jobs', { n: 1, list: [true, null, 'x'] }, Infinity, 'json')).toBe('{"n":1,"list":[true,null,"x"]}');
    expect(encodeValue('jobs', 'text', Infinity, 'json')).toBe('"text"');
    expect(encodeValue('jobs', -0, Infinity, 'json')).toBe('0');
    expect(decodeValue('jobs', '1-0', '{"n":1}', 'json')).toStrictEqual({ n: 1 });
    expect(decodeValue('jobs', '1-0', '{"json":{"n":1}}', 'json')).toStrictEqual({ json: { n: 1 } });
    expect(() => decodeValue('jobs', '1-0', '{"a":[{"constructor":1}]}', 'json')).toThrow('cannot decode entry 1-0 of stream "jobs": holds a "constructor" key (a prototype pollution risk)');
    expect(() => encodeValue('jobs', { big: 'x'.repeat(20) }, 10, 'json')).toThrow('cannot produce to "jobs": the encoded event is 30 bytes, more than maxMessageBytes (10); nothing was written');
  });
});
