import { idBeforeTime } from '../../../../src/internal/streamId';
import { connectRedis } from '../../../../src/transport/redis/connect';
import { RedisStreamTransport } from '../../../../src/transport/redis/RedisStreamTransport';
import type { StreamAdmin } from '../../../../src/transport/StreamTransport';
import { useRedisServer } from '../../../support/useRedisServer';
import { uniqueName } from '../../../conformance/helpers';

describe('trim script', () => {
  const redis = useRedisServer();
  let transport: RedisStreamTransport;
  let key: string;

  beforeEach(() => {
    transport = new RedisStreamTransport(connectRedis(redis.server.url));
    key = `${uniqueName('trim')}:numbers`;
  });
  afterEach(() => transport.close());

  it('trim - a group moved to a moment (<ms - 1>-<largest sequence>) needs the entries from that moment on, and no more', async () => {
    for (let n = 0; n < 5; n++) await redis.admin.xadd(key, `${1000 + n}-0`, 'v', String(n));
    await redis.admin.xgroup('CREATE', key, 'g', idBeforeTime(1003));
    expect(await (transport.capabilities.admin as StreamAdmin).trim(key, { maxLength: 1, unsafe: false })).toBe(3);
    expect((await redis.admin.xrange(key, '-', '+')).map(([id]) => id)).toEqual(['1003-0', '1004-0']);
  });
});
