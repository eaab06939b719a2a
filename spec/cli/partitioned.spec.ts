import { createEventService, eventStream, type EventService, type StreamDescription } from '../../src';
import { partitionOf } from '../../src/partitions/partitionOf';
import { partitionKeys } from '../../src/partitions/streamLayout';
import { collect, uniqueName } from '../conformance/helpers';
import { useRedisServer } from '../support/useRedisServer';
import { RunningCli, runCli, useBuiltCli } from './runCli';
import { eventually } from '../support/eventually';

interface Payment {
  n: number;
}
const payments = eventStream<Payment>('payments', { partitions: 20, key: (p) => `c${p.n}` });
const columns = (line: string | undefined) => (line ?? '').split(/ {2,}/);
const byId = (a: string, b: string) => {
  const [[aMs, aSeq], [bMs, bSeq]] = [a.split('-').map(Number), b.split('-').map(Number)] as [number[], number[]];
  return (aMs as number) - (bMs as number) || (aSeq as number) - (bSeq as number);
};

describe('rx-redis-events CLI - partitioned streams (found from their keys)', () => {
  const redis = useRedisServer();
  const cli = useBuiltCli();
  const services: EventService[] = [];
  let prefix = '';
  const env = () => ({ REDIS_URL: redis.server.url });
  const run = (...args: string[]) => runCli(cli.file, [...args, '--prefix', prefix], env());
  const open = (group: string) => {
    const service = createEventService({ group, consumer: `${group}-1`, redis: redis.server.url, prefix, closeTimeoutMs: 10 });
    services.push(service);
    return service;
  };
  beforeEach(() => {
    prefix = `${uniqueName('cli-partitions')}:`;
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.close()));
  });

  /** payments: 40 events over 20 partitions; group billing acked all but n = 5 and n = 17, which it dead-lettered. */
  async function scenario() {
    const service = open('billing');
    const ids = await service.produce(payments, ...Array.from({ length: 40 }, (_, index) => ({ n: index + 1 })));
    const deliveries = await collect(service.consume(payments, { from: 'start', maxDeliveries: 1 }), 40);
    await Promise.all(deliveries.map((delivery) => (delivery.value.n === 5 || delivery.value.n === 17 ? delivery.nack() : delivery.ack())));
    await eventually('two dead letters', async () => (await service.deadLetters(payments)).length === 2);
    await eventually('nothing pending', async () => (await service.describe(payments)).groups[0]?.pending === 0);
    return { service, ids };
  }

  it('partitions - streams shows the partition count; describe sums the 20 partitions', async () => {
    const { ids } = await scenario();
    const sorted = [...ids].sort(byId);
    const streams = await run('streams');
    expect(streams).toEqual({ code: 0, stderr: '', stdout: 'STREAM    PARTITIONS  LENGTH  GROUPS   DEAD LETTERS\npayments  20          40      billing  2\n' });
    const described = await run('describe', 'payments');
    const lines = described.stdout.split('\n');
    expect({ code: described.code, stderr: described.stderr }).toEqual({ code: 0, stderr: '' });
    expect(lines.slice(0, 8)).toEqual(['stream        payments', 'partitions    20', 'length        40', `first id      ${sorted[0]}`, `last id       ${sorted[39]}`, 'dead letters  2', '', 'GROUP    CONSUMERS  PENDING  LAG  LAST DELIVERED   OLDEST PENDING  DEAD LETTERS']);
    expect(columns(lines[8])).toEqual(['billing', '1', '0', '0', sorted[39], '-', '2']);
    expect(lines.slice(10, 12).map(columns)).toEqual([['GROUP', 'CONSUMER', 'PENDING', 'IDLE'], ['billing', 'billing-1#1', '0', expect.stringMatching(/^\d+(ms|\.\ds)$/) as unknown]]);
    const asJson = JSON.parse((await run('describe', 'payments', '--json')).stdout) as StreamDescription;
    expect({ length: asJson.length, deadLetters: asJson.deadLetters, partitions: asJson.partitions.map((p) => p.key) }).toEqual({ length: 40, deadLetters: 2, partitions: partitionKeys(prefix, payments) });
  }, 60_000);

  it('partitions - tail reads every partition: from the start, and live; --group consumes and acks them all', async () => {
    const { ids } = await scenario();
    const all = await run('tail', 'payments', '--from', 'start', '--count', '40', '--json');
    const printed = all.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { id: string; key: string; value: Payment });
    expect(printed.map((event) => [event.key, event.id, event.value.n]).sort((a, b) => (a[2] as number) - (b[2] as number))).toEqual(ids.map((id, index) => [`c${index + 1}`, id, index + 1]));

    // after the newest entry of any partition: what is produced from now on, however long the tail takes to start
    const live = new RunningCli(cli.file, ['tail', 'payments', '--from', [...ids].sort(byId)[39] as string, '--prefix', prefix], env());
    const more = await open('producer').produce(payments, { n: 41 }, { n: 42 }, { n: 43 });
    await eventually('three lines', () => live.lines.length === 3, 15_000);
    expect([...live.lines].sort()).toEqual(more.map((id, index) => `${id}  c${41 + index}  { n: ${41 + index} }`).sort());
    expect(await live.stop()).toBe(0);

    const consumed = await run('tail', 'payments', '--group', 'audit', '--from', 'start', '--count', '43', '--json');
    expect({ code: consumed.code, lines: consumed.stdout.trimEnd().split('\n').length, stderr: consumed.stderr }).toEqual({ code: 0, lines: 43, stderr: 'tail: consuming as group "audit" (consumer tail#1): each event printed is acked for that group\n' });
    const audit = (await open('check').describe(payments)).groups.find((group) => group.name === 'audit');
    expect({ pending: audit?.pending, lag: audit?.lag }).toEqual({ pending: 0, lag: 0 });
  }, 60_000);

  it('partitions - dlq list, show and redrive reach the dead letters of every partition; produce keeps the partitions', async () => {
    const { service, ids } = await scenario();
    const letters = await service.deadLetters(payments);
    const list = await run('dlq', 'list', 'payments');
    expect(list.stdout.trimEnd().split('\n').slice(1).map(columns)).toEqual(letters.map((letter) => [letter.id, letter.sourceId, 'billing', 'max-deliveries', '1', 'nacked']));
    expect(letters.map((letter) => letter.sourceId).sort()).toEqual([ids[4], ids[16]].sort());
    const seventeen = letters.find((letter) => letter.sourceId === ids[16]);
    const show = await run('dlq', 'show', 'payments', seventeen?.id as string);
    expect(show.stdout.split('\n').map(columns).filter(([name]) => name === 'key' || name === 'value')).toEqual([['key', 'c17'], ['value', '{ n: 17 }']]);
    expect(await run('dlq', 'redrive', 'payments', '--yes')).toEqual({ code: 0, stdout: 'redriven 2 dead letters to payments\n', stderr: 'redriven: 2/2\n' });
    expect(await service.describe(payments)).toMatchObject({ length: 42, deadLetters: 0 });

    const produced = await run('produce', 'payments', '{"n":99}', '--key', 'c99');
    const [id] = produced.stdout.split('\n');
    expect(produced.code).toBe(0);
    expect(await redis.admin.exists(`${prefix}payments`)).toBe(0); // no one-partition key beside the partitions
    const keyed = (await Promise.all(partitionKeys(prefix, payments).map(async (key) => ((await redis.admin.xrange(key, id as string, id as string)).length === 1 ? key : undefined)))).filter(Boolean);
    expect(keyed).toEqual([partitionKeys(prefix, payments)[partitionOf('c99', 20)]]);
  }, 60_000);
});
