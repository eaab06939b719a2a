import { firstValueFrom } from 'rxjs';
import { autoAck, createEventService, eventStream } from 'rx-redis-events';
import { ProducerSequences } from '../../../src/producer/ProducerSequences';
import { connectRedis } from '../../../src/transport/redis/connect';
import { RedisStreamTransport } from '../../../src/transport/redis/RedisStreamTransport';
import { GATHERED_TEXT } from '../../../src/transport/redis/TickAppends';
import { APPEND_CHUNK } from '../../../src/transport/redis/scripts/append';
import { uniqueName } from '../../conformance/helpers';
import { useRedisServer } from '../../support/useRedisServer';

describe('redis transport - the appends of one tick', () => {
  const redis = useRedisServer();

  /** How many scripts the server ran (successfully or not) since the stats were reset. */
  async function scripts(): Promise<number> {
    const lines = (await redis.admin.info('commandstats')).split('\r\n');
    return ['eval', 'evalsha'].reduce((sum, command) => sum + Number(/calls=(\d+)/.exec(lines.find((line) => line.startsWith(`cmdstat_${command}:`)) ?? '')?.[1] ?? 0), 0);
  }

  const valuesOf = async (key: string) => (await redis.admin.xrange(key, '-', '+')).map(([, fields]) => (JSON.parse(fields[1] as string) as { json: number }).json);

  it('produce calls to one stream in one tick are one script call: each call gets its own ids, in call order, and one memory record holds them', async () => {
    const stream = eventStream<number>(uniqueName('n'));
    const prefix = uniqueName('p') + ':';
    const service = createEventService({ group: 'A', redis: redis.server.url, prefix });
    await service.produce(stream, 0);
    await redis.admin.config('RESETSTAT');
    const calls = await Promise.all([service.produce(stream, 1, 2), service.produce(stream, 3), service.produce(stream, 4, 5, 6)]);
    expect(await scripts()).toBe(1);
    expect(calls.map((ids) => ids.length)).toEqual([2, 1, 3]);
    const stored = await redis.admin.xrange(prefix + stream.name, '-', '+');
    expect(stored.slice(1).map(([id]) => id)).toEqual(calls.flat());
    expect(await valuesOf(prefix + stream.name)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // the producer's memory: the first call (sequence 1) and the three calls as one (sequence 2, six entries)
    const [memoryKey] = await redis.admin.keys(`${prefix}${stream.name}*:producer:*`);
    const memory = await redis.admin.hgetall(memoryKey as string);
    expect(Object.keys(memory).sort()).toEqual(['1', '2']);
    expect(memory['2']?.split(',')[0]).toBe('6');
    await service.close();
  });

  it('a consumer blocked on the stream is answered with every event of the tick in one read', async () => {
    const stream = eventStream<number>(uniqueName('n'));
    const prefix = uniqueName('p') + ':';
    const producer = createEventService({ group: 'P', redis: redis.server.url, prefix });
    const consumer = createEventService({ group: 'C', redis: redis.server.url, prefix });
    const received: number[] = [];
    // a long block: no read ends empty while the test runs, however slow the machine
    const subscription = consumer.consume(stream, { blockMs: 60_000 }).pipe(autoAck()).subscribe((delivery) => received.push(delivery.value));
    await consumer.ready();
    await producer.produce(stream, 0);
    while (received.length < 1) await new Promise((resolve) => setImmediate(resolve));
    await redis.admin.config('RESETSTAT');
    await Promise.all([1, 2, 3, 4].map((n) => producer.produce(stream, n)));
    while (received.length < 5) await new Promise((resolve) => setImmediate(resolve));
    expect(received).toEqual([0, 1, 2, 3, 4]);
    const reads = /calls=(\d+)/.exec((await redis.admin.info('commandstats')).split('\r\n').find((line) => line.startsWith('cmdstat_xreadgroup:')) ?? '')?.[1];
    // one read brought the four (the next one is blocked, and the server counts a blocked read once it is answered)
    expect(Number(reads)).toBe(1);
    subscription.unsubscribe();
    await Promise.all([producer.close(), consumer.close()]);
  });

  it('calls to other streams, with idempotency keys or over a chunk are sent apart, and every stream gets its entries in call order', async () => {
    const name = uniqueName('n');
    const plain = eventStream<number>(name);
    const keyed = eventStream<number>(name, { idempotency: { key: (n) => `k${n}` } });
    const other = eventStream<number>(uniqueName('o'));
    const prefix = uniqueName('p') + ':';
    const service = createEventService({ group: 'A', redis: redis.server.url, prefix });
    await Promise.all([service.produce(plain, 0), service.produce(other, 0)]);
    await redis.admin.config('RESETSTAT');
    const many = Array.from({ length: APPEND_CHUNK + 1 }, (_, n) => 100 + n);
    // plain 1 and other 1 open two appends; the keyed call sends both, then goes alone; plain 3, other 2 and plain 4 open two more;
    // the call over a chunk sends those and goes as two scripts; plain 5 is the last append
    await Promise.all([
      service.produce(plain, 1),
      service.produce(other, 1),
      service.produce(keyed, 2),
      service.produce(plain, 3),
      service.produce(other, 2),
      service.produce(plain, 4),
      service.produce(plain, ...many),
      service.produce(plain, 5),
    ]);
    expect(await scripts()).toBe(2 + 1 + 2 + 2 + 1);
    expect(await valuesOf(prefix + name)).toEqual([0, 1, 2, 3, 4, ...many, 5]);
    expect(await valuesOf(prefix + other.name)).toEqual([0, 1, 2]);
    await service.close();
  });

  it(`a tick's calls to one stream go out in appends of at most ${APPEND_CHUNK} entries, each call whole`, async () => {
    const stream = eventStream<number>(uniqueName('n'));
    const prefix = uniqueName('p') + ':';
    const service = createEventService({ group: 'A', redis: redis.server.url, prefix });
    await service.produce(stream, 0);
    await redis.admin.config('RESETSTAT');
    const values = Array.from({ length: 2 * APPEND_CHUNK + 1 }, (_, n) => n + 1);
    // calls of 600 entries (and one of 1): two fit in a chunk with room to spare, so five calls take three appends
    const calls = [values.slice(0, 600), values.slice(600, 1200), values.slice(1200, 1800), values.slice(1800, 2000), values.slice(2000)];
    const ids = await Promise.all(calls.map((call) => service.produce(stream, ...call)));
    expect(await scripts()).toBe(3);
    expect(ids.map((answer) => answer.length)).toEqual([600, 600, 600, 200, 1]);
    expect(await valuesOf(prefix + stream.name)).toEqual([0, ...values]);
    await service.close();
  });

  it(`a tick's calls to one stream gather at most ${GATHERED_TEXT} characters of text, and a call of more goes alone`, async () => {
    const connections = connectRedis(redis.server.url);
    const transport = new RedisStreamTransport(connections);
    const key = uniqueName('text');
    const producer = { producer: new ProducerSequences().of(key) };
    await firstValueFrom(transport.ready(5000));
    await redis.admin.config('RESETSTAT');
    // 0.4 + 0.4 fit; the third would make 1.2, so it starts the next append; the fourth is over the limit alone; the fifth starts another
    const sizes = [0.4, 0.4, 0.4, 1.01, 0.1].map((share) => Math.floor(share * GATHERED_TEXT));
    const appended = sizes.map((size, index) => firstValueFrom(transport.append(key, [{ v: String(index).padEnd(size, 'x') }], producer)));
    const ids = (await Promise.all(appended)).flat();
    expect(await scripts()).toBe(4);
    const stored = await redis.admin.xrange(key, '-', '+');
    expect(stored.map(([id]) => id)).toEqual(ids);
    expect(stored.map(([, fields]) => [(fields[1] as string)[0], (fields[1] as string).length])).toEqual(sizes.map((size, index) => [String(index), size]));
    await transport.close();
  });

  it('an append refused by the server rejects every call that went in it, and the next tick appends again', async () => {
    const stream = eventStream<number>(uniqueName('n'));
    const prefix = uniqueName('p') + ':';
    const service = createEventService({ group: 'A', redis: redis.server.url, prefix });
    await service.produce(stream, 0);
    await redis.admin.del(prefix + stream.name);
    await redis.admin.set(prefix + stream.name, 'not a stream');
    const answers = await Promise.allSettled([service.produce(stream, 1), service.produce(stream, 2)]);
    expect(answers.map((answer) => answer.status)).toEqual(['rejected', 'rejected']);
    for (const answer of answers) expect(String((answer as PromiseRejectedResult).reason)).toMatch(/WRONGTYPE/);
    await redis.admin.del(prefix + stream.name);
    const [id] = await service.produce(stream, 3);
    expect(await valuesOf(prefix + stream.name)).toEqual([3]);
    expect(typeof id).toBe('string');
    await service.close();
  });

  it('closing the transport in the tick of an append sends it first', async () => {
    const connections = connectRedis(redis.server.url);
    const transport = new RedisStreamTransport(connections);
    const key = uniqueName('close');
    const producer = { producer: new ProducerSequences().of(key) };
    await firstValueFrom(transport.ready(5000));
    const appended = firstValueFrom(transport.append(key, [{ v: '{"json":1}' }], producer));
    const closed = transport.close();
    const [id] = await appended;
    await closed;
    expect((await redis.admin.xrange(key, '-', '+')).map(([stored]) => stored)).toEqual([id]);
  });
});
