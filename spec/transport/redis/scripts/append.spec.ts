import { APPEND_CHUNK, appendCalls } from '../../../../src/transport/redis/scripts/append';

describe('appendCalls', () => {
  it('sends the field names once per call and then the values of each entry in turn', () => {
    expect(appendCalls([{ v: '1' }, { v: '2' }, { v: '3' }])).toEqual([['1', 'v', '1', '2', '3']]);
    expect(appendCalls([{ v: '1', k: 'a' }, { v: '2', k: 'b' }])).toEqual([['2', 'v', 'k', '1', 'a', '2', 'b']]);
  });

  it('lists each entry’s fields in a chunk whose entries differ in names or their order, keeping them in order', () => {
    expect(appendCalls([{ v: '1' }, { v: '2', k: 'a' }, { k: 'b', v: '3' }, { v: '4' }])).toEqual([['0', '1', 'v', '1', '2', 'v', '2', 'k', 'a', '2', 'k', 'b', 'v', '3', '1', 'v', '4']]);
  });

  it('decides per chunk: a uniform chunk shares its names even when another chunk is mixed', () => {
    const entries = [...Array.from({ length: APPEND_CHUNK }, (_, n) => ({ v: String(n) })), { v: 'x' }, { v: 'y', k: 'z' }];
    const [uniform, mixed] = appendCalls(entries);
    expect(uniform?.slice(0, 3)).toEqual(['1', 'v', '0']);
    expect(uniform).toHaveLength(APPEND_CHUNK + 2);
    expect(mixed).toEqual(['0', '1', 'v', 'x', '2', 'v', 'y', 'k', 'z']);
  });

  it(`puts at most ${APPEND_CHUNK} entries in one call`, () => {
    const calls = appendCalls(Array.from({ length: 2 * APPEND_CHUNK + 1 }, (_, n) => ({ v: String(n) })));
    expect(calls.map((call) => call.length - 2)).toEqual([APPEND_CHUNK, APPEND_CHUNK, 1]);
    expect(calls.flatMap((call) => call.slice(2))).toEqual(Array.from({ length: 2 * APPEND_CHUNK + 1 }, (_, n) => String(n)));
  });

  it('refuses an entry without fields with a TypeError, and makes no call for no entries', () => {
    expect(() => appendCalls([{ v: '1' }, {}])).toThrow(new TypeError('rx-redis-events: a stream entry needs at least one field'));
    expect(appendCalls([])).toEqual([]);
  });
});
