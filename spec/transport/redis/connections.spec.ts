import { Redis } from 'ioredis';
import { autoAck, broadcastStream, createEventService, eventStream } from '../../../src';
import { collect, uniqueName } from '../../conformance/helpers';
import { useRedisServer } from '../../support/useRedisServer';
import { eventually } from '../../support/eventually';

/** Redis-only behaviour: connections per reader, and clients passed in by the user. */
describe('redis transport - connections', () => {
  const redis = useRedisServer();
  const clients = async () => Number(/connected_clients:(\d+)/.exec(await redis.admin.info('clients'))?.[1]);

  it('redis transport - each consume subscription reads on a connection of its own, released on unsubscribe', async () => {
    const stream = eventStream<number>(uniqueName('n'));
    const service = createEventService({ group: 'A', redis: redis.server.url, prefix: uniqueName('p') + ':' });
    await service.produce(stream, 1);
    const base = await clients();
    const subscriptions = [1, 2, 3].map(() => service.consume(stream, { from: 'start' }).pipe(autoAck()).subscribe());
    // no other: each reader also reads the stream's wake stream of scheduled events
    await eventually('three reader connections', async () => (await clients()) === base + 3);
    subscriptions.forEach((subscription) => subscription.unsubscribe());
    await eventually('reader connections released', async () => (await clients()) === base);
    await service.close();
    expect(await clients()).toBe(1);
  });

  it('redis transport - a service consuming 3 streams, one of 16 partitions, holds 2 connections: commands, and one blocking reader over all 18 keys and their 18 wake streams; listen adds pub/sub', async () => {
    const prefix = uniqueName('p') + ':';
    const streams = [eventStream<number>(uniqueName('a')), eventStream<number>(uniqueName('b')), eventStream<number>(uniqueName('c'), { partitions: 16 })];
    const producer = createEventService({ group: 'producer', redis: redis.server.url, prefix });
    await producer.health(); // the producer's connection is up before counting
    const base = await clients();
    const service = createEventService({ group: 'A', redis: redis.server.url, prefix });
    try {
      const seen = new Map<string, number[]>();
      const subscriptions = streams.map((stream) =>
        service
          .consume(stream, { from: 'start' })
          .pipe(autoAck())
          .subscribe((delivery) => seen.set(stream.name, [...(seen.get(stream.name) ?? []), delivery.value])),
      );
      const values = Array.from({ length: 32 }, (_, index) => index);
      for (const stream of streams) await producer.produce(stream, ...values);
      await eventually('every event of the 3 streams', () => streams.every((stream) => seen.get(stream.name)?.length === values.length));
      for (const stream of streams) expect([...(seen.get(stream.name) ?? [])].sort((a, b) => a - b)).toEqual(values);
      await eventually('commands and the reader', async () => (await clients()) - base === 2);
      const blocked = String(await redis.admin.client('LIST')).split('\n').filter((line: string) => / cmd=xreadgroup\b/.test(line));
      expect(blocked).toHaveLength(1);
      // an event scheduled on the partitioned stream wakes a mover through that one reader
      await producer.schedule(streams[2]!, { delayMs: 1 }, 99);
      await eventually('the scheduled event', () => seen.get(streams[2]!.name)?.includes(99) === true);
      expect((await clients()) - base).toBe(2);
      // a listener opens the pub/sub connection
      const live = broadcastStream<number>(uniqueName('live'));
      const listening = service.listen(live).subscribe();
      await service.listening(live);
      expect((await clients()) - base).toBe(3);
      listening.unsubscribe();
      subscriptions.forEach((subscription) => subscription.unsubscribe());
      await service.close();
      expect((await clients()) - base).toBe(0);
    } finally {
      await service.close();
      await producer.close();
    }
  });

  it('redis transport - a blocked read is interrupted at once when a nack comes due, not after blockMs', async () => {
    const stream = eventStream<number>(uniqueName('n'));
    const service = createEventService({ group: 'A', redis: redis.server.url, prefix: uniqueName('p') + ':', closeTimeoutMs: 100 });
    await service.produce(stream, 7);
    const seen: { count: number; at: number }[] = [];
    const subscription = service.consume(stream, { from: 'start', blockMs: 10_000 }).subscribe((d) => {
      seen.push({ count: d.deliveryCount, at: Date.now() });
      if (d.deliveryCount === 1) void d.nack({ delayMs: 100 });
      else void d.ack();
    });
    await eventually('redelivery', () => seen.length === 2, 5000);
    expect(seen.map((s) => s.count)).toEqual([1, 2]);
    expect((seen[1]?.at ?? 0) - (seen[0]?.at ?? 0)).toBeLessThan(2000);
    subscription.unsubscribe();
    await service.close();
  });

  it('redis transport - close() leaves a client passed in by the user open', async () => {
    const client = new Redis(redis.server.url);
    const stream = eventStream<number>(uniqueName('n'));
    const service = createEventService({ group: 'A', redis: client, prefix: uniqueName('p') + ':' });
    await service.produce(stream, 1, 2);
    await collect(service.consume(stream, { from: 'start' }).pipe(autoAck()), 2);
    await service.close();
    expect(client.status).toBe('ready');
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });
});
