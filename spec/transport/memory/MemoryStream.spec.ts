import { MemoryStream, MissingGroupError } from '../../../src/transport/memory/MemoryStream';
import type { ReadEntry } from '../../../src/transport/StreamTransport';

describe('MemoryStream', () => {
  const filled = (count: number) => {
    const stream = new MemoryStream();
    stream.ensureGroup('g', 'start');
    for (let n = 0; n < count; n++) stream.append({ v: String(n) }, 1000);
    return stream;
  };

  it('MemoryStream - trim stops at the oldest entry a group still needs unless unsafe', () => {
    const stream = filled(10);
    stream.readNew('g', 'me', 4, 1000);
    stream.group('g').ack(['1000-0', '1000-1']);
    expect(stream.trim({ maxLength: 3, unsafe: false })).toBe(2);
    expect(stream.length).toBe(8);
    expect(stream.trim({ maxLength: 3, unsafe: true })).toBe(5);
    expect(stream.range(10).map((e) => e.id)).toEqual(['1000-7', '1000-8', '1000-9']);
  });

  it('MemoryStream - trim is bounded by the group that needs the oldest entry; without limits it removes nothing', () => {
    const stream = filled(6);
    stream.ensureGroup('behind', 'start');
    stream.readNew('g', 'me', 6, 1000);
    stream.readNew('behind', 'me', 2, 1000);
    stream.group('behind').ack(['1000-0', '1000-1']);
    expect(stream.trim({ unsafe: false })).toBe(0);
    expect(stream.trim({ maxLength: 1, unsafe: false })).toBe(0);
    stream.group('g').ack(['1000-0', '1000-1', '1000-2', '1000-3', '1000-4', '1000-5']);
    expect(stream.trim({ maxLength: 1, unsafe: false })).toBe(2);
    expect(stream.range(10).map((e) => e.id)).toEqual(['1000-2', '1000-3', '1000-4', '1000-5']);
  });

  it('MemoryStream - groups: ensureGroup leaves a group where it is, new starts after the last id; a missing group is NOGROUP', () => {
    const stream = filled(2);
    stream.ensureGroup('g', 'new');
    stream.ensureGroup('late', 'new');
    expect([stream.readNew('g', 'me', 10, 1000).length, stream.readNew('late', 'me', 10, 1000).length]).toEqual([2, 0]);
    expect(() => stream.group('nope')).toThrow(new MissingGroupError('nope'));
    expect(() => stream.assertGroup('nope')).toThrow('NOGROUP no consumer group "nope" for this stream');
    expect([stream.existingGroup('nope'), stream.pendingIds('nope')]).toEqual([undefined, []]);
    expect([stream.moveGroup('g', 'start'), stream.moveGroup('nope', 'start')]).toEqual([true, false]);
    expect(stream.readNew('g', 'me', 10, 1000).map((e) => e.id)).toEqual(['1000-0', '1000-1']);
    expect([stream.removeGroup('g'), stream.removeGroup('g')]).toEqual([true, false]);
  });

  it('MemoryStream - serveWaiters hands new entries to blocked readers in the order they started waiting', () => {
    const stream = filled(0);
    const got: [string, ReadEntry[]][] = [];
    const waiter = (consumer: string) => ({ group: 'g', consumer, count: 1, resolve: (entries: ReadEntry[]) => got.push([consumer, entries]) });
    stream.wait(waiter('first'));
    const removeSecond = stream.wait(waiter('second'));
    stream.wait(waiter('third'));
    removeSecond();
    stream.append({ v: 'a' }, 5);
    stream.serveWaiters(5);
    expect(got).toEqual([['first', [{ id: '5-0', fields: { v: 'a' }, deliveryCount: 1 }]]]);
    stream.append({ v: 'b' }, 6);
    stream.serveWaiters(6);
    expect(got.map(([consumer, entries]) => `${consumer}:${entries.map((e) => e.id).join()}`)).toEqual(['first:5-0', 'third:6-0']);
  });

  it('MemoryStream - snapshot: length, first and last ids, and each group', () => {
    const stream = filled(3);
    stream.readNew('g', 'me', 1, 1000);
    expect(stream.snapshot(1500)).toEqual({
      length: 3,
      firstId: '1000-0',
      lastId: '1000-2',
      groups: [{ name: 'g', consumers: [{ name: 'me', pending: 1, idleMs: 500 }], pending: 1, oldestPendingId: '1000-0', lag: 2, lastDeliveredId: '1000-0' }],
    });
    expect([stream.fields('1000-1'), stream.lastId(), stream.rangeAfter({ ms: 1000, seq: 1 }, 5).map((e) => e.id)]).toEqual([{ v: '1' }, '1000-2', ['1000-2']]);
    expect([stream.delete('1000-2'), stream.lastId()]).toEqual([true, '1000-1']);
  });
});
