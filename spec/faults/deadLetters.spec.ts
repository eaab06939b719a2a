import { NEVER, type Subscription } from 'rxjs';
import { ackAfter, createEventService, eventStream, type AckAfterConfig, type ConsumeOptions, type DeadLetter, type Delivery, type EventService, type EventStream } from 'rx-redis-events';
import { uniqueName } from '../conformance/helpers';
import { useRedisServer } from '../support/useRedisServer';
import { range, report, tally } from './harness';
import { eventually } from '../support/eventually';

type Invoice = { n: number };

/** One handler call: which event, which delivery of it, when. */
interface Call {
  readonly n: number;
  readonly id: string;
  readonly count: number;
  readonly at: number;
  /** The handler threw. */
  readonly failed: boolean;
}

/** Scenario 4 of the issue: poison messages and undecodable entries end in the dead-letter stream. */
describe('faults - dead letters', () => {
  const redis = useRedisServer();
  let services: EventService[] = [];
  let subscriptions: Subscription[] = [];
  let errors: unknown[] = [];

  afterEach(async () => {
    subscriptions.forEach((subscription) => subscription.unsubscribe());
    await Promise.all(services.map((service) => service.close()));
    [services, subscriptions, errors] = [[], [], []];
  });

  const serviceOf = (group: string, prefix: string, consumer = group) => {
    const service = createEventService({ group, consumer, redis: redis.server.url, prefix, closeTimeoutMs: 200, onError: (error) => void errors.push(error) });
    services.push(service);
    return service;
  };

  /** Consumes with `ackAfter(handler)`, recording every call; `poison(n)` makes the handler throw. */
  function consumeInto(service: EventService, stream: EventStream<Invoice>, options: ConsumeOptions, poison: (n: number) => boolean, retry?: AckAfterConfig) {
    const calls: Call[] = [];
    const handler = (delivery: Delivery<Invoice>) => {
      const { n } = delivery.value;
      const failed = poison(n);
      calls.push({ n, id: delivery.id, count: delivery.deliveryCount, at: Date.now(), failed });
      if (failed) throw new Error(`poison ${n}`);
    };
    subscriptions.push(service.consume(stream, { from: 'start', ...options }).pipe(ackAfter(handler, retry ?? {})).subscribe());
    return calls;
  }

  const succeeded = (calls: Call[]) => calls.filter((call) => !call.failed);
  const pendingOf = async (key: string, group: string) => ((await redis.admin.xpending(key, group)) as [number])[0];

  it('faults - a poison message is dead-lettered after maxDeliveries without blocking the events behind it; undecodable entries at once, reason decode', async () => {
    const prefix = `${uniqueName('dlq')}:`;
    const stream = eventStream<Invoice>('invoices');
    const key = prefix + stream.name;
    const producer = serviceOf('shop', prefix);
    const ids = await producer.produce(stream, ...[...range(1, 100)].map((n) => ({ n })));
    const notJson = (await redis.admin.xadd(key, '*', 'v', 'notjson')) as string;
    const noValue = (await redis.admin.xadd(key, '*', 'x', '1')) as string;
    ids.push(...(await producer.produce(stream, ...[...range(101, 100)].map((n) => ({ n })))));

    const poisonA = (n: number) => n === 50;
    const a = consumeInto(serviceOf('A', prefix), stream, { maxDeliveries: 3, claimIdleAfterMs: 1000 }, poisonA, { concurrency: 1, retry: { delays: [100, 200] } });
    const b = consumeInto(serviceOf('B', prefix), stream, { maxDeliveries: 3, claimIdleAfterMs: 1000 }, () => false);
    const deadLetters = () => producer.deadLetters(stream);
    let letters: DeadLetter<Invoice>[] = [];
    await eventually(
      'A to process 199 events, B 200, and 5 dead letters',
      async () => tally(succeeded(a)).distinct.size === 199 && tally(b).distinct.size === 200 && (letters = await deadLetters()).length >= 5,
      { timeoutMs: 10_000, detail: () => `A ${tally(succeeded(a)).distinct.size}, B ${tally(b).distinct.size}, dead letters ${JSON.stringify(letters)}` },
    );
    await eventually('nothing pending', async () => (await pendingOf(key, 'A')) + (await pendingOf(key, 'B')) === 0, 3000);

    const poisonCalls = a.filter((call) => call.n === 50);
    report('dead letters', { produced: 200, raw: 2, 'A.processed': succeeded(a).length, 'B.processed': b.length, poisonCalls: poisonCalls.length, deadLettered: letters.length });
    expect(tally(succeeded(a))).toEqual({ events: 199, distinct: new Set([...range(1, 200)].filter((n) => n !== 50)), duplicates: 0 });
    expect(tally(b)).toEqual({ events: 200, distinct: range(1, 200), duplicates: 0 });
    // Delivered exactly maxDeliveries times, nacked with the retry delays, then moved.
    expect(poisonCalls.map((call) => call.count)).toEqual([1, 2, 3]);
    const [first, second, third] = poisonCalls.map((call) => call.at) as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(95);
    expect(third - second).toBeGreaterThanOrEqual(195);
    // Not blocking: with one handler at a time, 51 ran while 50 waited for its retry.
    expect(a.findIndex((call) => call.n === 51)).toBeLessThan(a.indexOf(poisonCalls[1] as Call));

    const brief = (letter: DeadLetter<Invoice>) => ({ sourceId: letter.sourceId, group: letter.group, reason: letter.reason, deliveryCount: letter.deliveryCount, key: letter.key, value: letter.value });
    const sorted = letters.map(brief).sort((x, y) => `${x.group}${x.sourceId}`.localeCompare(`${y.group}${y.sourceId}`));
    expect(sorted).toEqual([
      { sourceId: ids[49], group: 'A', reason: 'max-deliveries', deliveryCount: 3, key: undefined, value: { n: 50 } },
      { sourceId: notJson, group: 'A', reason: 'decode', deliveryCount: 1, key: undefined, value: undefined },
      { sourceId: noValue, group: 'A', reason: 'decode', deliveryCount: 1, key: undefined, value: undefined },
      { sourceId: notJson, group: 'B', reason: 'decode', deliveryCount: 1, key: undefined, value: undefined },
      { sourceId: noValue, group: 'B', reason: 'decode', deliveryCount: 1, key: undefined, value: undefined },
    ]);
    expect(letters.find((letter) => letter.reason === 'max-deliveries')?.error).toContain('poison 50');
    expect(letters.filter((letter) => letter.reason === 'decode').every((letter) => letter.error.length > 0)).toBe(true);
    expect(await redis.admin.xlen(`${key}:{${key}}:dlq`)).toBe(5);
  }, 30_000);

  it('faults - a redriven dead letter is delivered again only to the group it died in', async () => {
    const prefix = `${uniqueName('redrive')}:`;
    const stream = eventStream<Invoice>('invoices');
    const key = prefix + stream.name;
    const producer = serviceOf('shop', prefix);
    const ids = await producer.produce(stream, ...[...range(1, 10)].map((n) => ({ n })));
    let broken = true;
    const poisonA = (n: number) => broken && n === 5;
    const a = consumeInto(serviceOf('A', prefix), stream, { maxDeliveries: 2 }, poisonA, { retry: { delays: [20] } });
    const b = consumeInto(serviceOf('B', prefix), stream, { maxDeliveries: 2 }, () => false);
    await eventually('a dead letter of A', async () => (await producer.deadLetters(stream)).length === 1 && tally(b).distinct.size === 10, 5000);
    const [letter] = await producer.deadLetters(stream);
    expect(letter).toMatchObject({ sourceId: ids[4], group: 'A', reason: 'max-deliveries', deliveryCount: 2 });

    broken = false;
    const redriven = await producer.redrive(stream, { ids: [(letter as DeadLetter<Invoice>).id] });
    expect(redriven).toHaveLength(1);
    await eventually('A to process the redriven event', () => a.some((call) => call.id === redriven[0]), 5000);
    await eventually('nothing pending', async () => (await pendingOf(key, 'A')) + (await pendingOf(key, 'B')) === 0, 3000);

    expect(a.filter((call) => call.n === 5).map((call) => [call.id, call.count])).toEqual([
      [ids[4], 1],
      [ids[4], 2],
      [redriven[0], 1],
    ]);
    expect(tally(succeeded(a))).toEqual({ events: 10, distinct: range(1, 10), duplicates: 0 });
    expect(tally(b)).toEqual({ events: 10, distinct: range(1, 10), duplicates: 0 }); // B never sees the redriven entry
  }, 30_000);

  it('faults - a delivery whose handlers hang past maxHandlingMs everywhere is dead-lettered when claimed beyond maxDeliveries', async () => {
    const prefix = `${uniqueName('stuck')}:`;
    const stream = eventStream<Invoice>('invoices');
    const key = prefix + stream.name;
    const producer = serviceOf('shop', prefix);
    const ids = await producer.produce(stream, ...[...range(1, 20)].map((n) => ({ n })));
    const calls: Call[] = [];
    const options: ConsumeOptions = { from: 'start', maxDeliveries: 2, claimIdleAfterMs: 300, maxHandlingMs: 300 }; // stuck after 300 ms: no longer renewed, taken over
    for (const consumer of ['a1', 'a2']) {
      const handler = (delivery: Delivery<Invoice>) => {
        calls.push({ n: delivery.value.n, id: delivery.id, count: delivery.deliveryCount, at: Date.now(), failed: false });
        return delivery.value.n === 7 ? NEVER : true; // 7 hangs in every handler: never acked nor nacked
      };
      subscriptions.push(serviceOf('A', prefix, consumer).consume(stream, options).pipe(ackAfter(handler, { concurrency: 4 })).subscribe());
    }
    await eventually('a dead letter', async () => (await producer.deadLetters(stream)).length === 1, 5000);
    await eventually('nothing pending', async () => (await pendingOf(key, 'A')) === 0, 3000);
    const letters = await producer.deadLetters(stream);

    expect(calls.filter((call) => call.n === 7).map((call) => call.count)).toEqual([1, 2]);
    expect(tally(calls.filter((call) => call.n !== 7))).toEqual({ events: 19, distinct: new Set([...range(1, 20)].filter((n) => n !== 7)), duplicates: 0 });
    expect(letters.map((letter) => ({ sourceId: letter.sourceId, group: letter.group, reason: letter.reason, value: letter.value }))).toEqual([
      { sourceId: ids[6], group: 'A', reason: 'max-deliveries', value: { n: 7 } },
    ]);
    expect(letters[0]?.deliveryCount).toBe(2); // the deliveries it had: the claim beyond maxDeliveries moved it instead
  }, 30_000);
});
