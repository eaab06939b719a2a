import { toReadEntriesByStream } from '../../../src/transport/redis/replies';

const bytes = (text: string) => Buffer.from(text, 'utf8');
/** The entries of a reply over one stream. */
const toReadEntriesFromBytes = (reply: unknown) => toReadEntriesByStream(reply).flatMap((stream) => stream.entries);

describe('toReadEntriesByStream', () => {
  it('reads a reply over several streams by stream, in reply order, in RESP2 (pairs) and RESP3 (flattened map) shape', () => {
    const first = [[bytes('1-0'), [bytes('v'), bytes('{"json":1}')]]];
    const second = [[bytes('2-0'), [bytes('v'), bytes('{"json":2}')]], [bytes('2-1'), [bytes('v'), bytes('{"json":3}')]]];
    const expected = [
      { key: 'a', entries: [{ id: '1-0', fields: { v: '{"json":1}' }, deliveryCount: 1 }] },
      { key: 'b:{p1-0}', entries: [{ id: '2-0', fields: { v: '{"json":2}' }, deliveryCount: 1 }, { id: '2-1', fields: { v: '{"json":3}' }, deliveryCount: 1 }] },
    ];
    expect(toReadEntriesByStream([[bytes('a'), first], [bytes('b:{p1-0}'), second]])).toEqual(expected);
    expect(toReadEntriesByStream([bytes('a'), first, bytes('b:{p1-0}'), second])).toEqual(expected);
    expect(toReadEntriesByStream([bytes('a'), null])).toEqual([{ key: 'a', entries: [] }]);
  });


  it('turns an XREADGROUP reply of bulk strings into entries, first deliveries, in reply order', () => {
    const reply = [
      [
        bytes('s:orders'),
        [
          [bytes('1700000000000-0'), [bytes('v'), bytes('{"json":1}'), bytes('k'), bytes('customer-7')]],
          [bytes('1700000000000-1'), [bytes('v'), bytes('{"json":"Grüße, 世界 🎉"}'), bytes('traceparent'), bytes('00-abc-01')]],
        ],
      ],
    ];
    expect(toReadEntriesFromBytes(reply)).toEqual([
      { id: '1700000000000-0', fields: { v: '{"json":1}', k: 'customer-7' }, deliveryCount: 1 },
      { id: '1700000000000-1', fields: { v: '{"json":"Grüße, 世界 🎉"}', traceparent: '00-abc-01' }, deliveryCount: 1 },
    ]);
  });

  it('decodes names and values as UTF-8 the way string replies do, one-byte names included', () => {
    const names = ['é', 'ü', '世', 'a', '\u0000', '~', 'field name'];
    const flat = names.flatMap((name, index) => [bytes(name), bytes(`value ${index} ✓`)]);
    const invalid = Buffer.from([0xc3]); // a lone lead byte: what Buffer#toString() gives for it
    const [entry] = toReadEntriesFromBytes([[bytes('s'), [[bytes('1-0'), [...flat, invalid, invalid]]]]]);
    expect(entry?.fields).toEqual({ ...Object.fromEntries(names.map((name, index) => [name, `value ${index} ✓`])), [invalid.toString()]: invalid.toString() });
    expect(Object.keys(entry?.fields ?? {})).toHaveLength(names.length + 1);
  });

  it('keeps a field named __proto__ as an own field, never setting the prototype', () => {
    const [entry] = toReadEntriesFromBytes([[bytes('s'), [[bytes('1-0'), [bytes('__proto__'), bytes('{"polluted":true}'), bytes('v'), bytes('{"json":2}')]]]]]);
    const fields = entry?.fields as Record<string, unknown>;
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(fields, '__proto__')?.value).toBe('{"polluted":true}');
    expect(fields.v).toBe('{"json":2}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('skips deleted entries (null fields) and reads nothing from an empty or timed-out reply', () => {
    const reply = [[bytes('s'), [[bytes('1-0'), null], [bytes('2-0'), [bytes('v'), bytes('{"json":3}')]]]]];
    expect(toReadEntriesFromBytes(reply)).toEqual([{ id: '2-0', fields: { v: '{"json":3}' }, deliveryCount: 1 }]);
    expect(toReadEntriesFromBytes(null)).toEqual([]);
    expect(toReadEntriesFromBytes([])).toEqual([]);
    expect(toReadEntriesFromBytes([[bytes('s'), []]])).toEqual([]);
  });

  it('ignores a trailing name without a value, as the string reply did', () => {
    const [entry] = toReadEntriesFromBytes([[bytes('s'), [[bytes('1-0'), [bytes('v'), bytes('{"json":4}'), bytes('dangling')]]]]]);
    expect(entry?.fields).toEqual({ v: '{"json":4}' });
  });
});
