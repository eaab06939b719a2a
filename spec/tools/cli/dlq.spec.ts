import { createEventService, eventStream, type EventService } from '../../../src';
import { collect, uniqueName } from '../../conformance/helpers';
import { useRedisServer } from '../../support/useRedisServer';
import { runCli, runInTerminal, useBuiltCli } from './runCli';
import { eventually } from '../../support/eventually';
import { monitorCommands } from '../../support/monitorCommands';

const orders = eventStream<{ n: number }>('orders', { key: (o) => `o${o.n}` });
const PROMPT = 'Redrive 2 dead letters of every group back onto orders? [y/N] ';

describe('rx-redis-events CLI - dlq: redrive asks first, --dry-run, and show reads one entry', () => {
  const redis = useRedisServer();
  const cli = useBuiltCli();
  const services: EventService[] = [];
  let prefix = '';
  const env = () => ({ REDIS_URL: redis.server.url });
  const run = (...args: string[]) => runCli(cli.file, [...args, '--prefix', prefix], env());
  const terminal = (args: string[], answer?: string, more: NodeJS.ProcessEnv = {}) => runInTerminal(cli.file, [...args, '--prefix', prefix], { ...env(), ...more }, answer === undefined ? undefined : { prompt: PROMPT, answer });
  beforeEach(() => {
    prefix = `${uniqueName('cli-dlq')}:`;
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.close()));
  });

  /** orders: 3 events; group A dead-lettered o1 and o2 and acked o3. */
  async function scenario() {
    const service = createEventService({ group: 'A', redis: redis.server.url, prefix, closeTimeoutMs: 10 });
    services.push(service);
    await service.produce(orders, { n: 1 }, { n: 2 }, { n: 3 });
    const deliveries = await collect(service.consume(orders, { from: 'start', maxDeliveries: 1 }), 3);
    await Promise.all(deliveries.map((delivery) => (delivery.value.n === 3 ? delivery.ack() : delivery.nack())));
    await eventually('two dead letters', async () => (await service.deadLetters(orders)).length === 2);
    return { service, letters: await service.deadLetters(orders) };
  }

  it('dlq - redrive without --id and without a terminal: a usage error unless --yes, and nothing is redriven; --id needs no confirmation', async () => {
    const { service, letters } = await scenario();
    const refused = await run('dlq', 'redrive', 'orders');
    expect({ code: refused.code, stdout: refused.stdout, first: refused.stderr.split('\n')[0] }).toEqual({ code: 2, stdout: '', first: 'rx-redis-events: dlq redrive without --id puts back every dead letter chosen: add --yes to do so without a terminal to confirm on (or --dry-run to see them)' });
    expect(await service.deadLetters(orders)).toHaveLength(2);
    expect(await run('dlq', 'redrive', 'orders', '--id', letters[0]?.id as string)).toEqual({ code: 0, stdout: 'redriven 1 dead letter to orders\n', stderr: 'redriven: 1/1\n' });
    expect(await run('dlq', 'redrive', 'orders', '--yes')).toEqual({ code: 0, stdout: 'redriven 1 dead letter to orders\n', stderr: 'redriven: 1/1\n' });
    expect(await service.deadLetters(orders)).toEqual([]);
  }, 60_000);

  it('dlq - redrive --dry-run lists what it would redrive and changes nothing', async () => {
    const { service, letters } = await scenario();
    const [first, second] = letters;
    const dry = await run('dlq', 'redrive', 'orders', '--dry-run');
    expect({ code: dry.code, stderr: dry.stderr, lines: dry.stdout.split('\n').map((line) => line.split(/ {2,}/)) }).toEqual({
      code: 0,
      stderr: '',
      lines: [['ID', 'SOURCE ID', 'GROUP', 'REASON', 'DELIVERIES', 'ERROR'], [first?.id, first?.sourceId, 'A', 'max-deliveries', '1', 'nacked'], [second?.id, second?.sourceId, 'A', 'max-deliveries', '1', 'nacked'], ['would redrive 2 dead letters to orders (dry run: nothing changed)'], ['']],
    });
    expect(await run('dlq', 'redrive', 'orders', '--dry-run', '--group', 'B', '--json')).toEqual({ code: 0, stdout: '{"dryRun":true,"wouldRedrive":[]}\n', stderr: '' });
    expect(await service.describe(orders)).toMatchObject({ length: 3, deadLetters: 2 });
  }, 60_000);

  it('dlq - redrive without --id on a terminal asks: no keeps the dead letters (exit 1), y redrives them', async () => {
    const { service } = await scenario();
    const declined = await terminal(['dlq', 'redrive', 'orders'], 'n\n');
    expect(declined).toEqual({ code: 1, output: `${PROMPT}n\r\nrx-redis-events: redrive cancelled, nothing redriven\r\n` });
    expect(await service.deadLetters(orders)).toHaveLength(2);
    const accepted = await terminal(['dlq', 'redrive', 'orders'], 'y\n', { NO_COLOR: '1' });
    expect(accepted).toEqual({ code: 0, output: `${PROMPT}y\r\nredriven: 2/2\r\nredriven 2 dead letters to orders\r\n` });
    expect(await service.deadLetters(orders)).toEqual([]);
  }, 60_000);

  it('dlq - the help names the dead-letter key as it is; show reads that one entry (XRANGE <id> <id> COUNT 1)', async () => {
    const { letters } = await scenario();
    const help = await runCli(cli.file, ['dlq', '--help']);
    expect(help.stdout).toContain('<key>:{<key>}:dlq for a stream key <key> = <prefix><stream> (e.g.\nshop:orders:{shop:orders}:dlq), <key>:dlq for a partition\'s key <prefix><stream>:{<tag>}');
    const key = `${prefix}orders:{${prefix}orders}:dlq`;
    expect(await redis.admin.xlen(key)).toBe(2);

    const monitor = await monitorCommands(redis.server);
    try {
      const second = letters[1]?.id as string;
      const show = await run('dlq', 'show', 'orders', second);
      expect({ code: show.code, first: show.stdout.split('\n')[0] }).toEqual({ code: 0, first: `id             ${second}` });
      const reads = monitor.commands.filter(([command, read]) => command === 'XRANGE' && read === key); // the dead-letter stream's reads only
      expect(reads).toEqual([['XRANGE', key, second, second, 'COUNT', '1']]);
    } finally {
      monitor.close();
    }
  }, 60_000);
});
