import { MemoryStream } from '../../../src/transport/memory/MemoryStream';

describe('MemoryStream', () => {
  const filled = (count: number) => {
    const stream = new MemoryStream();
    stream.ensureGroup('g', 'start');
    for (let n = 0; n < count; n++) stream.append({ v: String(n) }, 1000);
    return stream;
  };

  it('MemoryStream - ids are <ms>-<seq>, increasing within a millisecond and never 0-0', () => {
    const stream = new MemoryStream();
    expect([stream.append({}, 0), stream.append({}, 0), stream.append({}, 5), stream.append({}, 3)]).toEqual(['0-1', '0-2', '5-0', '5-1']);
  });

  it('MemoryStream - claimIdle takes other consumers’ idle entries and this consumer’s own that it does not hold', () => {
    const stream = filled(3);
    stream.readNew('g', 'other', 1, 1000);
    stream.readNew('g', 'me', 2, 1000);
    const claimed = stream.claimIdle('g', 'me', { minIdleMs: 100, count: 10, cursor: '0-0', holding: ['1000-1'], maxDeliveries: 10 }, 1100);
    expect(claimed).toEqual({ cursor: '0-0', entries: [
      { id: '1000-0', fields: { v: '0' }, deliveryCount: 2 },
      { id: '1000-2', fields: { v: '2' }, deliveryCount: 2 },
    ] });
    expect(stream.claimIdle('g', 'me', { minIdleMs: 100, count: 10, cursor: '0-0', holding: ['1000-1'], maxDeliveries: 10 }, 1150).entries).toEqual([]);
  });

  it('MemoryStream - claimIdle leaves held entries alone whoever owns them, until they reach maxDeliveries', () => {
    const stream = filled(1);
    stream.readNew('g', 'me', 1, 1000);
    expect(stream.claimIdle('g', 'other', { minIdleMs: 100, count: 10, cursor: '0-0', holding: [], maxDeliveries: 3 }, 1100).entries.map((e) => e.deliveryCount)).toEqual([2]);
    const mine = { minIdleMs: 100, count: 10, cursor: '0-0', holding: ['1000-0'], maxDeliveries: 3 };
    expect(stream.claimIdle('g', 'me', mine, 1200).entries).toEqual([]);
    expect(stream.claimIdle('g', 'third', { ...mine, holding: [] }, 1300).entries.map((e) => e.deliveryCount)).toEqual([3]);
    expect(stream.claimIdle('g', 'me', mine, 1400).entries.map((e) => e.deliveryCount)).toEqual([4]);
  });

  it('MemoryStream - claimIdle walks on from its cursor and reports where it stopped', () => {
    const stream = filled(5);
    stream.readNew('g', 'other', 5, 1000);
    const first = stream.claimIdle('g', 'me', { minIdleMs: 0, count: 2, cursor: '0-0', holding: [], maxDeliveries: 10 }, 1000);
    expect([first.cursor, first.entries.map((e) => e.id)]).toEqual(['1000-1', ['1000-0', '1000-1']]);
    const rest = stream.claimIdle('g', 'me', { minIdleMs: 0, count: 10, cursor: first.cursor, holding: [], maxDeliveries: 10 }, 1000);
    expect([rest.cursor, rest.entries.map((e) => e.id)]).toEqual(['0-0', ['1000-2', '1000-3', '1000-4']]);
  });

  it('MemoryStream - trim stops at the oldest entry a group still needs unless unsafe', () => {
    const stream = filled(10);
    stream.readNew('g', 'me', 4, 1000);
    stream.ack('g', ['1000-0', '1000-1']);
    expect(stream.trim({ maxLength: 3, unsafe: false })).toBe(2);
    expect(stream.length).toBe(8);
    expect(stream.trim({ maxLength: 3, unsafe: true })).toBe(5);
    expect(stream.range(10).map((e) => e.id)).toEqual(['1000-7', '1000-8', '1000-9']);
  });
});
