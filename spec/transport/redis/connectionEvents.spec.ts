import { broadcastStream, createEventService, eventStream, type InstrumentationEvent } from 'rx-redis-events';
import { uniqueName } from '../../conformance/helpers';
import { useRedisServer } from '../../support/useRedisServer';
import { eventually } from '../../support/eventually';

describe('redis transport - connection events', () => {
  const redis = useRedisServer();

  it('instrumentation - killed connections emit connection.lost once each, then connection.restored when ioredis is back, and consumption goes on', async () => {
    const stream = eventStream<number>(uniqueName('n'));
    const news = broadcastStream<string>(uniqueName('news'));
    const service = createEventService({ group: 'A', redis: redis.server.url, prefix: uniqueName('p') + ':', onError: () => undefined });
    const events: InstrumentationEvent[] = [];
    service.instrumentation$.subscribe((event) => event.type.startsWith('connection.') && events.push(event));
    const got: number[] = [];
    const subscription = service.consume(stream).subscribe((delivery) => (got.push(delivery.value), void delivery.ack()));
    const listening = service.listen(news).subscribe();
    await service.listening(news);
    await service.produce(stream, 1);
    await eventually('the first event', () => got.length === 1);

    const admin = redis.admin;
    const adminId = String(await admin.client('ID'));
    const others = String(await admin.client('LIST')).split('\n').flatMap((line) => /id=(\d+)/.exec(line)?.[1] ?? []).filter((id) => id !== adminId);
    expect(others).toHaveLength(3); // the service's command, reader and subscriber connections
    for (const id of others) await admin.client('KILL', 'ID', id);

    await eventually('three connections restored', () => events.filter((event) => event.type === 'connection.restored').length === 3, 10_000);
    const summary = events.map((event) => `${event.type} ${'connection' in event ? event.connection : ''}`);
    expect([...summary].sort()).toEqual(['connection.lost command', 'connection.lost reader', 'connection.lost subscriber', 'connection.restored command', 'connection.restored reader', 'connection.restored subscriber']);
    for (const role of ['command', 'reader', 'subscriber']) expect(summary.indexOf(`connection.lost ${role}`)).toBeLessThan(summary.indexOf(`connection.restored ${role}`));

    await service.produce(stream, 2);
    await eventually('the event after the outage', () => got.length === 2, 10_000);
    expect(got).toEqual([1, 2]);
    subscription.unsubscribe();
    listening.unsubscribe();
    await service.close();
  });
});
