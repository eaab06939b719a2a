import { TransportError } from '../../../src/errors/TransportError';
import { deadLetterKeyOf } from '../../../src/partitions/streamLayout';
import { openRedisTools, type RedisTools } from '../../../src/transport/redis/redisTools';
import type { StoredEntry } from '../../../src/transport/StreamTransport';
import { uniqueName } from '../../conformance/helpers';
import { useRedisServer } from '../../support/useRedisServer';

describe('redisTools - what the CLI and the dashboard ask of Redis', () => {
  const redis = useRedisServer();
  let tools: RedisTools;
  beforeEach(async () => {
    tools = await openRedisTools(redis.server.url);
  });
  afterEach(() => tools.disconnect());

  it('openRedisTools - a server that cannot be reached: a TransportError of code CONNECTION whose cause is the socket error', async () => {
    const error = await openRedisTools('redis://127.0.0.1:1').then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TransportError);
    const { operation, code, retriable, cause } = error as TransportError;
    expect({ operation, code, retriable, cause: (cause as Error).message }).toEqual({ operation: 'connect', code: 'CONNECTION', retriable: true, cause: 'connect ECONNREFUSED 127.0.0.1:1' });
  });

  it('streams - found by their keys, with length, groups and dead letters; entries and last ids read by key', async () => {
    const prefix = `${uniqueName('tools')}:`;
    const key = `${prefix}orders`;
    const ids = [await redis.admin.xadd(key, '*', 'v', '1'), await redis.admin.xadd(key, '*', 'v', '2', 'k', 'c2'), await redis.admin.xadd(key, '*', 'v', '3')] as string[];
    await redis.admin.xadd(deadLetterKeyOf(key), '*', 'sid', ids[0] as string);
    await tools.createGroupAt(key, 'billing', '0');
    await tools.createGroupAt(key, 'billing', '$'); // exists: left as it is
    await tools.createGroupAt(`${prefix}audit`, 'audit', '0'); // creates the stream
    const found = await tools.findStreams(prefix);
    expect(found.map(({ stream }) => stream.name)).toEqual(['audit', 'orders']);
    expect(await Promise.all(found.map((stream) => tools.countsOf(stream)))).toEqual([
      { length: 0, groups: ['audit'], deadLetters: 0 },
      { length: 3, groups: ['billing'], deadLetters: 1 },
    ]);
    expect((await redis.admin.xinfo('GROUPS', key)) as unknown[][]).toEqual([expect.arrayContaining(['last-delivered-id', '0-0'])]);
    expect(await tools.lastIds(key, 2)).toEqual([ids[2], ids[1]]);
    expect(await tools.entry(key, ids[1] as string)).toEqual({ id: ids[1], fields: { v: '2', k: 'c2' } });
    expect(await tools.entry(key, '1-0')).toBeUndefined();
  });

  it('tail - hands on the entries after the given ids, new ones as they come, until the count', async () => {
    const key = uniqueName('tail');
    const first = (await redis.admin.xadd(key, '*', 'v', '1')) as string;
    await redis.admin.xadd(key, '*', 'v', '2');
    const seen: StoredEntry[] = [];
    const tailing = tools.tail([key], [first], { count: 2, stopped: new Promise(() => undefined), onEntry: (entry) => seen.push(entry) });
    const third = (await redis.admin.xadd(key, '*', 'v', '3')) as string;
    await tailing;
    expect(seen.map((entry) => entry.fields.v)).toEqual(['2', '3']);
    expect(seen[1]?.id).toBe(third);
  });

  it('tail - ends when stopped, while its read is blocked', async () => {
    const key = uniqueName('tail');
    let stop: () => void = () => undefined;
    const started = Date.now();
    const tailing = tools.tail([key], ['0-0'], { count: Infinity, stopped: new Promise((resolve) => (stop = resolve)), onEntry: () => undefined });
    setTimeout(() => stop(), 100);
    await tailing;
    expect(Date.now() - started).toBeLessThan(900);
  });
});
