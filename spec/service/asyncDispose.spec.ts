import { createEventService, eventStream, ServiceClosedError, type EventService } from 'rx-redis-events';
import { useRedisServer } from '../support/useRedisServer';

const numbers = eventStream<number>('numbers');
const redis = useRedisServer();

describe.each(['memory', 'redis'] as const)('EventService [Symbol.asyncDispose] (%s)', (backend) => {
  const create = () => createEventService({ group: 'g', prefix: `dispose-${Math.random().toString(36).slice(2, 8)}:`, ...(backend === 'redis' ? { redis: redis.server.url } : {}) });

  it('await using - the service is closed when the scope ends, after the work in it', async () => {
    let kept: EventService | undefined;
    let ids: string[] | undefined;
    {
      await using service = create();
      kept = service;
      ids = await service.produce(numbers, 1, 2);
    }
    expect(ids).toHaveLength(2);
    await expect(kept.produce(numbers, 3)).rejects.toThrow(ServiceClosedError);
  });

  it('await using - a throw leaving the scope closes the service too, and the throw goes on', async () => {
    let kept: EventService | undefined;
    const run = async () => {
      await using service = create();
      kept = service;
      await service.produce(numbers, 1);
      throw new Error('handler failed');
    };
    await expect(run()).rejects.toThrow('handler failed');
    await expect((kept as EventService).produce(numbers, 2)).rejects.toThrow(ServiceClosedError);
  });

  it('[Symbol.asyncDispose] - is close(): the same promise', async () => {
    const service = create();
    const closing = service.close();
    expect(service[Symbol.asyncDispose]()).toBe(closing);
    await closing;
  });
});
