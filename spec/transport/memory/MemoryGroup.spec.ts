import { MemoryEntryLog } from '../../../src/transport/memory/MemoryEntryLog';
import { MemoryGroup } from '../../../src/transport/memory/MemoryGroup';

describe('MemoryGroup', () => {
  /** A group at the start of a log of `count` entries, all appended at 1000 ms. */
  const filled = (count: number) => {
    const log = new MemoryEntryLog();
    const group = new MemoryGroup(log, log.positionOf('start'));
    for (let n = 0; n < count; n++) log.append({ v: String(n) }, 1000);
    return { log, group };
  };

  it('MemoryGroup - readNew delivers entries after the last delivered once each, making them pending for the reader', () => {
    const { group } = filled(3);
    expect(group.readNew('me', 2, 1000)).toEqual([
      { id: '1000-0', fields: { v: '0' }, deliveryCount: 1 },
      { id: '1000-1', fields: { v: '1' }, deliveryCount: 1 },
    ]);
    expect(group.readNew('other', 2, 1001).map((entry) => entry.id)).toEqual(['1000-2']);
    expect(group.readNew('me', 2, 1002)).toEqual([]);
    expect(group.pendingIds()).toEqual(['1000-0', '1000-1', '1000-2']);
    expect(group.pendingInfo('1000-2')).toEqual({ consumer: 'other', deliveryCount: 1, deliveredAt: 1001 });
  });

  it('MemoryGroup - moveTo delivers the entries after the new place again, as first deliveries; the pending list stays', () => {
    const { log, group } = filled(2);
    group.readNew('me', 10, 1000);
    group.moveTo(log.positionOf({ afterId: '1000-0' }));
    expect(group.readNew('other', 10, 1100)).toEqual([{ id: '1000-1', fields: { v: '1' }, deliveryCount: 1 }]);
    expect(group.pendingInfo('1000-0')).toEqual({ consumer: 'me', deliveryCount: 1, deliveredAt: 1000 });
  });

  it('MemoryGroup - claimIdle takes other consumers’ idle entries and this consumer’s own that it does not hold', () => {
    const { group } = filled(3);
    group.readNew('other', 1, 1000);
    group.readNew('me', 2, 1000);
    const claimed = group.claimIdle('me', { minIdleMs: 100, count: 10, cursor: '0-0', holding: ['1000-1'], maxDeliveries: 10 }, 1100);
    expect(claimed).toEqual({ cursor: '0-0', entries: [
      { id: '1000-0', fields: { v: '0' }, deliveryCount: 2 },
      { id: '1000-2', fields: { v: '2' }, deliveryCount: 2 },
    ] });
    expect(group.claimIdle('me', { minIdleMs: 100, count: 10, cursor: '0-0', holding: ['1000-1'], maxDeliveries: 10 }, 1150).entries).toEqual([]);
  });

  it('MemoryGroup - claimIdle leaves held entries alone whoever owns them, until they reach maxDeliveries', () => {
    const { group } = filled(1);
    group.readNew('me', 1, 1000);
    expect(group.claimIdle('other', { minIdleMs: 100, count: 10, cursor: '0-0', holding: [], maxDeliveries: 3 }, 1100).entries.map((e) => e.deliveryCount)).toEqual([2]);
    const mine = { minIdleMs: 100, count: 10, cursor: '0-0', holding: ['1000-0'], maxDeliveries: 3 };
    expect(group.claimIdle('me', mine, 1200).entries).toEqual([]);
    expect(group.claimIdle('third', { ...mine, holding: [] }, 1300).entries.map((e) => e.deliveryCount)).toEqual([3]);
    expect(group.claimIdle('me', mine, 1400).entries.map((e) => e.deliveryCount)).toEqual([4]);
  });

  it('MemoryGroup - claimIdle walks on from its cursor and reports where it stopped', () => {
    const { group } = filled(5);
    group.readNew('other', 5, 1000);
    const first = group.claimIdle('me', { minIdleMs: 0, count: 2, cursor: '0-0', holding: [], maxDeliveries: 10 }, 1000);
    expect([first.cursor, first.entries.map((e) => e.id)]).toEqual(['1000-1', ['1000-0', '1000-1']]);
    const rest = group.claimIdle('me', { minIdleMs: 0, count: 10, cursor: first.cursor, holding: [], maxDeliveries: 10 }, 1000);
    expect([rest.cursor, rest.entries.map((e) => e.id)]).toEqual(['0-0', ['1000-2', '1000-3', '1000-4']]);
  });

  it('MemoryGroup - claimOwn and claimMine take back only the consumer’s own entries; a claim drops entries deleted from the stream', () => {
    const { log, group } = filled(3);
    group.readNew('me', 2, 1000);
    group.readNew('other', 1, 1000);
    log.delete('1000-1');
    expect(group.claimOwn('me', 10, 1100)).toEqual([{ id: '1000-0', fields: { v: '0' }, deliveryCount: 2 }]);
    expect(group.pendingIds()).toEqual(['1000-0', '1000-2']);
    expect(group.claimMine('me', ['1000-0', '1000-2'], 1200)).toEqual([{ id: '1000-0', fields: { v: '0' }, deliveryCount: 3 }]);
  });

  it('MemoryGroup - markIdle and renew change only the idle time of the consumer’s own entries, never the delivery count', () => {
    const { group } = filled(2);
    group.readNew('me', 1, 1000);
    group.readNew('other', 1, 1000);
    group.markIdle('me', ['1000-0', '1000-1'], 300, 1100);
    expect([group.pendingInfo('1000-0'), group.pendingInfo('1000-1')]).toEqual([
      { consumer: 'me', deliveryCount: 1, deliveredAt: 800 },
      { consumer: 'other', deliveryCount: 1, deliveredAt: 1000 },
    ]);
    expect(group.renew('me', ['1000-0', '1000-1', '9-9'], 1200)).toBe(1);
    expect(group.pendingInfo('1000-0')).toEqual({ consumer: 'me', deliveryCount: 1, deliveredAt: 1200 });
  });

  it('MemoryGroup - removeConsumers and expireConsumers remove only consumers that hold nothing', () => {
    const { group } = filled(1);
    group.readNew('holder', 1, 1000);
    group.readNew('idle', 1, 1000);
    group.readNew('recent', 1, 1900);
    group.readNew('kept', 1, 1000);
    expect(group.expireConsumers(500, ['kept'], 2000)).toEqual(['idle']);
    expect(group.removeConsumers(['holder', 'recent', 'unknown'])).toEqual(['recent', 'unknown']);
    expect(group.snapshot('g', 2000).consumers.map((consumer) => consumer.name)).toEqual(['holder', 'kept']);
  });

  it('MemoryGroup - neededFrom is the oldest pending entry, or the one after the last delivered', () => {
    const { group } = filled(3);
    expect(group.neededFrom()).toEqual({ ms: 0, seq: 1 });
    group.readNew('me', 2, 1000);
    expect(group.neededFrom()).toEqual({ ms: 1000, seq: 0 });
    group.ack(['1000-0', '1000-1']);
    expect(group.neededFrom()).toEqual({ ms: 1000, seq: 2 });
  });

  it('MemoryGroup - snapshot: consumers with their pending counts and idle times, the oldest pending id, the lag', () => {
    const { group } = filled(4);
    group.readNew('a', 2, 1000);
    group.readNew('b', 1, 1500);
    group.ack(['1000-0']);
    expect(group.snapshot('g', 2000)).toEqual({
      name: 'g',
      consumers: [{ name: 'a', pending: 1, idleMs: 1000 }, { name: 'b', pending: 1, idleMs: 500 }],
      pending: 2,
      oldestPendingId: '1000-1',
      lag: 1,
      lastDeliveredId: '1000-2',
    });
  });
});
