import type { EventService } from '../../../src';
import { compareStreamIds, idTime, parseStreamId, type StreamId } from '../../../src/internal/streamId';
import { uniqueName } from '../../conformance/helpers';
import { groupScenario, orders } from './groupScenario';
import { useRedisServer } from '../../support/useRedisServer';
import { runCli, runInTerminal, useBuiltCli } from './runCli';

describe('rx-redis-events CLI - group move and group remove', () => {
  const redis = useRedisServer();
  const cli = useBuiltCli();
  const services: EventService[] = [];
  let prefix = '';
  const env = () => ({ REDIS_URL: redis.server.url });
  const run = (...args: string[]) => runCli(cli.file, [...args, '--prefix', prefix], env());
  const terminal = (args: string[], prompt: string, answer: string) => runInTerminal(cli.file, [...args, '--prefix', prefix], { ...env(), NO_COLOR: '1' }, { prompt, answer });
  beforeEach(() => {
    prefix = `${uniqueName('cli-groups')}:`;
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.close()));
  });

  const scenario = () => groupScenario(redis.server.url, prefix, services);

  it('group move - needs --yes without a terminal; moves to start, to an ISO time, to an id; a missing group fails naming it', async () => {
    const { billing, ids } = await scenario();
    const refused = await run('group', 'move', 'orders', 'billing', '--to', 'start');
    expect([refused.code, refused.stdout, refused.stderr.split('\n')[0]]).toEqual([2, '', 'rx-redis-events: group move changes group "billing" of orders: add --yes to do so without a terminal to confirm on']);
    expect(await run('group', 'move', 'orders', 'billing', '--to', 'start', '--yes')).toEqual({ code: 0, stderr: '', stdout: 'moved group billing of orders to start\n' });
    const billingRow = async () => (await billing.describe(orders)).groups.find((group) => group.name === 'billing');
    expect([(await billingRow())?.lag, (await billingRow())?.pending]).toEqual([3, 1]);

    const third = idTime(ids[2] as string).toISOString();
    expect(await run('group', 'move', 'orders', 'billing', '--to', third, '--yes', '--json')).toEqual({ code: 0, stderr: '', stdout: `{"moved":"billing","stream":"orders","to":"${third}"}\n` });
    expect((await billingRow())?.lag).toBe(ids.filter((id) => idTime(id).getTime() >= idTime(ids[2] as string).getTime()).length);
    expect(await run('group', 'move', 'orders', 'billing', '--to', ids[0] as string, '--yes')).toEqual({ code: 0, stderr: '', stdout: `moved group billing of orders to ${ids[0] as string}\n` });
    expect((await billingRow())?.lag).toBe(ids.filter((id) => compareStreamIds(parseStreamId(id) as StreamId, parseStreamId(ids[0] as string) as StreamId) > 0).length);
    expect(await run('group', 'move', 'orders', 'billing', '--to', 'end', '--yes')).toEqual({ code: 0, stderr: '', stdout: 'moved group billing of orders to end\n' });
    expect((await billingRow())?.lag).toBe(0);

    expect(await run('group', 'move', 'orders', 'nobody', '--to', 'start', '--yes')).toEqual({ code: 1, stdout: '', stderr: 'rx-redis-events: moveGroup: stream "orders" has no group "nobody"\n' });
    const bad = await run('group', 'move', 'orders', 'billing', '--to', 'yesterday', '--yes');
    expect([bad.code, bad.stderr.split('\n')[0]]).toEqual([2, 'rx-redis-events: --to must be start, end, an ISO time such as 2026-12-01T09:00:00Z or an entry id such as 1700000000000-0, got "yesterday"']);
  }, 60_000);

  it('group move - on a terminal it asks: no changes nothing (exit 1), y moves', async () => {
    const { billing } = await scenario();
    const prompt = 'Move group "billing" of orders to start? [y/N] ';
    expect(await terminal(['group', 'move', 'orders', 'billing', '--to', 'start'], prompt, 'n\n')).toEqual({ code: 1, output: `${prompt}n\r\nrx-redis-events: group move cancelled, nothing changed\r\n` });
    expect((await billing.describe(orders)).groups.find((group) => group.name === 'billing')?.lag).toBe(0);
    expect(await terminal(['group', 'move', 'orders', 'billing', '--to', 'start'], prompt, 'y\n')).toEqual({ code: 0, output: `${prompt}y\r\nmoved group billing of orders to start\r\n` });
    expect((await billing.describe(orders)).groups.find((group) => group.name === 'billing')?.lag).toBe(3);
  }, 60_000);

  it('group remove - refused while a consumer was active in the last minute, naming it; --force removes it; on a terminal it asks', async () => {
    const { billing } = await scenario();
    const refused = await run('group', 'remove', 'orders', 'billing');
    expect([refused.code, refused.stderr.split('\n')[0]]).toEqual([2, 'rx-redis-events: group remove changes group "billing" of orders: add --yes to do so without a terminal to confirm on']);
    expect(await run('group', 'remove', 'orders', 'billing', '--yes')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'rx-redis-events: removeGroup: group "billing" of stream "orders" has live consumers (active within the last 60 s): b#1; stop them first, or pass { force: true }\n',
    });
    const prompt = 'Remove group "billing" of orders, even with live consumers? [y/N] ';
    expect(await terminal(['group', 'remove', 'orders', 'billing', '--force'], prompt, 'no\n')).toEqual({ code: 1, output: `${prompt}no\r\nrx-redis-events: group remove cancelled, nothing changed\r\n` });
    expect(await run('group', 'remove', 'orders', 'billing', '--force', '--yes')).toEqual({ code: 0, stderr: '', stdout: 'removed group billing of orders\n' });
    expect((await billing.describe(orders)).groups.map((group) => group.name)).toEqual(['audit']);
  }, 60_000);
});
