import { stringify } from 'superjson';
import { eventStream } from '../../src';
import { DISPLAY_CODEC, displayValue, readByTools } from '../../src/codec/displayCodec';

describe('displayCodec', () => {
  it('displayValue - superjson text is decoded as superjson, other JSON as JSON, anything else is its raw text', () => {
    const at = new Date(Date.UTC(2024, 0, 1));
    expect(displayValue('s', '1-0', stringify({ at, tags: new Set(['a']) }))).toStrictEqual({ value: { at, tags: new Set(['a']) } });
    expect(displayValue('s', '1-0', '{"sku":"a","qty":1}')).toStrictEqual({ value: { sku: 'a', qty: 1 } });
    expect(displayValue('s', '1-0', '[1,"x"]')).toStrictEqual({ value: [1, 'x'] });
    expect(displayValue('s', '1-0', 'b|2')).toStrictEqual({ text: 'b|2' });
    expect(displayValue('s', '1-0', '{"__proto__":{"x":1}}')).toStrictEqual({ text: '{"__proto__":{"x":1}}' });
  });

  it('DISPLAY_CODEC - decodes as displayValue (the raw text when nothing reads it) and refuses to encode; readByTools keeps name and partitions', () => {
    expect([DISPLAY_CODEC.decode('{"json":{"n":1}}'), DISPLAY_CODEC.decode('{"n":1}'), DISPLAY_CODEC.decode('n=1')]).toStrictEqual([{ n: 1 }, { n: 1 }, 'n=1']);
    expect(() => DISPLAY_CODEC.encode({})).toThrow(new TypeError('a stream read by a tool is not written to'));
    const read = readByTools(eventStream('orders', { partitions: 4, key: String }));
    expect({ name: read.name, partitions: read.partitions, codec: read.codec, key: read.key }).toStrictEqual({ name: 'orders', partitions: 4, codec: DISPLAY_CODEC, key: undefined });
  });
});
