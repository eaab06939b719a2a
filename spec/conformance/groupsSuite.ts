import { eventStream } from '../../src';
import { idTime } from '../../src/internal/streamId';
import type { BackendContext } from './backend';
import { collect, uniqueName } from './helpers';
import { sleep } from '../support/eventually';

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
    const [first] = await service.produce(moves, ...['a', 'b', 'c', 'd', 'e', 'f'].map((player) => ({ player, n: 2 })));
    const got = await collect(service.consume(moves, { from: idTime(first as string) }), 6);
    expect(got.map((delivery) => `${delivery.value.player}${delivery.value.n}`).sort()).toEqual(['a2', 'b2', 'c2', 'd2', 'e2', 'f2']);
  });

  it('consume from - a string that is neither start, new nor an entry id is a TypeError naming the option', () => {
    const numbers = eventStream<number>(uniqueName('numbers'));
    const service = ctx().createService({ group: 'G' });
    expect(() => service.consume(numbers, { from: 'yesterday' })).toThrow(new TypeError(`rx-redis-events: consume option from must be 'new', 'start', a Date or an entry id such as 1700000000000-0, got "yesterday"`));
    expect(() => service.consume(numbers, { from: new Date(Number.NaN) })).toThrow(new TypeError(`rx-redis-events: consume option from must be 'new', 'start', a Date or an entry id such as 1700000000000-0, got an invalid Date`));
    expect(() => service.consume(numbers, { from: '1-99999999999999999999' })).toThrow(TypeError);
  });
}
