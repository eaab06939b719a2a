import type { EventService } from '../../../src';
import { uniqueName } from '../../conformance/helpers';
import { useRedisServer } from '../../support/useRedisServer';
import { groupScenario, orders } from './groupScenario';
import { runCli, useBuiltCli } from './runCli';

describe('rx-redis-events CLI - groups', () => {
  const redis = useRedisServer();
  const cli = useBuiltCli();
  const services: EventService[] = [];
  let prefix = '';
  const run = (...args: string[]) => runCli(cli.file, [...args, '--prefix', prefix], { REDIS_URL: redis.server.url });
  beforeEach(() => {
    prefix = `${uniqueName('cli-groups')}:`;
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.close()));
  });

  it('groups - each group with its lag, pending entries and consumers, as a table and as JSON', async () => {
    await groupScenario(redis.server.url, prefix, services);
    expect(await run('groups', 'orders')).toEqual({ code: 0, stderr: '', stdout: 'GROUP    LAG  PENDING  CONSUMERS\naudit    0    0        a#1\nbilling  0    1        b#1\n' });
    expect(await run('groups', 'orders', '--json')).toEqual({ code: 0, stderr: '', stdout: '[{"group":"audit","lag":0,"pending":0,"consumers":["a#1"]},{"group":"billing","lag":0,"pending":1,"consumers":["b#1"]}]\n' });
    const missing = await run('groups', 'ordres');
    expect([missing.code, missing.stderr]).toEqual([1, `rx-redis-events: no stream "ordres" under the prefix "${prefix}"\n`]);
  }, 60_000);

  it('groups - a group removed is no longer listed', async () => {
    const { billing } = await groupScenario(redis.server.url, prefix, services);
    await billing.removeGroup(orders, 'billing', { force: true });
    expect(await run('groups', 'orders')).toEqual({ code: 0, stderr: '', stdout: 'GROUP  LAG  PENDING  CONSUMERS\naudit  0    0        a#1\n' });
  }, 60_000);
});
