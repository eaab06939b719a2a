import { createEventService, eventStream } from 'rx-redis-events';
import { uniqueName } from '../conformance/helpers';
import { useRedisServer } from '../support/useRedisServer';
import type { ConsumerConfig } from './protocol';
import { difference, Fleet, range, report, tally } from './harness';
import { eventually } from '../support/eventually';

const TOTAL = 2000;
const CLAIM_IDLE_AFTER_MS = 1000;

/** Scenario 1 of the issue: `kill -9` of a consumer process that holds un-acked deliveries mid-batch. */
describe('faults - kill -9 of a consumer mid-batch', () => {
  const fleet = new Fleet();
  afterAll(() => fleet.killAll()); // before the server stops
  const redis = useRedisServer();

  it('faults - the other instances take over its pending deliveries: every event processed, duplicates only where it had not acked', async () => {
    const prefix = `${uniqueName('kill')}:`;
    const stream = eventStream<{ n: number }>('orders');
    const key = prefix + stream.name;
    const common = { mode: 'consume', url: redis.server.url, prefix, stream: stream.name, group: 'A' } as const;
    const tuning = { claimIdleAfterMs: CLAIM_IDLE_AFTER_MS, maxInFlight: 50, handlerDelayMs: 5, concurrency: 2 } satisfies Partial<ConsumerConfig>;
    // The victim acks in batches of 40: when it dies, up to 39 processed events and what it read after them are pending.
    const victim = fleet.spawn('victim', { ...common, ...tuning, consumer: 'victim', ackEvery: 40 });
    const survivors = ['s1', 's2'].map((name) => fleet.spawn(name, { ...common, ...tuning, consumer: name }));
    await fleet.ready();

    const producer = createEventService({ group: 'producer', redis: redis.server.url, prefix });
    const ids = await producer.produce(stream, ...[...range(1, TOTAL)].map((n) => ({ n })));
    await producer.close();
    const numberOf = new Map(ids.map((id, index) => [id, index + 1]));

    await eventually('the victim to process 150 events', () => victim.events('processed').length >= 150, { timeoutMs: 20_000, detail: () => fleet.describe() });
    await victim.kill('SIGKILL');
    const killedAt = Date.now();
    expect(victim.exit?.signal).toBe('SIGKILL');
    const pending = (await redis.admin.xpending(key, 'A', '-', '+', TOTAL, 'victim#1')) as [string, string, number, number][];
    const pendingAtKill = new Set(pending.map(([id]) => numberOf.get(id) ?? -1));
    const victimProcessed = new Set(victim.events('processed').map((line) => line.n));
    const processedUnacked = [...victimProcessed].filter((n) => pendingAtKill.has(n));
    expect(pendingAtKill.size).toBeGreaterThan(0); // it died holding un-acked deliveries
    expect(processedUnacked.length).toBeGreaterThan(0); // ... some of them processed: mid-batch

    const groupPending = async () => ((await redis.admin.xpending(key, 'A')) as [number])[0];
    await eventually(
      'group A to process every event and ack it',
      async () => tally(fleet.processed('A')).distinct.size === TOTAL && (await groupPending()) === 0,
      { timeoutMs: 30_000, detail: () => difference(range(1, TOTAL), tally(fleet.processed('A')).distinct) },
    );
    const doneAt = Date.now();
    await Promise.all(survivors.map((worker) => worker.stop()));

    const all = tally(fleet.processed('A'));
    const bySurvivors = survivors.flatMap((worker) => worker.events('processed'));
    const redelivered = bySurvivors.filter((line) => line.count > 1);
    report('kill -9 consumer', {
      produced: TOTAL,
      processed: all.events,
      distinct: all.distinct.size,
      duplicates: all.duplicates,
      victimProcessed: victimProcessed.size,
      pendingAtKill: pendingAtKill.size,
      processedUnacked: processedUnacked.length,
      takeoverMs: Math.max(...redelivered.map((line) => line.at)) - killedAt,
      afterKillMs: doneAt - killedAt,
    });

    expect(difference(range(1, TOTAL), all.distinct)).toBe('missing 0 [], extra 0 []');
    expect(all.distinct).toEqual(range(1, TOTAL));
    // Exactly the victim's pending entries were delivered again, each as its second delivery ...
    expect(new Set(redelivered.map((line) => line.n))).toEqual(pendingAtKill);
    expect(redelivered.map((line) => line.count)).toEqual(redelivered.map(() => 2));
    // ... and the only duplicates are the events it had processed but not acked.
    expect(tally(bySurvivors).duplicates).toBe(0);
    expect(all.duplicates).toBe(processedUnacked.length);
    expect(await groupPending()).toBe(0);
  }, 60_000);
});
