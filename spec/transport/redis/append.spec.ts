import { firstValueFrom } from 'rxjs';
import { createEventService, eventStream } from 'rx-redis-events';
import { connectRedis } from '../../../src/transport/redis/connect';
import { RedisStreamTransport } from '../../../src/transport/redis/RedisStreamTransport';
import { APPEND_CHUNK, PRODUCER_MEMORY_CALLS, PRODUCER_MEMORY_MS } from '../../../src/transport/redis/scripts/append';
import { ProducerSequences } from '../../../src/producer/ProducerSequences';
import type { AppendProducer } from '../../../src/transport/StreamTransport';
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

  it('batched append - on a server without the script, one-event calls and a call of three chunks sent together land in call order', async () => {
    const stream = eventStream<number>(uniqueName('n'));
    const prefix = uniqueName('p') + ':';
    const service = createEventService({ group: 'A', redis: redis.server.url, prefix });
    await service.produce(stream, 0);
    await redis.admin.script('FLUSH');
    const many = Array.from({ length: 2 * APPEND_CHUNK + 5 }, (_, n) => 100 + n);
    const calls = await Promise.all([service.produce(stream, 1), service.produce(stream, ...many), service.produce(stream, 2)]);
    const stored = await redis.admin.xrange(prefix + stream.name, '-', '+');
    expect(stored.slice(1).map(([id]) => id)).toEqual(calls.flat());
    expect(stored.slice(1).map(([, fields]) => Number((JSON.parse(fields[1] as string) as { json: number }).json))).toEqual([1, ...many, 2]);
    await service.close();
  });

  it('batched append - entries of one shape or of mixed shapes, one to four fields, keep their order and their exact fields', async () => {
    const connections = connectRedis(redis.server.url);
    const transport = new RedisStreamTransport(connections);
    const key = uniqueName('shapes');
    const shapes = [{ v: 'a' }, { v: 'b', k: 'key' }, { v: 'c', traceparent: 't', k: 'key' }, { x: '1', y: '2', z: '3', w: '4' }, { k: 'first', v: 'order' }];
    // runs of each shape, including one longer than a script call, and shapes that change every entry
    const entries = [...Array.from({ length: APPEND_CHUNK + 3 }, (_, n) => ({ v: `run-${n}` })), ...Array.from({ length: 40 }, (_, n) => ({ ...shapes[n % shapes.length], n: String(n) }))];
    const producer = { producer: new ProducerSequences().of(key) };
    const ids = await firstValueFrom(transport.append(key, entries, producer));
    const stored = await redis.admin.xrange(key, '-', '+');
    expect(ids).toHaveLength(entries.length);
    expect(stored.map(([id]) => id)).toEqual(ids);
    expect(stored.map(([, flat]) => flat)).toEqual(entries.map((fields) => Object.entries(fields).flat()));
    // uniform chunks of three and four fields (the script's general shared-names branch)
    for (const width of [3, 4]) {
      const uniform = Array.from({ length: 7 }, (_, n) => Object.fromEntries(Array.from({ length: width }, (__, f) => [`f${f}`, `${n}.${f}`])));
      const more = await firstValueFrom(transport.append(key, uniform, producer));
      const added = await redis.admin.xrange(key, `(${ids[ids.length - 1] as string}`, '+');
      expect(added.slice(-7).map(([id]) => id)).toEqual(more);
      expect(added.slice(-7).map(([, flat]) => flat)).toEqual(uniform.map((fields) => Object.entries(fields).flat()));
    }
    await connections.close();
  });

  it('idempotent append - a call sent again with its sequence appends nothing and answers the first ids, across chunks', async () => {
    const connections = connectRedis(redis.server.url);
    const transport = new RedisStreamTransport(connections);
    const key = uniqueName('resent');
    // sends every call with the sequence set here, as a client's resend does
    let sequence = 0;
    const producer: AppendProducer = { memoryKey: `${key}:{${key}}:producer:test`, nextSequence: () => sequence++ };
    const entries = Array.from({ length: 2 * APPEND_CHUNK + 10 }, (_, n) => ({ v: `${n}:${'x'.repeat(200)}` }));
    sequence = 1;
    const first = await firstValueFrom(transport.append(key, entries.slice(0, APPEND_CHUNK), { producer }));
    sequence = 1;
    const again = await firstValueFrom(transport.append(key, entries.slice(0, APPEND_CHUNK), { producer }));
    expect(again).toEqual(first);
    // two chunks (sequences 2 and 3), then both sent again
    sequence = 2;
    const second = await firstValueFrom(transport.append(key, entries.slice(APPEND_CHUNK), { producer }));
    sequence = 2;
    expect(await firstValueFrom(transport.append(key, entries.slice(APPEND_CHUNK), { producer }))).toEqual(second);
    expect(second).toHaveLength(APPEND_CHUNK + 10);
    expect(await redis.admin.xlen(key)).toBe(2 * APPEND_CHUNK + 10);
    expect((await redis.admin.xrange(key, '-', '+')).map(([id]) => id)).toEqual([...first, ...second]);
    // the memory: one field per remembered call, expiring
    expect(await redis.admin.hlen(producer.memoryKey)).toBe(3);
    expect(await redis.admin.pttl(producer.memoryKey)).toBeGreaterThan(PRODUCER_MEMORY_MS - 60_000);
    await connections.close();
  });

  it('idempotent append - a call sent again whose first ids spanned several milliseconds answers each of them', async () => {
    // Whether one script's appends span milliseconds is the server's choice (newer servers give a whole
    // script one time), so the memory of such a call is laid down here: its first id, then the index and
    // id of each entry that started a new millisecond.
    const connections = connectRedis(redis.server.url);
    const transport = new RedisStreamTransport(connections);
    const key = uniqueName('spanned');
    const producer: AppendProducer = { memoryKey: `${key}:{${key}}:producer:test`, nextSequence: () => 4 };
    await redis.admin.hset(producer.memoryKey, '4', '7,1000-5,3,1001-0,6,1004-0');
    const entries = Array.from({ length: 7 }, (_, n) => ({ v: String(n) }));
    expect(await firstValueFrom(transport.append(key, entries, { producer }))).toEqual(['1000-5', '1000-6', '1001-0', '1001-1', '1001-2', '1004-0', '1004-1']);
    expect(await redis.admin.exists(key)).toBe(0);
    await connections.close();
  });

  it(`idempotent append - a producer's memory keeps its last ${PRODUCER_MEMORY_CALLS} calls, in a few bytes each`, async () => {
    const connections = connectRedis(redis.server.url);
    const transport = new RedisStreamTransport(connections);
    const key = uniqueName('memory');
    const producer = new ProducerSequences().of(key);
    const calls: string[][] = [];
    for (let call = 0; call < PRODUCER_MEMORY_CALLS + 6; call++) calls.push(await firstValueFrom(transport.append(key, [{ v: String(call) }, { v: `${call}b` }], { producer })));
    expect(await redis.admin.hlen(producer.memoryKey)).toBe(PRODUCER_MEMORY_CALLS);
    expect(await redis.admin.hexists(producer.memoryKey, '6')).toBe(0);
    expect(await redis.admin.hexists(producer.memoryKey, '7')).toBe(1);
    const fields = await redis.admin.hgetall(producer.memoryKey);
    expect(Math.max(...Object.values(fields).map((record) => record.length))).toBeLessThanOrEqual(2 + 2 * 25);
    await connections.close();
  });

  it(`idempotent append - a call of one entry, sent again, answers its first id; its fields keep their order; the memory keeps ${PRODUCER_MEMORY_CALLS} calls`, async () => {
    const connections = connectRedis(redis.server.url);
    const transport = new RedisStreamTransport(connections);
    const key = uniqueName('one');
    let sequence = 0;
    const producer: AppendProducer = { memoryKey: `${key}:{${key}}:producer:test`, nextSequence: () => sequence };
    const entry = { v: 'value', k: 'key', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
    sequence = 1;
    const [first] = await firstValueFrom(transport.append(key, [entry], { producer }));
    expect(await firstValueFrom(transport.append(key, [entry], { producer }))).toEqual([first]);
    expect(await redis.admin.xrange(key, '-', '+')).toEqual([[first, ['v', 'value', 'k', 'key', 'traceparent', entry.traceparent]]]);
    expect(await redis.admin.hget(producer.memoryKey, '1')).toBe(`1,${first}`);
    // a record of several ids (laid down by the script for several entries) answers its first
    await redis.admin.hset(producer.memoryKey, '2', '3,1000-5');
    sequence = 2;
    expect(await firstValueFrom(transport.append(key, [{ v: 'x' }], { producer }))).toEqual(['1000-5']);
    for (sequence = 3; sequence <= PRODUCER_MEMORY_CALLS + 6; sequence++) await firstValueFrom(transport.append(key, [{ v: String(sequence) }], { producer }));
    expect(await redis.admin.xlen(key)).toBe(PRODUCER_MEMORY_CALLS + 5);
    expect(await redis.admin.hlen(producer.memoryKey)).toBe(PRODUCER_MEMORY_CALLS);
    expect(await redis.admin.hexists(producer.memoryKey, '6')).toBe(0);
    expect(await redis.admin.hexists(producer.memoryKey, '7')).toBe(1);
    expect(await redis.admin.pttl(producer.memoryKey)).toBeGreaterThan(PRODUCER_MEMORY_MS - 60_000);
    await expect(firstValueFrom(transport.append(key, [{}], { producer }))).rejects.toThrow('the broker failed during append: rx-redis-events: a stream entry needs at least one field');
    await connections.close();
  });
});
