import { lastValueFrom } from 'rxjs';
import { idBeforeTime } from '../../../../src/internal/streamId';
import { connectRedis } from '../../../../src/transport/redis/connect';
import { RedisStreamTransport } from '../../../../src/transport/redis/RedisStreamTransport';
import type { GroupAdmin } from '../../../../src/transport/StreamTransport';
import { useRedisServer } from '../../../support/useRedisServer';
import { uniqueName } from '../../../conformance/helpers';

describe('group scripts', () => {
  const redis = useRedisServer();
  let transport: RedisStreamTransport;
  let groups: GroupAdmin;
  let key: string;

  beforeEach(() => {
    transport = new RedisStreamTransport(connectRedis(redis.server.url));
    groups = transport.capabilities.groups as GroupAdmin;
    key = `${uniqueName('groups')}:numbers`;
  });
  afterEach(() => transport.close());

  /** The group's fields in `XINFO GROUPS`: lag (null when Redis cannot tell), entries-read, last delivered id. */
  async function group(name: string): Promise<[unknown, unknown, unknown]> {
    const groups = (await redis.admin.xinfo('GROUPS', key)) as unknown[][];
    const info = groups.find((fields) => fields[fields.indexOf('name') + 1] === name) ?? [];
    const field = (field: string) => info[info.indexOf(field) + 1];
    return [field('lag'), field('entries-read'), field('last-delivered-id')];
  }

  async function fill(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let n = 0; n < count; n++) ids.push((await redis.admin.xadd(key, `${1000 + n}-0`, 'v', String(n))) as string);
    return ids;
  }

  it('groups - a group created after an id in the middle has its lag at once (ENTRIESREAD); XGROUP CREATE alone leaves it unknown', async () => {
    await fill(5);
    await lastValueFrom(transport.ensureGroup(key, 'g', { afterId: '1001-0' }), { defaultValue: undefined });
    expect(await group('g')).toEqual([3, 2, '1001-0']);
    await redis.admin.xgroup('CREATE', key, 'plain', '1001-0');
    expect(await group('plain')).toEqual([null, null, '1001-0']);
  });

  it('groups - created again, a group is left where it is', async () => {
    await fill(3);
    await lastValueFrom(transport.ensureGroup(key, 'g', { afterId: '1000-0' }), { defaultValue: undefined });
    await lastValueFrom(transport.ensureGroup(key, 'g', { afterId: '1002-0' }), { defaultValue: undefined });
    expect(await group('g')).toEqual([2, 1, '1000-0']);
  });

  it('groups - moved to a moment, to the start and to the end, the lag is exact; a missing group or stream answers false', async () => {
    await fill(5);
    await redis.admin.xgroup('CREATE', key, 'g', '$');
    expect(await groups.moveGroup(key, 'g', { afterId: idBeforeTime(1003) })).toBe(true);
    expect(await group('g')).toEqual([2, 3, '1002-18446744073709551615']);
    expect(await groups.moveGroup(key, 'g', 'start')).toBe(true);
    expect((await group('g'))[0]).toBe(5);
    expect(await groups.moveGroup(key, 'g', 'end')).toBe(true);
    expect((await group('g'))[0]).toBe(0);
    expect(await groups.moveGroup(key, 'g', { afterId: idBeforeTime(5000) })).toBe(true); // a moment to come
    await redis.admin.xadd(key, '5000-0', 'v', 'late');
    expect(await group('g')).toEqual([1, 5, '4999-18446744073709551615']);
    expect(await groups.moveGroup(key, 'nobody', 'start')).toBe(false);
    expect(await groups.moveGroup(`${key}:missing`, 'g', 'start')).toBe(false);
  });

  it('groups - removeGroup destroys the group and answers whether there was one', async () => {
    await fill(1);
    await redis.admin.xgroup('CREATE', key, 'g', '0');
    expect(await groups.removeGroup(key, 'g')).toBe(true);
    expect(await redis.admin.xinfo('GROUPS', key)).toEqual([]);
    expect(await groups.removeGroup(key, 'g')).toBe(false);
    expect(await groups.removeGroup(`${key}:missing`, 'g')).toBe(false);
  });
});
