import { createEventService, eventStream, type Delivery, type EventService, type StreamDescription } from '../../../src';
import { collect, uniqueName } from '../../conformance/helpers';
import { useRedisServer } from '../../support/useRedisServer';
import { version } from '../../../package.json';
import { buildCli, RunningCli, runCli, runInTerminal } from './runCli';
import { eventually } from '../../support/eventually';

interface Order {
  n: number;
  at: Date;
}
const order = (n: number): Order => ({ n, at: new Date(Date.UTC(2024, 0, 1, 0, 0, n)) });
const columns = (line: string | undefined) => (line ?? '').split(/ {2,}/);

describe('rx-redis-events CLI (built with the package tsup config, run as a child process)', () => {
  const redis = useRedisServer();
  let cli = '';
  let remove = (): Promise<void> => Promise.resolve();
  const services: EventService[] = [];
  let prefix = '';
  const env = () => ({ REDIS_URL: redis.server.url });
  const run = (...args: string[]) => runCli(cli, [...args, '--prefix', prefix], env());
  const open = (group: string) => {
    const service = createEventService({ group, consumer: group.toLowerCase(), redis: redis.server.url, prefix, closeTimeoutMs: 10 });
    services.push(service);
    return service;
  };

  beforeAll(async () => {
    ({ file: cli, remove } = await buildCli());
  }, 60_000);
  afterAll(() => remove());
  beforeEach(() => {
    prefix = `${uniqueName('cli')}:`;
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.close()));
  });

  const orders = eventStream<Order>('orders', { key: (o) => `o${o.n}`, retention: { maxLength: 100 } });
  /** orders: 3 events; group A acked #1, dead-lettered #2, holds #3. payments: 1 event, no group. */
  async function scenario() {
    const service = open('A');
    const ids = await service.produce(orders, order(1), order(2), order(3));
    await service.produce(eventStream<number>('payments'), 7);
    const [first, second] = await collect(service.consume(orders, { from: 'start', maxDeliveries: 1 }), 3);
    await first?.ack();
    await second?.nack();
    await eventually('one dead letter', async () => (await service.deadLetters(orders)).length === 1);
    await eventually('one pending', async () => (await service.describe(orders)).groups[0]?.pending === 1);
    return { service, ids };
  }

  it('cli - --help everywhere (exit 0); no command, an unknown one or bad arguments: usage on stderr, exit 2', async () => {
    const top = await runCli(cli, ['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout.split('\n')[0]).toBe('Usage: rx-redis-events <command> [options]');
    for (const command of ['streams', 'describe', 'tail', 'dlq', 'produce']) {
      const help = await runCli(cli, [command, '--help']);
      expect({ code: help.code, first: help.stdout.split('\n')[0]?.startsWith(`Usage: rx-redis-events ${command}`), stderr: help.stderr }).toEqual({ code: 0, first: true, stderr: '' });
    }
    expect((await runCli(cli, [])).code).toBe(2);
    const unknown = await runCli(cli, ['nope']);
    expect({ code: unknown.code, first: unknown.stderr.split('\n')[0] }).toEqual({ code: 2, first: 'rx-redis-events: unknown command "nope"' });
    const missing = await runCli(cli, ['describe']);
    expect({ code: missing.code, first: missing.stderr.split('\n')[0] }).toEqual({ code: 2, first: 'rx-redis-events: describe takes one stream name' });
    const badOption = await runCli(cli, ['streams', '--bogus']);
    expect({ code: badOption.code, first: badOption.stderr.split('\n')[0] }).toEqual({ code: 2, first: "rx-redis-events: Unknown option '--bogus'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--bogus\"" });
    const badJson = await runCli(cli, ['produce', 'orders', '{nope']);
    expect(badJson.code).toBe(2);
  }, 60_000);

  it('cli - --version; help <command>; stray arguments and URLs that are not redis:// or rediss:// are usage errors (exit 2)', async () => {
    expect(await runCli(cli, ['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    const help = await runCli(cli, ['help', 'tail']);
    expect({ code: help.code, first: help.stdout.split('\n')[0], global: help.stdout.includes('\nOptions of every command:\n'), stderr: help.stderr }).toEqual({ code: 0, first: 'Usage: rx-redis-events tail <stream> [--from start|new|<id>] [--group <g>] [--count <n>] [--json]', global: true, stderr: '' });
    const unknownHelp = await runCli(cli, ['help', 'nope']);
    expect({ code: unknownHelp.code, first: unknownHelp.stderr.split('\n')[0] }).toEqual({ code: 2, first: 'rx-redis-events: unknown command "nope"' });
    const firstLine = async (...args: string[]) => {
      const result = await runCli(cli, args, env());
      return { code: result.code, stdout: result.stdout, first: result.stderr.split('\n')[0] };
    };
    expect(await firstLine('streams', 'orders')).toEqual({ code: 2, stdout: '', first: 'rx-redis-events: streams takes no arguments; unexpected argument "orders"' });
    expect(await firstLine('describe', 'orders', 'payments')).toEqual({ code: 2, stdout: '', first: 'rx-redis-events: describe takes one stream name; unexpected argument "payments"' });
    expect(await firstLine('tail', 'orders', 'x', 'y')).toEqual({ code: 2, stdout: '', first: 'rx-redis-events: tail takes one stream name; unexpected arguments "x" "y"' });
    expect(await firstLine('dlq', 'list', 'orders', 'extra')).toEqual({ code: 2, stdout: '', first: 'rx-redis-events: dlq list takes a stream name; unexpected argument "extra"' });
    expect(await firstLine('produce', 'orders', '{}', 'extra')).toEqual({ code: 2, stdout: '', first: 'rx-redis-events: produce takes a stream name and a value; unexpected argument "extra"' });
    expect(await firstLine('streams', '--url', 'http://127.0.0.1:6379')).toEqual({ code: 2, stdout: '', first: 'rx-redis-events: --url must be a redis:// or rediss:// URL, got "http://127.0.0.1:6379"' });
    expect(await firstLine('streams', '--url', '127.0.0.1:6379')).toEqual({ code: 2, stdout: '', first: 'rx-redis-events: --url must be a redis:// or rediss:// URL, got "127.0.0.1:6379"' });
    const fromEnv = await runCli(cli, ['streams'], { REDIS_URL: 'postgres://user:secret@db:5432' });
    expect({ code: fromEnv.code, first: fromEnv.stderr.split('\n')[0] }).toEqual({ code: 2, first: 'rx-redis-events: REDIS_URL must be a redis:// or rediss:// URL, got "postgres://user:***@db:5432"' });
    expect(await firstLine('streams', '--cluster', '127.0.0.1:7000', '--url', 'redis://127.0.0.1:7000')).toEqual({ code: 2, stdout: '', first: 'rx-redis-events: --cluster and --url exclude each other' });
    expect(await firstLine('streams', '--cluster', '127.0.0.1')).toEqual({ code: 2, stdout: '', first: 'rx-redis-events: --cluster takes host:port,host:port,..., got "127.0.0.1"' });
  }, 60_000);

  it('cli - --help: the options end with --version, and the note on colours is a paragraph of its own after them', async () => {
    const lines = (await runCli(cli, ['--help'])).stdout.split('\n');
    const at = lines.findIndex((line) => line.startsWith('  -h, --help'));
    expect(lines.slice(at, at + 6)).toEqual([
      '  -h, --help                this help',
      '  --version                 the version of rx-redis-events',
      '',
      'Colours only on a terminal, and never with NO_COLOR set.',
      '',
      'Run rx-redis-events help <command> (or <command> --help) for a command\'s options.',
    ]);
    const help = (await runCli(cli, ['help', 'describe'])).stdout;
    expect(help.endsWith('  -h, --help                this help\n\nColours only on a terminal, and never with NO_COLOR set.\n')).toBe(true);
  }, 60_000);

  it('cli - produce --superjson reads a superjson document: a Date arrives as a Date; the help says how values are read', async () => {
    const at = '2024-01-01T00:00:05.000Z';
    const result = await run('produce', 'orders', JSON.stringify({ json: { n: 5, at }, meta: { values: { at: ['Date'] }, v: 1 } }), '--superjson', '--key', 'o5');
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const [delivery] = await collect(open('A').consume(orders, { from: 'start' }), 1);
    expect({ id: `${delivery?.id}\n`, key: delivery?.key, value: delivery?.value }).toEqual({ id: result.stdout, key: 'o5', value: { n: 5, at: new Date(at) } });
    const plain = await run('produce', 'orders', JSON.stringify({ n: 6, at }), '--key', 'o6');
    const [second] = await collect(open('B').consume(orders, { from: 'start' }), 2).then((all) => all.slice(1));
    expect({ code: plain.code, value: second?.value }).toEqual({ code: 0, value: { n: 6, at } }); // without --superjson, a date stays a string
    const refused = await run('produce', 'orders', '{"n":7}', '--superjson');
    expect({ code: refused.code, first: refused.stderr.split('\n')[0] }).toEqual({ code: 2, first: 'rx-redis-events: --superjson: cannot read the value: not a superjson document (no "json" member)' });
    const help = (await runCli(cli, ['produce', '--help'])).stdout;
    expect(help).toContain('Appends one event and prints its id. How <value> is read:\n  by default      as a JSON document');
    expect(help).toContain('  --superjson     as a superjson document, {"json": <value>, "meta": <annotations>}');
  }, 60_000);

  it('cli - colours only on a terminal and never with NO_COLOR (util-linux script gives the CLI a terminal)', async () => {
    const [id] = await open('P').produce(orders, order(1));
    const args = ['tail', 'orders', '--from', 'start', '--count', '1', '--prefix', prefix];
    const coloured = await runInTerminal(cli, args, env());
    expect(coloured).toEqual({ code: 0, output: `${id}  o1  { n: \x1b[33m1\x1b[39m, at: \x1b[35m2024-01-01T00:00:01.000Z\x1b[39m }\r\n` });
    expect(await runInTerminal(cli, args, { ...env(), NO_COLOR: '1' })).toEqual({ code: 0, output: `${id}  o1  { n: 1, at: 2024-01-01T00:00:01.000Z }\r\n` });
    expect(await runCli(cli, args, env())).toEqual({ code: 0, stdout: `${id}  o1  { n: 1, at: 2024-01-01T00:00:01.000Z }\n`, stderr: '' });
  }, 60_000);

  it('cli - Redis unreachable: one line on stderr, exit 1', async () => {
    const result = await runCli(cli, ['streams', '--url', 'redis://127.0.0.1:1']);
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'rx-redis-events: cannot connect to redis://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1\n' });
  }, 60_000);

  it('cli - a database the server refuses (db 99 of 16): one line naming it on stderr, exit 1, nothing listed from db 0', async () => {
    const dbPrefix = `${uniqueName('cli-db')}:`;
    await redis.admin.xadd(`${dbPrefix}orders`, '*', 'v', '1'); // in db 0, which must not be listed
    try {
      const url = `${redis.server.url}/99`;
      const result = await runCli(cli, ['streams', '--url', url, '--prefix', dbPrefix]);
      expect(result).toEqual({ code: 1, stdout: '', stderr: `rx-redis-events: cannot connect to ${url}: the server refused to select database 99 (SELECT 99: ERR DB index is out of range); nothing was read or written in another database\n` });
    } finally {
      await redis.admin.del(`${dbPrefix}orders`);
    }
  }, 60_000);

  it('cli - streams lists the streams under the prefix with length, groups and dead letters (dlq keys counted, not listed)', async () => {
    await scenario();
    await open('other').produce(eventStream<number>('elsewhere'), 1); // same server, same prefix: listed
    const table = await run('streams');
    expect(table).toEqual({
      code: 0,
      stderr: '',
      stdout: ['STREAM     PARTITIONS  LENGTH  GROUPS  DEAD LETTERS', 'elsewhere  1           1       -       0', 'orders     1           3       A       1', 'payments   1           1       -       0', ''].join('\n'),
    });
    const asJson = JSON.parse((await run('streams', '--json')).stdout) as unknown;
    expect(asJson).toEqual([
      { stream: 'elsewhere', partitions: 1, length: 1, groups: [], deadLetters: 0 },
      { stream: 'orders', partitions: 1, length: 3, groups: ['A'], deadLetters: 1 },
      { stream: 'payments', partitions: 1, length: 1, groups: [], deadLetters: 0 },
    ]);
    expect((await runCli(cli, ['streams', '--prefix', 'nothing-here:'], env())).stdout).toBe('STREAM  PARTITIONS  LENGTH  GROUPS  DEAD LETTERS\n');
  }, 60_000);

  it('cli - describe prints the summary, the groups and the consumers; --json is what describe() returns', async () => {
    const { ids } = await scenario();
    const result = await run('describe', 'orders');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 8)).toEqual([`stream        orders`, 'length        3', `first id      ${ids[0]}`, `last id       ${ids[2]}`, 'dead letters  1', '', 'GROUP  CONSUMERS  PENDING  LAG  LAST DELIVERED   OLDEST PENDING  DEAD LETTERS', expect.stringMatching(/^A {6}1 {10}1 {8}0 {4}\S+ {2}\S+ +1$/) as unknown]);
    expect(columns(lines[7])).toEqual(['A', '1', '1', '0', ids[2], expect.stringMatching(/^\d+(ms|\.\ds)$/) as unknown, '1']);
    expect(lines[9]).toBe('GROUP  CONSUMER  PENDING  IDLE');
    expect(columns(lines[10])).toEqual(['A', 'a#1', '1', expect.stringMatching(/^\d+(ms|\.\ds)$/) as unknown]);
    const described = JSON.parse((await run('describe', 'orders', '--json')).stdout) as StreamDescription;
    expect(described).toMatchObject({ stream: 'orders', length: 3, firstId: ids[0], lastId: ids[2], deadLetters: 1, groups: [{ name: 'A', pending: 1, lag: 0, lastDeliveredId: ids[2], oldestPendingId: ids[2], deadLetters: 1, consumers: [{ name: 'a#1', pending: 1 }] }] });
  }, 60_000);

  it('cli - describe, tail and dlq of a stream with no key under the prefix: exit 1 naming the stream and the prefix (a typo is not an empty stream)', async () => {
    await scenario();
    const failure = { code: 1, stdout: '', stderr: `rx-redis-events: no stream "ordres" under the prefix "${prefix}"\n` };
    expect(await run('describe', 'ordres')).toEqual(failure);
    expect(await run('tail', 'ordres', '--from', 'start')).toEqual(failure);
    expect(await run('tail', 'ordres', '--group', 'A')).toEqual(failure);
    expect(await run('dlq', 'list', 'ordres')).toEqual(failure);
    expect(await runCli(cli, ['describe', 'orders', '--prefix', 'elsewhere:'], env())).toEqual({ code: 1, stdout: '', stderr: 'rx-redis-events: no stream "orders" under the prefix "elsewhere:"\n' });
    expect(await redis.admin.exists(`${prefix}ordres`)).toBe(0);
  }, 60_000);

  it('cli - produce appends a JSON value (with --key) and prints its id', async () => {
    const result = await run('produce', 'orders', '{"n":5}', '--key', 'o5');
    expect(result.code).toBe(0);
    const [id] = result.stdout.split('\n');
    const [delivery] = await collect(open('A').consume(orders, { from: 'start' }), 1);
    expect({ id: delivery?.id, key: delivery?.key, value: delivery?.value }).toEqual({ id, key: 'o5', value: { n: 5 } });
  }, 60_000);

  it("cli - produce --codec json writes plain JSON; tail shows superjson, plain JSON and other text (raw), and acks all of it with --group", async () => {
    const produced = await run('produce', 'lines', '{"sku":"a","qty":1}', '--codec', 'json');
    expect(produced.code).toBe(0);
    const [id] = produced.stdout.split('\n');
    expect(await redis.admin.xrange(`${prefix}lines`, '-', '+')).toEqual([[id, ['v', '{"sku":"a","qty":1}']]]);
    const other = await redis.admin.xadd(`${prefix}lines`, '*', 'v', 'b|2', 'k', 'b');
    const [third] = await open('P').produce(eventStream<{ at: Date }>('lines'), { at: new Date(Date.UTC(2024, 0, 1)) });
    const read = await run('tail', 'lines', '--from', 'start', '--count', '3', '--json');
    expect(read.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([
      { id, key: null, producedAt: expect.any(String) as unknown, value: { sku: 'a', qty: 1 } },
      { id: other, key: 'b', producedAt: expect.any(String) as unknown, text: 'b|2' },
      { id: third, key: null, producedAt: expect.any(String) as unknown, value: { at: '2024-01-01T00:00:00.000Z' } },
    ]);
    const consumed = await run('tail', 'lines', '--group', 'audit', '--from', 'start', '--count', '3');
    expect(consumed.stdout.trimEnd().split('\n')).toEqual([`${id}  -  { sku: 'a', qty: 1 }`, `${other}  b  <text: 'b|2'>`, `${third}  -  { at: 2024-01-01T00:00:00.000Z }`]);
    const description = await open('A').describe(eventStream('lines'));
    expect({ deadLetters: description.deadLetters, pending: description.groups.map((group) => group.pending) }).toEqual({ deadLetters: 0, pending: [0] });
    const bad = await run('produce', 'lines', '{}', '--codec', 'yaml');
    expect({ code: bad.code, first: bad.stderr.split('\n')[0] }).toEqual({ code: 2, first: 'rx-redis-events: --codec must be superjson or json, got "yaml"' });
  }, 60_000);

  it('cli - tail without a group prints events as they arrive (XREAD) and joins no group; SIGINT ends it with 0', async () => {
    const service = open('P');
    const [start] = await service.produce(orders, order(1));
    const tail = new RunningCli(cli, ['tail', 'orders', '--from', start as string, '--prefix', prefix], env());
    const ids = await service.produce(orders, order(2), order(3));
    await eventually('two lines', () => tail.lines.length === 2);
    expect(tail.lines).toEqual([`${ids[0]}  o2  { n: 2, at: 2024-01-01T00:00:02.000Z }`, `${ids[1]}  o3  { n: 3, at: 2024-01-01T00:00:03.000Z }`]);
    expect(await tail.stop()).toBe(0);
    expect(await redis.admin.xinfo('GROUPS', `${prefix}orders`)).toEqual([]);
  }, 60_000);

  it('cli - tail --group consumes as that group from the start and acks; --json prints one document per line; --count ends it', async () => {
    const ids = await open('P').produce(orders, order(1), order(2));
    const result = await run('tail', 'orders', '--group', 'audit', '--from', 'start', '--count', '2', '--json');
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: 'tail: consuming as group "audit" (consumer tail#1): each event printed is acked for that group\n' });
    expect(result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual(
      [1, 2].map((n, index) => ({ id: ids[index], key: `o${n}`, producedAt: expect.any(String) as unknown, value: { n, at: order(n).at.toISOString() } })),
    );
    const description = await open('A').describe(orders);
    expect(description.groups.map(({ name, pending, lag, consumers }) => ({ name, pending, lag, consumers: consumers.map((c) => c.name) }))).toEqual([{ name: 'audit', pending: 0, lag: 0, consumers: [] }]); // its consumer held nothing, so closing removed it
  }, 60_000);

  it('cli - tail --group --count 2 reads exactly the 2 entries it prints: the 3rd is neither read nor pending', async () => {
    const ids = await open('P').produce(orders, order(1), order(2), order(3));
    const result = await run('tail', 'orders', '--group', 'cli-audit', '--from', 'start', '--count', '2');
    expect({ code: result.code, stdout: result.stdout }).toEqual({
      code: 0,
      stdout: `${ids[0]}  o1  { n: 1, at: 2024-01-01T00:00:01.000Z }\n${ids[1]}  o2  { n: 2, at: 2024-01-01T00:00:02.000Z }\n`,
    });
    const [group] = (await open('A').describe(orders)).groups;
    expect({ name: group?.name, pending: group?.pending, lag: group?.lag, lastDeliveredId: group?.lastDeliveredId }).toEqual({ name: 'cli-audit', pending: 0, lag: 1, lastDeliveredId: ids[1] });
    expect(await redis.admin.xpending(`${prefix}orders`, 'cli-audit')).toEqual([0, null, null, null]);
  }, 60_000);

  it('cli - dlq list and show the dead letters; redrive puts 150 back with progress lines on stderr', async () => {
    const { ids } = await scenario();
    const list = await run('dlq', 'list', 'orders');
    const [letter] = await open('B').deadLetters(orders);
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(columns(lines[0])).toEqual(['ID', 'SOURCE ID', 'GROUP', 'REASON', 'DELIVERIES', 'ERROR']);
    expect(lines.slice(1).map(columns)).toEqual([[letter?.id, ids[1], 'A', 'max-deliveries', '1', 'nacked']]);
    const show = await run('dlq', 'show', 'orders', letter?.id as string);
    expect(show.stdout.split('\n').map(columns)).toEqual([
      ['id', letter?.id],
      ['source id', ids[1]],
      ['group', 'A'],
      ['reason', 'max-deliveries'],
      ['deliveries', '1'],
      ['error', 'nacked'],
      ['dead-lettered', letter?.deadLetteredAt.toISOString()],
      ['key', 'o2'],
      ['value', '{ n: 2, at: 2024-01-01T00:00:02.000Z }'],
      [''],
    ]);
    expect(await run('dlq', 'show', 'orders', '1-1')).toEqual({ code: 1, stdout: '', stderr: 'rx-redis-events: no dead letter 1-1 in orders\n' });

    const bulk = eventStream<number>('bulk');
    const service = open('C');
    await service.produce(bulk, ...Array.from({ length: 150 }, (_, n) => n));
    const subscription = service.consume(bulk, { from: 'start', maxDeliveries: 1 }).subscribe((d: Delivery<number>) => void d.nack());
    await eventually('150 dead letters', async () => (await service.describe(bulk)).deadLetters === 150);
    subscription.unsubscribe();
    const redrive = await run('dlq', 'redrive', 'bulk', '--yes');
    expect(redrive).toEqual({ code: 0, stdout: 'redriven 150 dead letters to bulk\n', stderr: 'redriven: 100/150\nredriven: 150/150\n' });
    expect(await service.describe(bulk)).toMatchObject({ length: 300, deadLetters: 0 });
  }, 60_000);
});
