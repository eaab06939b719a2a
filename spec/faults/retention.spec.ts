import { firstValueFrom, take, toArray, timeout, type Subscription } from 'rxjs';
import { ackAfter, createEventService, eventStream, type ConsumeOptions, type Delivery, type EventService, type EventStream, type RetentionOptions } from 'rx-redis-events';
import { uniqueName } from '../conformance/helpers';
import { useRedisServer } from '../support/useRedisServer';
import { range, report, tally } from './harness';
import { eventually, sleep } from '../support/eventually';

type Entry = { n: number };
const TOTAL = 2000;
const MAX_LENGTH = 100;

/** Scenario 5 of the issue: retention limits under a group that lags far behind. */
describe('faults - retention under a slow group', () => {
  const redis = useRedisServer();
  let services: EventService[] = [];
  let subscriptions: Subscription[] = [];

  afterEach(async () => {
    subscriptions.forEach((subscription) => subscription.unsubscribe());
    await Promise.all(services.map((service) => service.close()));
    [services, subscriptions] = [[], []];
  });

  /** A fresh prefix, a stream with `retention`, and its groups created at the start of the stream (F fast, S slow). */
  async function setUp(name: string, retention: RetentionOptions) {
    const prefix = `${uniqueName(name)}:`;
    const stream = eventStream<Entry>('audit', { retention });
    const key = prefix + stream.name;
    for (const group of ['F', 'S']) await redis.admin.xgroup('CREATE', key, group, '0', 'MKSTREAM');
    const service = (group: string) => {
      const created = createEventService({ group, redis: redis.server.url, prefix, closeTimeoutMs: 200, onError: () => undefined });
      services.push(created);
      return created;
    };
    const ids: string[] = [];
    const producer = service('shop');
    for (let first = 1; first <= TOTAL; first += 200) ids.push(...(await producer.produce(stream, ...[...range(first, 200)].map((n) => ({ n })))));
    /** Consumes every entry for group F, acking each. */
    const fast = () => consumeAll(service('F'), stream, {});
    const entries = async () => ((await redis.admin.xrange(key, '-', '+')) as [string, string[]][]).map(([id]) => id);
    return { stream, key, ids, service, producer, fast, entries, trim: () => producer.trim(stream) };
  }

  /** Consumes and acks; returns the numbers processed so far (a live array). */
  function consumeAll(service: EventService, stream: EventStream<Entry>, options: ConsumeOptions): number[] {
    const seen: number[] = [];
    subscriptions.push(
      service
        .consume(stream, { from: 'start', ...options })
        .pipe(ackAfter((delivery: Delivery<Entry>) => void seen.push(delivery.value.n), { concurrency: 8 }))
        .subscribe(),
    );
    return seen;
  }

  it('faults - without unsafeHardLimit nothing the slow group has not acked is trimmed, however far it is past maxLength', async () => {
    const { stream, key, ids, service, fast, entries, trim } = await setUp('safe', { maxLength: MAX_LENGTH });
    expect(await redis.admin.xlen(key)).toBe(TOTAL); // S has read nothing: the trims after produce removed nothing
    const byF = fast();
    await eventually('F to process everything', () => byF.length === TOTAL, 10_000);

    // S reads 300 and acks 200 of them: 201..300 stay pending, 301..2000 unread.
    const slow = service('S');
    const read = await firstValueFrom(slow.consume(stream, { from: 'start', maxInFlight: 300 }).pipe(take(300), toArray(), timeout(5000)));
    expect(read.map((delivery) => delivery.value.n)).toEqual([...range(1, 300)]);
    await Promise.all(read.slice(0, 200).map((delivery) => delivery.ack()));
    await eventually('F to ack everything', async () => ((await redis.admin.xpending(key, 'F')) as [number])[0] === 0, 5000);

    const removedFirst = await trim();
    const left = await entries();
    expect(removedFirst).toBe(200);
    expect(left).toEqual(ids.slice(200)); // the oldest entry S still needs is the first one kept

    // S catches up (taking over its own first subscription's pending entries) and loses nothing.
    const rest = consumeAll(slow, stream, { claimIdleAfterMs: 1000 });
    await eventually('S to process the rest', () => new Set(rest).size === TOTAL - 200, 10_000);
    const s = tally([...read.slice(0, 200).map((delivery) => delivery.value), ...rest.map((n) => ({ n }))]);
    await eventually('S to ack everything', async () => ((await redis.admin.xpending(key, 'S')) as [number])[0] === 0, 5000);
    const removedSecond = await trim();
    report('retention safe', { produced: TOTAL, 'F.processed': byF.length, 'S.processed': s.events, 'S.duplicates': s.duplicates, removedFirst, removedSecond, length: await redis.admin.xlen(key) });
    expect(tally(byF.map((n) => ({ n })))).toEqual({ events: TOTAL, distinct: range(1, TOTAL), duplicates: 0 });
    expect(s.distinct).toEqual(range(1, TOTAL));
    expect(s.duplicates).toBe(0);
    expect(removedSecond).toBe(TOTAL - 200 - MAX_LENGTH);
    expect(await entries()).toEqual(ids.slice(TOTAL - MAX_LENGTH));
  }, 30_000);

  it('faults - with unsafeHardLimit the stream is cut to maxLength even under entries the slow group never read', async () => {
    const { stream, key, ids, service, fast, entries, trim } = await setUp('hard', { maxLength: MAX_LENGTH, unsafeHardLimit: true });
    const removed = await trim(); // after what the automatic trim (after the first produce) removed
    expect(await entries()).toEqual(ids.slice(TOTAL - MAX_LENGTH));
    const byF = fast();
    const byS = consumeAll(service('S'), stream, {});
    await eventually('F and S to process what is left', () => byF.length === MAX_LENGTH && byS.length === MAX_LENGTH, 5000);
    await sleep(200);
    report('retention hard limit', { produced: TOTAL, removedByTrim: removed, length: await redis.admin.xlen(key), 'F.processed': byF.length, 'S.processed': byS.length });
    expect(tally(byS.map((n) => ({ n })))).toEqual({ events: MAX_LENGTH, distinct: range(TOTAL - MAX_LENGTH + 1, MAX_LENGTH), duplicates: 0 });
    expect(tally(byF.map((n) => ({ n })))).toEqual({ events: MAX_LENGTH, distinct: range(TOTAL - MAX_LENGTH + 1, MAX_LENGTH), duplicates: 0 });
  }, 30_000);

  it('faults - trimming runs by itself after produce, once the groups have acked', async () => {
    const { key, ids, producer, fast, stream } = await setUp('auto', { maxLength: MAX_LENGTH });
    await redis.admin.xgroup('DESTROY', key, 'S'); // only F: it acks as it goes
    const byF = fast();
    await eventually('F to process everything', () => byF.length === TOTAL, 10_000);
    await eventually('F to ack everything', async () => ((await redis.admin.xpending(key, 'F')) as [number])[0] === 0, 5000);
    await sleep(1100); // past the interval between two automatic trims of one stream
    ids.push(...(await producer.produce(stream, { n: TOTAL + 1 })));
    await eventually(`the stream to be cut to ${MAX_LENGTH}`, async () => (await redis.admin.xlen(key)) === MAX_LENGTH, { timeoutMs: 3000, detail: () => 'still long' });
    expect(((await redis.admin.xrange(key, '-', '+', 'COUNT', 1)) as [string, string[]][])[0]?.[0]).toBe(ids[ids.length - MAX_LENGTH]);
  }, 30_000);

  it('faults - maxAge trims acked entries older than the limit, and only those', async () => {
    const prefix = `${uniqueName('age')}:`;
    const stream = eventStream<Entry>('audit', { retention: { maxAge: 500 } });
    const key = prefix + stream.name;
    await redis.admin.xgroup('CREATE', key, 'F', '0', 'MKSTREAM');
    const service = createEventService({ group: 'F', redis: redis.server.url, prefix, closeTimeoutMs: 200 });
    services.push(service);
    const old = await service.produce(stream, ...[...range(1, 50)].map((n) => ({ n })));
    const byF = consumeAll(service, stream, {});
    await eventually('F to process the first 50', () => byF.length === 50, 5000);
    await sleep(700);
    const recent = await service.produce(stream, ...[...range(51, 50)].map((n) => ({ n })));
    await service.trim(stream);
    await eventually('F to process all 100', () => byF.length === 100, 5000);
    expect(old).toHaveLength(50);
    expect(((await redis.admin.xrange(key, '-', '+')) as [string, string[]][]).map(([id]) => id)).toEqual(recent);
  }, 30_000);
});
