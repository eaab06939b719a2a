import { Redis } from 'ioredis';
import { createEventService, eventStream, isRetriable, TimeoutError } from 'rx-redis-events';
import { uniqueName } from '../../conformance/helpers';
import { startRedisServer, type RedisServer } from '../../support/redisServer';

describe('redis transport - produce timeout', () => {
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
});
