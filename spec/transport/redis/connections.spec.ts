import { Redis } from 'ioredis';
import { autoAck, createEventService, eventStream } from '../../../src';
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
    await eventually('three reader connections', async () => (await clients()) === base + 3);
    subscriptions.forEach((subscription) => subscription.unsubscribe());
    await eventually('reader connections released', async () => (await clients()) === base);
    await service.close();
    expect(await clients()).toBe(1);
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
