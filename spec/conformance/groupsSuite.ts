import { eventStream, GroupInUseError, GroupNotFoundError, type Delivery, type EventService, type EventStream } from '../../src';
import { idTime } from '../../src/internal/streamId';
import type { BackendContext } from './backend';
import { collect, uniqueName, waitForGroups } from './helpers';
import { eventually, sleep } from '../support/eventually';

interface Move {
  readonly player: string;
  readonly n: number;
}

const PLAYERS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const shown = (deliveries: readonly Delivery<Move>[]) => deliveries.map((delivery) => `${delivery.value.player}${delivery.value.n}:${delivery.deliveryCount}`).sort();

/** Consumes exactly `count` deliveries of the group and acks them all. */
async function consumeAll(service: EventService, stream: EventStream<Move>, count: number): Promise<Delivery<Move>[]> {
  const got = await collect(service.consume(stream, { from: 'start' }), count);
  await Promise.all(got.map((delivery) => delivery.ack()));
  return got;
}

/** Produces `values` one millisecond apart or more, so that a moment separates any two of them; resolves with their ids. */
async function produceApart<T>(produce: (value: T) => Promise<string[]>, values: readonly T[]): Promise<string[]> {
  const ids: string[] = [];
  for (const value of values) {
    const [id] = await produce(value);
    ids.push(id as string);
    await sleep(3);
  }
  return ids;
}

/** Where a consumer group starts (`consume`'s `from`: a moment, an id), and moving and removing groups. */
export function groupsSuite(ctx: () => BackendContext): void {
  it('consume from - a Date starts a new group at the events produced at or after that moment', async () => {
    const numbers = eventStream<number>(uniqueName('numbers'));
    const service = ctx().createService({ group: 'late' });
    const ids = await produceApart((n) => service.produce(numbers, n), [1, 2, 3, 4]);
    const moment = idTime(ids[2] as string); // the millisecond of 3
    const got = await collect(service.consume(numbers, { from: moment }), 2);
    expect(got.map((delivery) => [delivery.id, delivery.value, delivery.deliveryCount])).toEqual([
      [ids[2], 3, 1],
      [ids[3], 4, 1],
    ]);
    await Promise.all(got.map((delivery) => delivery.ack()));
    await service.produce(numbers, 5);
    const [next] = await collect(service.consume(numbers), 1);
    expect(next?.value).toBe(5);
  });

  it('consume from - an entry id starts a new group after that id', async () => {
    const numbers = eventStream<number>(uniqueName('numbers'));
    const service = ctx().createService({ group: 'after' });
    const ids = await service.produce(numbers, 1, 2, 3, 4);
    const got = await collect(service.consume(numbers, { from: ids[1] as string }), 2);
    expect(got.map((delivery) => [delivery.id, delivery.value])).toEqual([
      [ids[2], 3],
      [ids[3], 4],
    ]);
  });

  it('consume from - a Date applies to every partition of a partitioned stream', async () => {
    const moves = eventStream<{ player: string; n: number }>(uniqueName('moves'), { partitions: 4, key: (move) => move.player });
    const service = ctx().createService({ group: 'late' });
    await service.produce(moves, ...['a', 'b', 'c', 'd', 'e', 'f'].map((player) => ({ player, n: 1 })));
    await sleep(3);
    const second = await service.produce(moves, ...['a', 'b', 'c', 'd', 'e', 'f'].map((player) => ({ player, n: 2 })));
    // the earliest moment of the second call: its partitions may be appended at different milliseconds (on a cluster, by different masters)
    const moment = new Date(Math.min(...second.map((id) => idTime(id).getTime())));
    const got = await collect(service.consume(moves, { from: moment }), 6);
    expect(got.map((delivery) => `${delivery.value.player}${delivery.value.n}`).sort()).toEqual(['a2', 'b2', 'c2', 'd2', 'e2', 'f2']);
  });

  it('consume from - a string that is neither start, new nor an entry id is a TypeError naming the option', () => {
    const numbers = eventStream<number>(uniqueName('numbers'));
    const service = ctx().createService({ group: 'G' });
    expect(() => service.consume(numbers, { from: 'yesterday' })).toThrow(new TypeError(`rx-redis-events: consume option from must be 'new', 'start', a Date or an entry id such as 1700000000000-0, got "yesterday"`));
    expect(() => service.consume(numbers, { from: new Date(Number.NaN) })).toThrow(new TypeError(`rx-redis-events: consume option from must be 'new', 'start', a Date or an entry id such as 1700000000000-0, got an invalid Date`));
    expect(() => service.consume(numbers, { from: '1-99999999999999999999' })).toThrow(TypeError);
  });

  it('moveGroup - moves the group on each of 4 partitions: events after a moment, the whole stream, then only new ones, as first deliveries', async () => {
    const moves = eventStream<Move>(uniqueName('moves'), { partitions: 4, key: (move) => move.player });
    const service = ctx().createService({ group: 'G' });
    await service.produce(moves, ...PLAYERS.map((player) => ({ player, n: 1 })));
    await sleep(3);
    const second = await service.produce(moves, ...PLAYERS.map((player) => ({ player, n: 2 })));
    expect(shown(await consumeAll(service, moves, 16))).toHaveLength(16);
    await eventually('all acked', async () => (await service.describe(moves)).groups[0]?.pending === 0);

    // the earliest moment of the second call (on a cluster its partitions are appended by different masters)
    await service.moveGroup(moves, { to: new Date(Math.min(...second.map((id) => idTime(id).getTime()))) });
    const [group] = (await service.describe(moves)).groups;
    expect([group?.name, group?.lag, group?.pending]).toEqual(['G', 8, 0]);
    expect(shown(await consumeAll(service, moves, 8))).toEqual(PLAYERS.map((player) => `${player}2:1`));

    await service.moveGroup(moves, { to: 'start' });
    expect((await service.describe(moves)).groups[0]?.lag).toBe(16);
    expect(shown(await consumeAll(service, moves, 16))).toEqual(PLAYERS.flatMap((player) => [`${player}1:1`, `${player}2:1`]));

    await service.moveGroup(moves, { to: 'end' });
    expect((await service.describe(moves)).groups[0]?.lag).toBe(0);
    await service.produce(moves, { player: 'a', n: 3 });
    expect(shown(await consumeAll(service, moves, 1))).toEqual(['a3:1']);
  });

  it('moveGroup - to an entry id, another group than the service\'s; pending entries stay pending', async () => {
    const numbers = eventStream<number>(uniqueName('numbers'));
    const ops = ctx().createService({ group: 'ops' });
    const worker = ctx().createService({ group: 'W', consumer: 'w' });
    const ids = await ops.produce(numbers, 1, 2, 3, 4, 5);
    const got = await collect(worker.consume(numbers, { from: 'start', maxInFlight: 5 }), 5);
    await Promise.all(got.filter((delivery) => delivery.value !== 2).map((delivery) => delivery.ack())); // 2 stays pending
    await eventually('4 acked', async () => (await ctx().pendingCount(numbers.name, 'W')) === 1);

    await ops.moveGroup(numbers, { group: 'W', to: ids[2] as string });
    const [group] = (await ops.describe(numbers)).groups.filter((candidate) => candidate.name === 'W');
    expect([group?.lag, group?.pending, group?.oldestPendingId, group?.lastDeliveredId]).toEqual([2, 1, ids[1], ids[2]]);
    const again = await collect(worker.consume(numbers), 2);
    expect(again.map((delivery) => [delivery.id, delivery.value, delivery.deliveryCount])).toEqual([
      [ids[3], 4, 1],
      [ids[4], 5, 1],
    ]);
  });

  it('moveGroup - a group the stream does not have is a GroupNotFoundError naming it; a bad position is a TypeError', async () => {
    const numbers = eventStream<number>(uniqueName('numbers'), { partitions: 2 });
    const service = ctx().createService({ group: 'G' });
    await service.produce(numbers, 1);
    await expect(service.moveGroup(numbers, { to: 'start', group: 'nobody' })).rejects.toThrow(new GroupNotFoundError('moveGroup', numbers.name, 'nobody'));
    await expect(service.moveGroup(numbers, { to: 'start', group: 'nobody' })).rejects.toThrow(`moveGroup: stream "${numbers.name}" has no group "nobody"`);
    await expect(service.moveGroup(numbers, { to: 'later' })).rejects.toThrow(new TypeError(`rx-redis-events: moveGroup option to must be 'start', 'end', a Date or an entry id such as 1700000000000-0, got "later"`));
    expect(await ctx().streamLength(`${numbers.name}:{0}`)).toBeGreaterThanOrEqual(0);
  });

  it('removeGroup - refuses while a consumer of the group was active in the last minute, naming them; force removes it on every partition, dead letters stay', async () => {
    const moves = eventStream<Move>(uniqueName('moves'), { partitions: 2, key: (move) => move.player });
    const ops = ctx().createService({ group: 'ops' });
    const worker = ctx().createService({ group: 'W', consumer: 'w', onError: () => undefined });
    const other = ctx().createService({ group: 'W', consumer: 'v' });
    await ops.produce(moves, ...PLAYERS.map((player) => ({ player, n: 1 })));
    const got = await collect(worker.consume(moves, { from: 'start', maxDeliveries: 1 }), 8);
    await got[0]?.nack({ error: new Error('bad move') }); // dead-lettered
    await Promise.all(got.slice(1).map((delivery) => delivery.ack()));
    // (Redis 7.0 lists a consumer once a read brought it entries)
    const running = other.consume(moves).subscribe((delivery) => void delivery.ack());
    await waitForGroups(ops, moves, ['W']);
    await ops.produce(moves, { player: 'a', n: 2 });
    await eventually('v read', async () => (await ops.describe(moves)).groups.some((group) => group.consumers.some((consumer) => consumer.name === 'v#1')));

    const refusal = ops.removeGroup(moves, 'W');
    await expect(refusal).rejects.toThrow(new GroupInUseError(moves.name, 'W', ['v#1', 'w#1'], 60_000));
    await expect(refusal).rejects.toThrow(`removeGroup: group "W" of stream "${moves.name}" has live consumers (active within the last 60 s): v#1, w#1; stop them first, or pass { force: true }`);
    expect((await ops.describe(moves)).groups.map((group) => group.name)).toEqual(['W']);

    running.unsubscribe();
    await ops.removeGroup(moves, 'W', { force: true });
    const after = await ops.describe(moves);
    expect([after.groups, after.partitions.map((partition) => partition.groups), after.deadLetters]).toEqual([[], [[], []], 1]);
    expect((await ops.deadLetters(moves)).map((letter) => [letter.group, letter.value])).toEqual([['W', got[0]?.value]]);
    await expect(ops.removeGroup(moves, 'W')).rejects.toThrow(`removeGroup: stream "${moves.name}" has no group "W"`);
  });

  it('removeGroup - retention then trims what only the removed group held', async () => {
    const numbers = eventStream<number>(uniqueName('numbers'), { retention: { maxLength: 2 } });
    const ops = ctx().createService({ group: 'ops' });
    const slow = ctx().createService({ group: 'slow', consumer: 's' });
    await ops.produce(numbers, 1);
    await collect(slow.consume(numbers, { from: 'start', maxInFlight: 1 }), 1); // holds 1, reads nothing after it
    await ops.produce(numbers, 2, 3, 4, 5, 6);
    await ops.trim(numbers);
    expect(await ctx().streamLength(numbers.name)).toBe(6);
    await ops.removeGroup(numbers, 'slow', { force: true });
    expect(await ops.trim(numbers)).toBe(4);
    expect((await ops.read(numbers)).entries.map((entry) => entry.value)).toEqual([5, 6]);
  });
}
