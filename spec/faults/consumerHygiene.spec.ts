import { createEventService, eventStream, type EventService } from 'rx-redis-events';
import { scheduleWakeKeyOf } from '../../src/partitions/streamLayout';
import { uniqueName } from '../conformance/helpers';
import { useRedisServer } from '../support/useRedisServer';
import { Fleet, range, report } from './harness';
import type { ConsumerConfig } from './protocol';
import { eventually, sleep } from '../support/eventually';

const PROCESSES = 20;
/** Processes alive at once: node and tsx take a second or more each to start. */
const AT_ONCE = 10;

/** Issue 15, group hygiene: the consumers of a group are the live ones, not the history of deploys. */
describe('faults - group hygiene', () => {
  const redis = useRedisServer();
  const fleet = new Fleet();
  let producer: EventService | undefined;
  afterAll(async () => {
    await fleet.killAll();
    await producer?.close();
  });

  const consumersOf = async (key: string, group: string) => {
    const rows = (await redis.admin.xinfo('CONSUMERS', key, group)) as unknown[][];
    return rows.map((row) => ({ name: String(row[1]), pending: Number(row[3]) }));
  };

  it(`faults - group hygiene: ${PROCESSES} processes that start, consume and close leave no consumer in the group`, async () => {
    const prefix = `${uniqueName('deploys')}:`;
    const stream = eventStream<{ n: number }>('jobs');
    producer = createEventService({ group: 'producer', redis: redis.server.url, prefix });
    const common = { mode: 'consume', url: redis.server.url, prefix, stream: stream.name, group: 'A' } as const satisfies Partial<ConsumerConfig>;
    let next = 1;
    for (let round = 0; round < PROCESSES / AT_ONCE; round++) {
      const workers = Array.from({ length: AT_ONCE }, (_, index) => fleet.spawn(`deploy-${round}-${index}`, { ...common, consumer: `deploy-${round}-${index}` }));
      await Promise.all(workers.map((worker) => worker.waitFor('ready', 60_000)));
      await producer.produce(stream, ...[...range(next, 10)].map((n) => ({ n })));
      next += 10;
      await eventually(`round ${round}'s events processed`, () => fleet.processed('A').length === next - 1, { timeoutMs: 20_000, detail: () => fleet.describe() });
      await Promise.all(workers.map((worker) => worker.stop()));
      expect(workers.map((worker) => worker.exit?.code)).toEqual(workers.map(() => 0));
    }
    const left = await consumersOf(prefix + stream.name, 'A');
    report('group hygiene, 20 deploys', { processes: PROCESSES, consumersLeft: left.length, processed: fleet.processed('A').length });
    expect(new Set(fleet.processed('A').map((line) => line.n))).toEqual(range(1, next - 1));
    expect(left).toEqual([]);
  }, 180_000);

  it('faults - group hygiene: a SIGKILLed consumer holding 20 entries keeps them while alive, a survivor handles all 20, then the dead consumer is removed', async () => {
    const prefix = `${uniqueName('dead')}:`;
    const stream = eventStream<{ n: number }>('jobs');
    const key = prefix + stream.name;
    producer ??= createEventService({ group: 'producer', redis: redis.server.url, prefix });
    const common = { mode: 'consume', url: redis.server.url, prefix, stream: stream.name, group: 'A', claimIdleAfterMs: 1000, consumerExpiryMs: 2000 } as const satisfies Partial<ConsumerConfig>;
    const victim = fleet.spawn('victim', { ...common, consumer: 'victim', maxInFlight: 20, concurrency: 20, handlerDelayMs: 60_000 });
    await victim.waitFor('ready', 60_000);
    const local = createEventService({ group: 'producer', redis: redis.server.url, prefix });
    await local.produce(stream, ...[...range(1, 20)].map((n) => ({ n })));
    await eventually('the victim to hold 20', () => victim.events('started').length === 20, { timeoutMs: 20_000, detail: () => fleet.describe() });
    // an event due in an hour wakes the victim's mover: the victim is a consumer of the wake stream's group (Redis 7.0 adds it
    // there once it reads an entry, later versions at its first read)
    const wakeKey = scheduleWakeKeyOf(key);
    await local.schedule(stream, { delayMs: 3_600_000 }, { n: 0 });
    await local.close();
    await eventually('the victim to read the wake', async () => JSON.stringify(await consumersOf(wakeKey, 'A')) === JSON.stringify([{ name: 'victim#1', pending: 0 }]), { timeoutMs: 10_000 });
    const survivor = fleet.spawn('survivor', { ...common, consumer: 'survivor', maxInFlight: 20, concurrency: 20 });
    await survivor.waitFor('ready', 60_000);
    await sleep(1500); // longer than claimIdleAfterMs: the live victim keeps its entries
    expect(survivor.has('started')).toBe(false);
    expect(await consumersOf(key, 'A')).toEqual(expect.arrayContaining([{ name: 'victim#1', pending: 20 }]));

    await victim.kill('SIGKILL');
    const killedAt = Date.now();
    await eventually('the survivor to handle all 20', () => survivor.events('processed').length === 20, { timeoutMs: 15_000, detail: () => fleet.describe() });
    const handledAt = Date.now();
    await eventually('the dead consumer to be removed', async () => !(await consumersOf(key, 'A')).some((consumer) => consumer.name === 'victim#1'), { timeoutMs: 10_000, detail: () => fleet.describe() });
    const removedAt = Date.now();
    report('group hygiene, SIGKILL with 20 held', { handled: survivor.events('processed').length, handledAfterMs: handledAt - killedAt, removedAfterMs: removedAt - killedAt });
    expect(new Set(survivor.events('processed').map((line) => line.n))).toEqual(range(1, 20));
    expect(survivor.events('started').map((line) => line.count)).toEqual(Array.from({ length: 20 }, () => 2));
    expect(await consumersOf(key, 'A')).toEqual([{ name: 'survivor#1', pending: 0 }]);
    // and from the wake stream (where the survivor is a consumer or not, by the server's version)
    await eventually('the dead consumer to be removed from the wake stream', async () => !(await consumersOf(wakeKey, 'A')).some((consumer) => consumer.name === 'victim#1'), { timeoutMs: 10_000 });
    expect(removedAt - killedAt).toBeLessThan(1000 + 2000 + 1000 + 3000); // claim, expiry, one sweep period, and a margin for the loaded machine
  }, 120_000);
});
