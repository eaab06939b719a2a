import { ackAfter, createEventService, eventStream } from 'rx-redis-events';
import { uniqueName } from '../conformance/helpers';
import { useRedisServer } from '../support/useRedisServer';
import { startChaosProxy } from './chaosProxy';
import { difference, Fleet, range, report, tally, type Tally, type Worker } from './harness';
import { eventually, sleep } from '../support/eventually';

const TOTAL = 3000;
const GROUPS = ['A', 'B'] as const;

/**
 * Scenario 3 of the issue: every connection killed again and again (`CLIENT KILL TYPE normal`), and
 * `CLIENT PAUSE 3000`; and, through a proxy, a read reply lost with its connection.
 */
describe('faults - connections killed and Redis paused', () => {
  const redis = useRedisServer();
  let fleet: Fleet;

  beforeEach(() => {
    fleet = new Fleet();
  });
  afterEach(() => fleet.killAll());

  /** Two consumers in each of two groups and one producer, on a fresh prefix; resolves once all are ready. */
  async function startRun(name: string): Promise<{ producer: Worker; key: string }> {
    const prefix = `${uniqueName(name)}:`;
    const common = { url: redis.server.url, prefix, stream: 'jobs', produceTimeoutMs: 1000 };
    for (const group of GROUPS) {
      for (const index of [1, 2]) {
        fleet.spawn(`${group}${index}`, { ...common, mode: 'consume', group, consumer: `${group}${index}`, claimIdleAfterMs: 1000, maxInFlight: 100, concurrency: 4 });
      }
    }
    const producer = fleet.spawn('P', { ...common, mode: 'produce', group: 'shop', consumer: 'P', first: 1, count: TOTAL, batchSize: 20, intervalMs: 20 });
    await fleet.ready();
    return { producer, key: prefix + common.stream };
  }

  /** Waits until the producer is done and both groups processed (and acked) everything it produced; checks the counts exactly. */
  async function expectCompleted(scenario: string, producer: Worker, key: string, ms: number, extra: Record<string, number> = {}): Promise<void> {
    const pending = async (group: string) => ((await redis.admin.xpending(key, group)) as [number])[0];
    await eventually('the producer to finish', () => producer.has('done'), { timeoutMs: ms, detail: () => fleet.describe() });
    await eventually('both groups to process everything', async () => GROUPS.every((g) => tally(fleet.processed(g)).distinct.size === TOTAL) && (await pending('A')) + (await pending('B')) === 0, {
      timeoutMs: ms,
      detail: () => GROUPS.map((g) => `${g}: ${difference(range(1, TOTAL), tally(fleet.processed(g)).distinct)}`).join('; '),
    });
    await fleet.stopAll();
    const [a, b] = GROUPS.map((group) => tally(fleet.processed(group))) as [Tally, Tally];
    const produceErrors = producer.events('produce-error').length;
    report(scenario, { produced: fleet.produced().size, 'A.processed': a.events, 'A.duplicates': a.duplicates, 'B.processed': b.events, 'B.duplicates': b.duplicates, produceErrors, ...extra });
    expect(fleet.produced()).toEqual(range(1, TOTAL));
    expect(a.distinct).toEqual(range(1, TOTAL));
    expect(b.distinct).toEqual(range(1, TOTAL));
    expect(await pending('A')).toBe(0);
    expect(await pending('B')).toBe(0);
    expect(producer.events('produce-error').filter((line) => !line.retriable)).toEqual([]);
  }

  it('faults - CLIENT KILL TYPE normal every 250 ms for 3 s: consumption resumes and completes', async () => {
    const { producer, key } = await startRun('kill');
    await eventually('consumption to start', () => GROUPS.every((group) => fleet.processed(group).length >= 100), { timeoutMs: 10_000, detail: () => fleet.describe() });
    let kills = 0;
    let killed = 0;
    const processedBefore = fleet.processed('A').length;
    for (const stop = Date.now() + 3000; Date.now() < stop; kills++) {
      killed += Number(await redis.admin.client('KILL', 'TYPE', 'normal')); // SKIPME yes: not the admin connection
      await sleep(250);
    }
    expect(fleet.processed('A').length).toBeGreaterThan(processedBefore); // the kills hit a running consumption
    await expectCompleted('client kill', producer, key, 25_000, { kills, killedConnections: killed });
    expect(killed).toBeGreaterThanOrEqual(kills * 5); // at least 4 readers and the producer each time
  }, 60_000);

  it('faults - CLIENT PAUSE 3000: consumption resumes and completes', async () => {
    const { producer, key } = await startRun('pause');
    await eventually('consumption to start', () => GROUPS.every((group) => fleet.processed(group).length >= 100), { timeoutMs: 10_000, detail: () => fleet.describe() });
    const pausedAt = Date.now();
    await redis.admin.client('PAUSE', 3000);
    const resumedAt = pausedAt + 3000;
    await eventually('the pause to end', () => Date.now() >= resumedAt, 5000);
    const during = fleet.processed('A').filter((line) => line.at > pausedAt + 200 && line.at < resumedAt - 200);
    await eventually('consumption to resume', () => GROUPS.every((group) => fleet.processed(group).some((line) => line.at >= resumedAt)), { timeoutMs: 5000, detail: () => fleet.describe() });
    const resumeMs = Math.max(...GROUPS.map((group) => (fleet.processed(group).find((line) => line.at >= resumedAt)?.at ?? Infinity) - resumedAt));
    await expectCompleted('client pause', producer, key, 25_000, { resumeMs });
    expect(during).toEqual([]); // nothing is processed while Redis is paused
  }, 60_000);

  it('faults - an entry whose read reply was lost with its connection is delivered again, with one consumer in the group', async () => {
    const proxy = await startChaosProxy(redis.server);
    const prefix = `${uniqueName('lost')}:`;
    const stream = eventStream<{ n: number }>('jobs');
    const key = prefix + stream.name;
    const consumer = createEventService({ group: 'A', consumer: 'only', redis: proxy.url, prefix, closeTimeoutMs: 200, onError: () => undefined });
    const producer = createEventService({ group: 'shop', redis: redis.server.url, prefix });
    const seen: { n: number; count: number }[] = [];
    const options = { from: 'start', claimIdleAfterMs: 1000, blockMs: 10_000 } as const;
    const subscription = consumer.consume(stream, options).pipe(ackAfter((d) => void seen.push({ n: d.value.n, count: d.deliveryCount }))).subscribe();
    try {
      await producer.produce(stream, { n: 1 });
      await eventually('n=1 to be processed', () => seen.length === 1, 5000);
      const blocked = async () => Number(/blocked_clients:(\d+)/.exec(await redis.admin.info('clients'))?.[1]);
      await eventually('the reader to block for the next entry', async () => (await blocked()) === 1, 5000);

      // Redis hands n=2 to the blocked read (it is pending for the consumer), but the reply never arrives.
      proxy.dropReplies = true;
      await producer.produce(stream, { n: 2 });
      await eventually('n=2 to be pending for the consumer', async () => ((await redis.admin.xpending(key, 'A')) as [number])[0] === 1, 5000);
      proxy.resetAll();
      proxy.dropReplies = false;
      await producer.produce(stream, { n: 3 });

      await eventually('n=2 and n=3 to be processed', () => new Set(seen.map((s) => s.n)).size === 3, { timeoutMs: 10_000, detail: () => JSON.stringify(seen) });
      await eventually('nothing pending', async () => ((await redis.admin.xpending(key, 'A')) as [number])[0] === 0, 3000);
      report('lost read reply', { processed: seen.length, redeliveredCount: seen.find((s) => s.n === 2)?.count ?? 0 });
      expect(tally(seen)).toEqual({ events: 3, distinct: range(1, 3), duplicates: 0 });
    } finally {
      subscription.unsubscribe();
      await Promise.all([consumer.close(), producer.close()]);
      await proxy.close();
    }
  }, 30_000);
});
