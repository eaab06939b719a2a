import { GroupInUseError, GroupNotFoundError } from '../../src';
import { groupMoveOf, LIVE_CONSUMER_MS, moveGroup, removeGroup } from '../../src/service/groupOperations';
import type { GroupSnapshot, StreamSnapshot } from '../../src/transport/StreamSnapshot';
import type { GroupAdmin, GroupMove, StreamAdmin } from '../../src/transport/StreamTransport';

/** A stream admin whose partitions hold the given groups, and a group admin that records its calls. */
function fakes(partitions: Record<string, readonly GroupSnapshot[]>) {
  const calls: string[] = [];
  const admin = {
    describe: (key: string): Promise<StreamSnapshot> => Promise.resolve({ length: 0, firstId: undefined, lastId: undefined, deadLetters: 0, groups: partitions[key] ?? [] }),
  } as unknown as StreamAdmin;
  const groups: GroupAdmin = {
    moveGroup: (key: string, group: string, to: GroupMove) => {
      calls.push(`move ${key} ${group} ${JSON.stringify(to)}`);
      return Promise.resolve((partitions[key] ?? []).some((candidate) => candidate.name === group));
    },
    removeGroup: (key: string, group: string) => {
      calls.push(`remove ${key} ${group}`);
      return Promise.resolve(true);
    },
  };
  return { admin, groups, calls };
}

const group = (name: string, consumers: [string, number][]): GroupSnapshot => ({
  name,
  consumers: consumers.map(([consumer, idleMs]) => ({ name: consumer, pending: 0, idleMs })),
  pending: 0,
  oldestPendingId: undefined,
  lag: 0,
  lastDeliveredId: '0-0',
});

describe('groupOperations', () => {
  it('groupMoveOf - start, end, a Date as the largest id before its millisecond, an id as itself', () => {
    expect([groupMoveOf('start'), groupMoveOf('end'), groupMoveOf(new Date(1700000000000)), groupMoveOf('5-1')]).toEqual(['start', 'end', { afterId: '1699999999999-18446744073709551615' }, { afterId: '5-1' }]);
    expect(() => groupMoveOf(5)).toThrow(new TypeError(`rx-redis-events: moveGroup option to must be 'start', 'end', a Date or an entry id such as 1700000000000-0, got 5`));
  });

  it('moveGroup - moves every partition; a group none has is a GroupNotFoundError', async () => {
    const { groups, calls } = fakes({ k0: [group('G', [])], k1: [group('G', [])] });
    await moveGroup(groups, 'orders', ['k0', 'k1'], 'G', 'start');
    expect(calls).toEqual(['move k0 G "start"', 'move k1 G "start"']);
    await expect(moveGroup(groups, 'orders', ['k0', 'k1'], 'H', 'end')).rejects.toThrow(new GroupNotFoundError('moveGroup', 'orders', 'H'));
  });

  it(`removeGroup - a consumer idle for less than ${LIVE_CONSUMER_MS} ms on any partition is live: refused, naming each live consumer once`, async () => {
    const { admin, groups, calls } = fakes({ k0: [group('G', [['a#1', 59_999], ['old#1', 60_000]])], k1: [group('G', [['a#1', 5], ['b#1', 0]]), group('H', [['h#1', 0]])] });
    const refusal = removeGroup(admin, groups, 'orders', ['k0', 'k1'], 'G', false);
    await expect(refusal).rejects.toThrow(new GroupInUseError('orders', 'G', ['a#1', 'b#1'], LIVE_CONSUMER_MS));
    await expect(refusal).rejects.toMatchObject({ stream: 'orders', group: 'G', consumers: ['a#1', 'b#1'], retriable: false });
    expect(calls).toEqual([]);
    await removeGroup(admin, groups, 'orders', ['k0', 'k1'], 'G', true);
    // and on each partition's wake stream of scheduled events
    expect(calls).toEqual(['remove k0 G', 'remove k1 G', 'remove k0:{k0}:scheduled:wake G', 'remove k1:{k1}:scheduled:wake G']);
  });

  it('removeGroup - consumers idle for a minute or more do not hold it back; a group none has is a GroupNotFoundError', async () => {
    const { admin, groups, calls } = fakes({ k0: [group('G', [['old#1', 60_000]])], k1: [] });
    await removeGroup(admin, groups, 'orders', ['k0', 'k1'], 'G', false);
    expect(calls).toEqual(['remove k0 G', 'remove k1 G', 'remove k0:{k0}:scheduled:wake G', 'remove k1:{k1}:scheduled:wake G']);
    await expect(removeGroup(admin, groups, 'orders', ['k0', 'k1'], 'X', false)).rejects.toThrow(new GroupNotFoundError('removeGroup', 'orders', 'X'));
  });
});
