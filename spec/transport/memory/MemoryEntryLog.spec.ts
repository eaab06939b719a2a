import { MemoryEntryLog } from '../../../src/transport/memory/MemoryEntryLog';

describe('MemoryEntryLog', () => {
  const filled = (count: number, now = 1000) => {
    const log = new MemoryEntryLog();
    for (let n = 0; n < count; n++) log.append({ v: String(n) }, now);
    return log;
  };

  it('MemoryEntryLog - ids are <ms>-<seq>, increasing within a millisecond and never 0-0', () => {
    const log = new MemoryEntryLog();
    expect([log.append({}, 0), log.append({}, 0), log.append({}, 5), log.append({}, 3)]).toEqual(['0-1', '0-2', '5-0', '5-1']);
  });

  it('MemoryEntryLog - an entry keeps a copy of its fields', () => {
    const log = new MemoryEntryLog();
    const fields: Record<string, string> = { v: 'a' };
    const id = log.append(fields, 7);
    fields.v = 'b';
    expect(log.find(id)?.fields).toEqual({ v: 'a' });
  });

  it('MemoryEntryLog - find and delete by id; ids keep growing after the last entry is deleted', () => {
    const log = filled(3);
    expect(log.find('1000-1')).toEqual({ id: '1000-1', sid: { ms: 1000, seq: 1 }, fields: { v: '1' } });
    expect([log.find('1000-3'), log.find('not-an-id')]).toEqual([undefined, undefined]);
    expect([log.delete('1000-2'), log.delete('1000-2')]).toEqual([true, false]);
    expect([log.length, log.firstId(), log.lastId()]).toEqual([2, '1000-0', '1000-1']);
    expect(log.append({ v: '3' }, 1000)).toBe('1000-3');
  });

  it('MemoryEntryLog - ranges from the oldest and after an id (exclusive), at most count', () => {
    const log = filled(4);
    expect(log.range(2)).toEqual([{ id: '1000-0', fields: { v: '0' } }, { id: '1000-1', fields: { v: '1' } }]);
    expect(log.rangeAfter({ ms: 1000, seq: 1 }, 10).map((entry) => entry.id)).toEqual(['1000-2', '1000-3']);
    expect(log.firstAfter({ ms: 1000, seq: 3 })).toBe(4);
    expect(log.at(2)).toEqual({ id: '1000-2', sid: { ms: 1000, seq: 2 }, fields: { v: '2' } });
  });

  it('MemoryEntryLog - positionOf: before every entry, after the last id ever appended, or after a given id', () => {
    const log = filled(2);
    log.delete('1000-1');
    expect(log.positionOf('start')).toEqual({ sid: { ms: 0, seq: 0 }, id: '0-0' });
    expect(log.positionOf('end')).toEqual({ sid: { ms: 1000, seq: 1 }, id: '1000-1' });
    expect(log.positionOf({ afterId: '5-3' })).toEqual({ sid: { ms: 5, seq: 3 }, id: '5-3' });
    expect(() => log.positionOf({ afterId: 'x' })).toThrow(new Error('Invalid stream ID specified as stream command argument: x'));
  });

  it('MemoryEntryLog - trimLimit keeps the higher of the time and length limits; removeBefore removes what is before it', () => {
    const log = new MemoryEntryLog();
    for (const now of [10, 10, 20, 30]) log.append({}, now);
    expect(log.trimLimit({ unsafe: false })).toBeUndefined();
    expect(log.trimLimit({ maxLength: 4, unsafe: false })).toBeUndefined();
    expect(log.trimLimit({ maxLength: 2, unsafe: false })).toEqual({ ms: 10, seq: 2 });
    expect(log.trimLimit({ maxLength: 2, minTimestampMs: 25.5, unsafe: false })).toEqual({ ms: 25, seq: 0 });
    expect(log.trimLimit({ maxLength: 3, minTimestampMs: 5, unsafe: false })).toEqual({ ms: 10, seq: 1 });
    expect(log.removeBefore({ ms: 10, seq: 2 })).toBe(2);
    expect(log.range(10).map((entry) => entry.id)).toEqual(['20-0', '30-0']);
  });
});
