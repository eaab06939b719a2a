import { lastValueFrom, toArray } from 'rxjs';
import { TransportError } from '../../../src/errors/TransportError';
import { connectRedis } from '../../../src/transport/redis/connect';
import { ACK_SCRIPT_IDS } from '../../../src/transport/redis/ackCalls';
import { RedisStreamTransport } from '../../../src/transport/redis/RedisStreamTransport';
import { useRedisServer } from '../../support/useRedisServer';

describe('RedisStreamTransport', () => {
  const redis = useRedisServer();
  let transport: RedisStreamTransport;

  beforeEach(async () => {
    await redis.admin.flushall();
    await redis.admin.config('RESETSTAT');
    transport = new RedisStreamTransport(connectRedis(redis.server.url));
  });
  afterEach(() => transport.close());

  /** Appends `count` entries to `key`, reads them all for group `g` (consumer `c`) and returns their ids. */
  async function pending(key: string, count: number): Promise<string[]> {
    await redis.admin.xgroup('CREATE', key, 'g', '0', 'MKSTREAM');
    const appends = redis.admin.pipeline();
    for (let n = 0; n < count; n++) appends.xadd(key, '*', 'v', String(n));
    await appends.exec();
    const reply = (await redis.admin.xreadgroup('GROUP', 'g', 'c', 'STREAMS', key, '>')) as [string, [string, string[]][]][];
    return (reply[0]?.[1] ?? []).map(([id]) => id);
  }

  /** How many times `command` ran and succeeded since the stats were reset. */
  async function calls(command: string): Promise<number> {
    const line = (await redis.admin.info('commandstats')).split('\r\n').find((entry) => entry.startsWith(`cmdstat_${command}:`)) ?? '';
    return Number(/calls=(\d+)/.exec(line)?.[1] ?? 0) - Number(/failed_calls=(\d+)/.exec(line)?.[1] ?? 0);
  }

  const scripts = async () => (await calls('evalsha')) + (await calls('eval'));

  async function pendingCount(key: string): Promise<number> {
    return Number((await redis.admin.xpending(key, 'g'))[0]);
  }

  it('ack - the acks of several streams go out in one command, and every entry is acked', async () => {
    const batches = [
      { key: 's1', ids: await pending('s1', 3) },
      { key: 's2', ids: await pending('s2', 1200) },
      { key: 's3', ids: await pending('s3', 1) },
    ];
    await lastValueFrom(transport.ack('g', batches), { defaultValue: undefined });
    expect([await pendingCount('s1'), await pendingCount('s2'), await pendingCount('s3')]).toEqual([0, 0, 0]);
    expect(await scripts()).toBe(1);
    expect(await calls('xack')).toBe(4); // 3, then 1200 in two chunks of at most 1000, then 1: inside the one script
  });

  it(`ack - a call over streams of more than ${ACK_SCRIPT_IDS} ids in all is split between streams`, async () => {
    const batches = [
      { key: 's1', ids: await pending('s1', 7000) },
      { key: 's2', ids: await pending('s2', 7000) },
    ];
    await lastValueFrom(transport.ack('g', batches), { defaultValue: undefined });
    expect([await pendingCount('s1'), await pendingCount('s2')]).toEqual([0, 0]);
    expect(await scripts()).toBe(2);
  });

  it('ack - one stream is one XACK, answered with one value, and a batch without ids sends nothing', async () => {
    const ids = await pending('s', 2);
    expect(await lastValueFrom(transport.ack('g', [{ key: 's', ids }, { key: 'empty', ids: [] }]).pipe(toArray()))).toStrictEqual([undefined]);
    expect(await pendingCount('s')).toBe(0);
    expect(await calls('xack')).toBe(1);
    expect(await scripts()).toBe(0);
    await lastValueFrom(transport.ack('g', [{ key: 'empty', ids: [] }]), { defaultValue: undefined });
    expect(await calls('xack')).toBe(1);
  });

  it('ack - a key that is not a stream fails the call with WRONGTYPE, after the other streams were acked', async () => {
    const first = await pending('s1', 2);
    const last = await pending('s3', 2);
    await redis.admin.set('text', 'not a stream');
    const failure = lastValueFrom(transport.ack('g', [{ key: 's1', ids: first }, { key: 'text', ids: ['1-0'] }, { key: 's3', ids: last }]));
    await expect(failure).rejects.toThrow(TransportError);
    await expect(failure).rejects.toMatchObject({ code: 'WRONGTYPE', operation: 'ack', retriable: false });
    expect([await pendingCount('s1'), await pendingCount('s3')]).toEqual([0, 0]);
  });

  it('markIdle and renew - change only the idle time of the consumer’s own entries, never the delivery count: an entry another consumer took over stays with it', async () => {
    const [mine, taken] = await pending('s', 2);
    await redis.admin.xclaim('s', 'g', 'other', 0, taken as string, 'JUSTID'); // taken over by another consumer
    const owners = async () =>
      ((await redis.admin.xpending('s', 'g', '-', '+', 10)) as [string, string, number, number][]).map(([id, consumer, idleMs, count]) => ({ id, consumer, idle: idleMs >= 60_000, count }));
    await lastValueFrom(transport.markIdle('s', 'g', 'c', [mine as string, taken as string], 60_000), { defaultValue: undefined });
    expect(await owners()).toEqual([
      { id: mine, consumer: 'c', idle: true, count: 1 },
      { id: taken, consumer: 'other', idle: false, count: 1 },
    ]);
    expect(await lastValueFrom(transport.renew('s', 'g', 'c', [mine as string, taken as string, '9-9']))).toBe(1);
    expect(await owners()).toEqual([
      { id: mine, consumer: 'c', idle: false, count: 1 },
      { id: taken, consumer: 'other', idle: false, count: 1 },
    ]);
  });
});
