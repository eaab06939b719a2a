import { ackAfter, eventStream, type Delivery } from '../../src';
import { partitionOf } from '../../src/partitions/partitionOf';
import { partitionKeys } from '../../src/partitions/streamLayout';
import type { BackendContext } from './backend';
import { collect, uniqueName } from './helpers';
import { eventually, sleep } from '../support/eventually';

interface Move {
  player: string;
  n: number;
}

const moves = (players: number, each: number): Move[] =>
  Array.from({ length: each }, (_, n) => Array.from({ length: players }, (_, p) => ({ player: `player-${p}`, n }))).flat();

/** Streams of several partitions (`partitions: N`): routing, reading every partition, dead letters and retention per partition. */
export function partitionSuite(ctx: () => BackendContext): void {
  const stream = (partitions: number, options: { key?: boolean; maxLength?: number } = {}) =>
    eventStream<Move>(uniqueName('moves'), {
      partitions,
      ...(options.key === false ? {} : { key: (move: Move) => move.player }),
      ...(options.maxLength === undefined ? {} : { retention: { maxLength: options.maxLength } }),
    });
  /** Entries in each partition's Redis stream (keys relative to the test's prefix). */
  const lengths = (moveStream: ReturnType<typeof stream>) => Promise.all(partitionKeys('', moveStream).map((key) => ctx().streamLength(key)));

  it('partitions - an event goes to partition fnv1a32(key) mod N; one consumer reads every partition, each key in produce order', async () => {
    const moveStream = stream(4);
    const service = ctx().createService({ group: 'G' });
    const all = moves(10, 5);
    const ids = await service.produce(moveStream, ...all);
    expect(ids).toHaveLength(50);
    const expected = [0, 0, 0, 0];
    for (const move of all) expected[partitionOf(move.player, 4)] = (expected[partitionOf(move.player, 4)] ?? 0) + 1;
    expect(await lengths(moveStream)).toEqual(expected);

    const got = await collect(service.consume(moveStream, { from: 'start' }), 50);
    expect(new Set(got.map((delivery) => delivery.id))).toEqual(new Set(ids));
    for (let p = 0; p < 10; p++) {
      const player = `player-${p}`;
      expect(got.filter((delivery) => delivery.key === player).map((delivery) => delivery.value.n)).toEqual([0, 1, 2, 3, 4]);
    }
    await Promise.all(got.map((delivery) => delivery.ack()));
  });

  it('partitions - events without a key are spread round robin', async () => {
    const moveStream = stream(3, { key: false });
    const service = ctx().createService({ group: 'G' });
    await service.produce(moveStream, ...moves(1, 7));
    await service.produce(moveStream, ...moves(1, 2));
    expect(await lengths(moveStream)).toEqual([3, 3, 3]);
  });

  it('partitions - two instances of a group share the partitions, and every group gets every event', async () => {
    const moveStream = stream(4);
    const producer = ctx().createService({ group: 'P' });
    const handled: Record<string, number[]> = { a1: [], a2: [], b: [] };
    const consume = (group: string, name: string) =>
      ctx()
        .createService({ group, consumer: name })
        .consume(moveStream, { from: 'start', maxInFlight: 4 })
        .pipe(
          ackAfter(async (delivery: Delivery<Move>) => {
            handled[name]?.push(delivery.value.n);
            await sleep(1); // a handler that takes time: the other instance gets its share meanwhile
          }),
        )
        .subscribe();
    const subscriptions = [consume('A', 'a1'), consume('A', 'a2'), consume('B', 'b')];
    await eventually('the groups', async () => (await ctx().pendingCount(partitionKeys('', moveStream)[3] as string, 'B').catch(() => -1)) === 0);
    await producer.produce(moveStream, ...moves(20, 10));
    await eventually('200 events for each group', () => (handled.a1?.length ?? 0) + (handled.a2?.length ?? 0) === 200 && handled.b?.length === 200, 20_000);
    subscriptions.forEach((subscription) => subscription.unsubscribe());
    expect(handled.a1?.length).toBeGreaterThan(0);
    expect(handled.a2?.length).toBeGreaterThan(0);
  }, 30_000);

  it('partitions - dead letters of every partition are listed oldest first and redriven to their own partition', async () => {
    const moveStream = stream(4);
    const service = ctx().createService({ group: 'G' });
    const ids = await service.produce(moveStream, ...moves(8, 1));
    const got = await collect(service.consume(moveStream, { from: 'start', maxDeliveries: 1 }), 8);
    await Promise.all(got.map((delivery) => delivery.nack({ error: new Error(`no ${delivery.value.player}`) })));
    const letters = await service.deadLetters(moveStream);
    expect(letters.map((letter) => letter.sourceId).sort()).toEqual([...ids].sort());
    expect(letters.map((letter) => letter.id)).toEqual([...letters.map((letter) => letter.id)].sort((a, b) => Number(a.split('-')[0]) - Number(b.split('-')[0]) || Number(a.split('-')[1]) - Number(b.split('-')[1])));
    expect(await service.deadLetters(moveStream, { limit: 3 })).toEqual(letters.slice(0, 3));
    const before = await lengths(moveStream);

    const redriven = await service.redrive(moveStream);
    expect(redriven).toHaveLength(8);
    expect(await service.deadLetters(moveStream)).toEqual([]);
    const after = await lengths(moveStream);
    expect(after).toEqual(before.map((length) => length * 2)); // each came back to its own partition
  });

  it('partitions - retention keeps at most ceil(maxLength / N) entries in each partition', async () => {
    const moveStream = stream(2, { key: false, maxLength: 4 });
    const service = ctx().createService({ group: 'G' });
    await service.produce(moveStream, ...moves(1, 10));
    await service.trim(moveStream); // (produce may have trimmed already, in the background)
    expect(await lengths(moveStream)).toEqual([2, 2]);
  });

  /** Consumes `moveStream` without acking; resolves once the subscription holds `count` deliveries and a while has passed. */
  const holdWithoutAcking = async (moveStream: ReturnType<typeof stream>, maxInFlight: number) => {
    const service = ctx().createService({ group: 'G' });
    const got: Delivery<Move>[] = [];
    const subscription = service.consume(moveStream, { from: 'start', maxInFlight }).subscribe((delivery) => got.push(delivery));
    await eventually(`${maxInFlight} deliveries`, () => got.length >= maxInFlight);
    await sleep(200);
    return { got, subscription };
  };

  it.each([1, 10, 100])('partitions - maxInFlight %i bounds a subscription to 16 partitions, whatever holds the events', async (maxInFlight) => {
    const moveStream = stream(16, { key: false });
    const producer = ctx().createService({ group: 'P' });
    await producer.produce(moveStream, ...moves(1, 16 * 8 + maxInFlight * 2));
    const { got, subscription } = await holdWithoutAcking(moveStream, maxInFlight);
    expect(got.length).toBe(maxInFlight);
    // one ack frees one slot: exactly one more delivery comes
    await got[0]?.ack();
    await eventually(`${maxInFlight + 1} deliveries`, () => got.length === maxInFlight + 1);
    await sleep(200);
    expect(got.length).toBe(maxInFlight + 1);
    expect(new Set(got.map((delivery) => `${delivery.partition}:${delivery.id}`)).size).toBe(maxInFlight + 1);
    subscription.unsubscribe();
  });

  it('partitions - one partition with a backlog uses the whole window of a 16-partition subscription', async () => {
    const moveStream = stream(16);
    const producer = ctx().createService({ group: 'P' });
    await producer.produce(moveStream, ...Array.from({ length: 300 }, (_, n) => ({ player: 'busy', n })));
    const { got, subscription } = await holdWithoutAcking(moveStream, 100);
    expect(got.length).toBe(100);
    expect(got.map((delivery) => delivery.value.n)).toEqual(Array.from({ length: 100 }, (_, n) => n));
    expect(new Set(got.map((delivery) => delivery.partition))).toEqual(new Set([partitionOf('busy', 16)]));
    subscription.unsubscribe();
  });

  it('partitions - read and lastId refuse a partitioned stream with a TypeError naming it (ids are unique only within a partition)', async () => {
    const moveStream = stream(3);
    const service = ctx().createService({ group: 'G' });
    await expect(service.read(moveStream)).rejects.toThrow(new TypeError(`rx-redis-events: read() reads one Redis stream by entry id; "${moveStream.name}" has 3 partitions (consume it instead)`));
    await expect(service.lastId(moveStream)).rejects.toThrow(TypeError);
  });
}
