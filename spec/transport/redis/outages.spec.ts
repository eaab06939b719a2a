import { autoAck, createEventService, eventStream, isRetriable, TimeoutError } from 'rx-redis-events';
import { uniqueName } from '../../conformance/helpers';
import { useRedisServer } from '../../support/useRedisServer';
import { eventually, sleep } from '../../support/eventually';

describe('redis transport - outages', () => {
  const redis = useRedisServer();

  it('produce timeout - while Redis does not answer, produce rejects with a retriable TimeoutError naming the stream', async () => {
    const stream = eventStream<number>(uniqueName('n'));
    const service = createEventService({ group: 'A', redis: redis.server.url, prefix: uniqueName('p') + ':', produceTimeoutMs: 300 });
    await service.produce(stream, 0);
    await redis.admin.client('PAUSE', 1500, 'WRITE');
    const started = Date.now();
    const produced = service.produce(stream, 1);
    await expect(produced).rejects.toThrow(TimeoutError);
    await expect(produced).rejects.toMatchObject({ operation: 'produce', target: stream.name, timeoutMs: 300, retriable: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(1400);
    expect(isRetriable(await produced.catch((error: unknown) => error))).toBe(true);
    await redis.admin.client('UNPAUSE');
    await expect(service.produce(stream, 2)).resolves.toHaveLength(1);
    await service.close();
  });

  it.each([
    ['its key is deleted', (key: string) => redis.admin.del(key)],
    ['the server is flushed', () => redis.admin.flushall()],
  ])('vanished stream - when %s, a running consumer creates the group again and gets what is produced next', async (_label, vanish) => {
    const stream = eventStream<number>(uniqueName('n'));
    const prefix = uniqueName('p') + ':';
    const service = createEventService({ group: 'A', redis: redis.server.url, prefix, onError: () => undefined });
    const got: number[] = [];
    const subscription = service.consume(stream).pipe(autoAck()).subscribe((d) => got.push(d.value));
    await sleep(100);
    await service.produce(stream, 1);
    await eventually('first event', () => got.length === 1);
    await vanish(prefix + stream.name);
    await sleep(300);
    await service.produce(stream, 2, 3);
    await eventually('events after the stream vanished', () => got.length === 3, 5000);
    expect(got).toEqual([1, 2, 3]);
    subscription.unsubscribe();
    await service.close();
  });
});
