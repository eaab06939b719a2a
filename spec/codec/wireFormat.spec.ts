import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { firstValueFrom, take, toArray, timeout } from 'rxjs';
import { broadcastStream, createEventService, eventStream, type Delivery, type EventService } from '../../src';
import { partitionTags } from '../../src/partitions/partitionTags';
import { encodeValue } from '../../src/codec/entryCodec';
import { eventually } from '../support/eventually';
import { useRedisServer } from '../support/useRedisServer';

/**
 * The Wire format guide (`docs/wire-format.md`), run as it is written: each `<!-- wire-format: name -->`
 * block is a shell script of `redis-cli` commands whose `#>` lines are the output it must print. The
 * guide's entry ids (`1700000000000-<n>`) stand for the ids Redis gives: the first time one is met in an
 * output, the real id there is remembered, and it replaces the guide's id in later commands and outputs.
 */
const GUIDE = readFileSync(join(__dirname, '..', '..', 'docs', 'wire-format.md'), 'utf8');
const SECTION = /\n# Wire format\n([\s\S]*)$/.exec(GUIDE)?.[1] ?? '';
const GUIDE_PREFIX = 'shop:';
const GUIDE_ID = /1700000000000-\d+/g;

interface Order {
  orderId: string;
  total: number;
  items: string[];
}
interface Price {
  sku: string;
  price: number;
}

function block(name: string): { script: string; expected: string[] } {
  const found = new RegExp(`<!-- wire-format: ${name} -->\\n\`\`\`sh\\n([\\s\\S]*?)\`\`\`\\n`).exec(SECTION);
  if (!found) throw new Error(`the Wire format guide has no block "${name}"`);
  const script = found[1] as string;
  return { script, expected: script.split('\n').filter((line) => line.startsWith('#> ')).map((line) => line.slice(3)) };
}

describe('wire format (docs/wire-format.md)', () => {
  const redis = useRedisServer();
  let prefix: string;
  let ids: Map<string, string>;
  const services: EventService[] = [];

  beforeEach(() => {
    prefix = `wire-${Math.random().toString(36).slice(2, 8)}:`;
    ids = new Map();
  });
  afterEach(() => Promise.all(services.splice(0).map((service) => service.close())));

  const open = (group: string) => {
    const service = createEventService({ group, redis: redis.server.url, prefix, closeTimeoutMs: 100, onError: () => undefined });
    services.push(service);
    return service;
  };
  const Orders = eventStream<Order>('orders', { codec: 'json', key: (order) => order.orderId });
  const Prices = broadcastStream<Price>('prices', { codec: 'json' });

  /** The script for this test: its prefix instead of the guide's, the real ids instead of the guide's, `redis-cli` on the private server. */
  const shell = (script: string) =>
    `set -e\nredis-cli() { command redis-cli -p ${redis.server.port} "$@"; }\n` + script.split(GUIDE_PREFIX).join(prefix).replace(GUIDE_ID, (id) => ids.get(id) ?? id);

  /** Compares output lines (the test's prefix read back as the guide's) with the guide's, learning the ids they hold. */
  const expectOutput = (output: string, expected: readonly string[]) => {
    const lines = output.split(prefix).join(GUIDE_PREFIX).split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    expect(lines).toHaveLength(expected.length);
    expected.forEach((line, index) => {
      const known = line.replace(GUIDE_ID, (id) => ids.get(id) ?? id);
      const unknown = [...known.matchAll(GUIDE_ID)].map((match) => match[0]);
      const pattern = new RegExp(`^${known.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(GUIDE_ID, '(\\d+-\\d+)')}$`);
      const match = pattern.exec(lines[index] as string);
      expect({ line: index, text: lines[index] }).toEqual({ line: index, text: match ? lines[index] : known });
      unknown.forEach((id, at) => ids.set(id, match?.[at + 1] as string));
    });
  };

  const run = async (name: string) => {
    const { script, expected } = block(name);
    const { stdout } = await promisify(execFile)('bash', ['-c', shell(script)]);
    expectOutput(stdout, expected);
  };

  it('wire format - entries written with redis-cli are consumed, the library’s are read with redis-cli, dead letters too', async () => {
    const billing = open('billing');
    const delivered: Delivery<Order>[] = [];
    const subscription = billing.consume(Orders, { from: 'start' }).subscribe((delivery) => (delivered.push(delivery), void delivery.ack()));
    await run('write');
    await eventually('the event written with redis-cli', () => delivered.length === 1);
    expect(delivered.map(({ id, value, key }) => ({ id, value, key }))).toEqual([{ id: ids.get('1700000000000-0'), value: { orderId: 'o-1', total: 12.5, items: ['book'] }, key: 'o-1' }]);
    subscription.unsubscribe();
    await billing.close();
    await redis.admin.del(`${prefix}orders`); // the guide's XRANGE shows what produce wrote, alone

    const shop = open('shop');
    const [produced] = await shop.produce(Orders, { orderId: 'o-2', total: 7, items: [] });
    await run('read');
    expect(ids.get('1700000000000-1')).toBe(produced);
    await run('consume');
    expect((await redis.admin.xpending(`${prefix}orders`, 'audit'))[0]).toBe(0);

    const again = open('billing');
    const seen: Delivery<Order>[] = [];
    again.consume(Orders, { from: 'start' }).subscribe((delivery) => (seen.push(delivery), void delivery.ack()));
    await eventually('the library’s own event', () => seen.length === 1);
    await run('dead-letter-write');
    await eventually('the dead letter', async () => (await again.deadLetters(Orders)).length === 1);
    await run('dead-letter-read');
    const [letter] = await again.deadLetters(Orders);
    expect({ sourceId: letter?.sourceId, reason: letter?.reason, key: letter?.key, value: letter?.value }).toEqual({ sourceId: ids.get('1700000000000-2'), reason: 'decode', key: 'o-3', value: undefined });
    expect(seen.map((delivery) => delivery.value)).toEqual([{ orderId: 'o-2', total: 7, items: [] }]);
  });

  it('wire format - a message published with redis-cli is heard, a broadcast is read with redis-cli SUBSCRIBE', async () => {
    const listener = open('prices');
    const heard = firstValueFrom(listener.listen(Prices).pipe(take(1), toArray(), timeout(5000)));
    await listener.listening(Prices);
    await run('publish');
    expect(await heard).toEqual([{ sku: 'a-1', price: 9.99 }]);
    const subscribers = async () => ((await redis.admin.pubsub('NUMSUB', `${prefix}prices`)) as [string, number])[1];
    await listener.close();
    await eventually('no subscriber', async () => (await subscribers()) === 0);

    const { script, expected } = block('subscribe');
    const child = spawn('bash', ['-c', shell(script)], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await eventually('the redis-cli subscriber', async () => (await subscribers()) === 1);
      await open('shop').broadcast(Prices, { sku: 'a-2', price: 5 });
      await eventually('the message', () => output.split('\n').length > expected.length);
    } finally {
      process.kill(-(child.pid as number));
    }
    expectOutput(output, expected);
  });

  it('wire format - the partition tags, the superjson document and the definitions in the text are what the library and this spec use', async () => {
    expect(SECTION).toContain("const Orders = eventStream<Order>('orders', { codec: 'json', key: (order) => order.orderId });\nconst Prices = broadcastStream<Price>('prices', { codec: 'json' });\n");
    expect(SECTION).toContain(`for 2 partitions ${partitionTags(2).map((tag) => `\`${tag}\``).join(', ')}; for 4, ${partitionTags(4).map((tag) => `\`${tag}\``).join(', ')}.`);
    const superjsonExample = /\(`(\{"json":\{"at":[^`]*)`\)/.exec(SECTION)?.[1];
    expect(superjsonExample).toBe(encodeValue('orders', { at: new Date('2026-01-01T00:00:00.000Z') }));
    const keyed = eventStream<{ id: string }>('orders', { partitions: 4, key: (order) => order.id });
    const [id] = await open('shop').produce(keyed, { id: 'o-9' });
    // fnv1a32("o-9") mod 4, as the text says
    const fnv = [...Buffer.from('o-9')].reduce((hash, byte) => Math.imul(hash ^ byte, 16777619) >>> 0, 2166136261);
    expect(await redis.admin.xrange(`${prefix}orders:{${partitionTags(4)[fnv % 4] as string}}`, '-', '+')).toEqual([[id, ['v', '{"json":{"id":"o-9"}}', 'k', 'o-9']]]);
  });
});
