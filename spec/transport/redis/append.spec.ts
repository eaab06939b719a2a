import { createEventService, eventStream } from 'rx-redis-events';
import { connectRedis } from '../../../src/transport/redis/connect';
import { RedisStreamTransport } from '../../../src/transport/redis/RedisStreamTransport';
import { APPEND_CHUNK } from '../../../src/transport/redis/scripts/append';
import { uniqueName } from '../../conformance/helpers';
import { useRedisServer } from '../../support/useRedisServer';

describe('redis transport - batched append', () => {
  const redis = useRedisServer();

  it('batched append - a produce of 2500 events (three script calls) keeps their order and returns every id, also after SCRIPT FLUSH', async () => {
    const stream = eventStream<{ n: number }>(uniqueName('n'), { key: (value) => `k${value.n % 7}` });
    const prefix = uniqueName('p') + ':';
    const service = createEventService({ group: 'A', redis: redis.server.url, prefix });
    for (const flushFirst of [false, true]) {
      if (flushFirst) await redis.admin.script('FLUSH');
      const before = await redis.admin.xlen(prefix + stream.name);
      const events = Array.from({ length: 2500 }, (_, n) => ({ n }));
      const ids = await service.produce(stream, ...events);
      const stored = await redis.admin.xrange(prefix + stream.name, '-', '+');
      expect(ids.length).toBe(2500);
      expect(stored.slice(before).map(([id]) => id)).toEqual(ids);
      expect(stored.slice(before).map(([, fields]) => [(JSON.parse(fields[1] as string) as { json: { n: number } }).json.n, fields[2], fields[3]])).toEqual(events.map(({ n }) => [n, 'k', `k${n % 7}`]));
    }
    await service.close();
  });

  it('batched append - on a server without the script, concurrent produce calls still land in call order', async () => {
    const stream = eventStream<number>(uniqueName('n'));
    const prefix = uniqueName('p') + ':';
    const service = createEventService({ group: 'A', redis: redis.server.url, prefix });
    await redis.admin.script('FLUSH');
    const [first, second, third] = await Promise.all([service.produce(stream, 1, 2), service.produce(stream, 3), service.produce(stream, 4, 5)]);
    const stored = await redis.admin.xrange(prefix + stream.name, '-', '+');
    expect(stored.map(([id]) => id)).toEqual([...(first ?? []), ...(second ?? []), ...(third ?? [])]);
    expect(stored.map(([, fields]) => fields[1])).toEqual(['1', '2', '3', '4', '5'].map((n) => `{"json":${n}}`));
    await service.close();
  });

  it('batched append - entries of one shape or of mixed shapes, one to four fields, keep their order and their exact fields', async () => {
    const connections = connectRedis(redis.server.url);
    const transport = new RedisStreamTransport(connections);
    const key = uniqueName('shapes');
    const shapes = [{ v: 'a' }, { v: 'b', k: 'key' }, { v: 'c', traceparent: 't', k: 'key' }, { x: '1', y: '2', z: '3', w: '4' }, { k: 'first', v: 'order' }];
    // runs of each shape, including one longer than a script call, and shapes that change every entry
    const entries = [...Array.from({ length: APPEND_CHUNK + 3 }, (_, n) => ({ v: `run-${n}` })), ...Array.from({ length: 40 }, (_, n) => ({ ...shapes[n % shapes.length], n: String(n) }))];
    const ids = await transport.append(key, entries);
    const stored = await redis.admin.xrange(key, '-', '+');
    expect(ids).toHaveLength(entries.length);
    expect(stored.map(([id]) => id)).toEqual(ids);
    expect(stored.map(([, flat]) => flat)).toEqual(entries.map((fields) => Object.entries(fields).flat()));
    // uniform chunks of three and four fields (the script's general shared-names branch)
    for (const width of [3, 4]) {
      const uniform = Array.from({ length: 7 }, (_, n) => Object.fromEntries(Array.from({ length: width }, (__, f) => [`f${f}`, `${n}.${f}`])));
      const more = await transport.append(key, uniform);
      const added = await redis.admin.xrange(key, `(${ids[ids.length - 1] as string}`, '+');
      expect(added.slice(-7).map(([id]) => id)).toEqual(more);
      expect(added.slice(-7).map(([, flat]) => flat)).toEqual(uniform.map((fields) => Object.entries(fields).flat()));
    }
    await connections.close();
  });
});
