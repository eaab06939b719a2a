import { broadcastStream, createEventService } from 'rx-redis-events';
import { uniqueName } from '../conformance/helpers';
import { useRedisCluster } from '../support/useRedisCluster';
import { eventually } from '../support/eventually';

describe('cluster - broadcast order', () => {
  const fixture = useRedisCluster({ masters: 3, appendonly: false });

  it('broadcast - the messages of one publisher to one channel arrive in the order they were published', async () => {
    const redis = { cluster: fixture.cluster.startupNodes };
    const prefix = `${uniqueName('order')}:`;
    const ticks = broadcastStream<number>('ticks');
    const [listener, publisher] = [createEventService({ group: 'l', redis, prefix }), createEventService({ group: 'p', redis, prefix })];
    const got: number[] = [];
    try {
      listener.listen(ticks).subscribe((n) => got.push(n));
      await listener.listening(ticks);
      for (let n = 0; n < 300; n++) await publisher.broadcast(ticks, n);
      await eventually('300 messages', () => got.length === 300, 10_000);
      expect(got).toEqual(Array.from({ length: 300 }, (_, n) => n));
    } finally {
      await Promise.all([listener.close(), publisher.close()]);
    }
  });
});
