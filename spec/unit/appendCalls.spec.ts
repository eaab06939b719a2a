import { APPEND_CHUNK, appendCalls } from '../../src/transport/redis/scripts/append';

describe('appendCalls', () => {
  it('sends the field names once per call and then the values of each entry in turn', () => {
    expect(appendCalls([{ v: '1' }, { v: '2' }, { v: '3' }])).toEqual([['1', 'v', '1', '2', '3']]);
    expect(appendCalls([{ v: '1', k: 'a' }, { v: '2', k: 'b' }])).toEqual([['2', 'v', 'k', '1', 'a', '2', 'b']]);
  });

  it('starts a new call when the field names or their order change, keeping the entries in order', () => {
    expect(appendCalls([{ v: '1' }, { v: '2', k: 'a' }, { k: 'b', v: '3' }, { k: 'c', v: '4' }, { v: '5' }])).toEqual([
      ['1', 'v', '1'],
      ['2', 'v', 'k', '2', 'a'],
      ['2', 'k', 'v', 'b', '3', 'c', '4'],
      ['1', 'v', '5'],
    ]);
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
