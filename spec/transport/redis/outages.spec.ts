import { Redis } from 'ioredis';
import { autoAck, createEventService, eventStream, isRetriable, TimeoutError } from 'rx-redis-events';
import { sleep, uniqueName, waitFor } from '../../conformance/helpers';
import { startRedisServer, type RedisServer } from '../../support/redisServer';

describe('redis transport - outages', () => {
  let server: RedisServer;
  let admin: Redis;

  beforeAll(async () => {
    server = await startRedisServer();
    admin = new Redis(server.url);
  });
  afterAll(async () => {
    await admin.quit();
    await server.stop();
  });

  it('produce timeout - while Redis does not answer, produce rejects with a retriable TimeoutError naming the stream', async () => {
    const stream = eventStream<number>(uniqueName('n'));
    const service = createEventService({ group: 'A', redis: server.url, prefix: uniqueName('p') + ':', produceTimeoutMs: 300 });
    await service.produce(stream, 0);
    await admin.client('PAUSE', 1500, 'WRITE');
    const started = Date.now();
    const produced = service.produce(stream, 1);
    await expect(produced).rejects.toThrow(TimeoutError);
    await expect(produced).rejects.toMatchObject({ operation: 'produce', target: stream.name, timeoutMs: 300, retriable: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(1400);
    expect(isRetriable(await produced.catch((error: unknown) => error))).toBe(true);
    await admin.client('UNPAUSE');
    await expect(service.produce(stream, 2)).resolves.toHaveLength(1);
    await service.close();
  });

  it.each([
    ['its key is deleted', (key: string) => admin.del(key)],
    ['the server is flushed', () => admin.flushall()],
  ])('vanished stream - when %s, a running consumer creates the group again and gets what is produced next', async (_label, vanish) => {
    const stream = eventStream<number>(uniqueName('n'));
    const prefix = uniqueName('p') + ':';
    const service = createEventService({ group: 'A', redis: server.url, prefix, onError: () => undefined });
    const got: number[] = [];
    const subscription = service.consume(stream).pipe(autoAck()).subscribe((d) => got.push(d.value));
    await sleep(100);
    await service.produce(stream, 1);
    await waitFor('first event', () => got.length === 1);
    await vanish(prefix + stream.name);
    await sleep(300);
    await service.produce(stream, 2, 3);
    await waitFor('events after the stream vanished', () => got.length === 3, 5000);
    expect(got).toEqual([1, 2, 3]);
    subscription.unsubscribe();
    await service.close();
  });
});
