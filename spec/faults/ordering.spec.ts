import { createEventService, eventStream } from 'rx-redis-events';
import { leaseKeyOf, partitionKeys } from '../../src/partitions/streamLayout';
import { uniqueName } from '../conformance/helpers';
import { useRedisServer } from '../support/useRedisServer';
import type { ConsumerConfig } from './protocol';
import { Fleet, report, tally, type Received } from './harness';
import { eventually } from '../support/eventually';

const KEYS = 200;
const PER_KEY = 50;
const TOTAL = KEYS * PER_KEY;
const PARTITIONS = 8;
const LEASE_MS = 1000;
/**
 * The events produced before an instance is killed and another added (the victim's share, 2 or 3 of
 * the 8 partitions, is at least 2000 of them); the rest comes after.
 */
const FIRST_PART = 8000;

/**
 * The handled sequence of every key must be its produce order; a repeat is allowed only of the
 * event handled just before (redelivered after a kill), never a step back. Returns the violations.
 */
function orderViolations(lines: readonly Received<'processed'>[]): string[] {
  const last = new Map<number, number>();
  const violations: string[] = [];
  for (const { n } of lines) {
    const key = n % KEYS;
    const step = Math.floor(n / KEYS);
    const previous = last.get(key) ?? -1;
    if (step === previous + 1) last.set(key, step);
    else if (step !== previous) violations.push(`k${key}: step ${step} after ${previous}`);
  }
  for (let key = 0; key < KEYS; key++) if (last.get(key) !== PER_KEY - 1) violations.push(`k${key}: ends at ${last.get(key) ?? 'nothing'}`);
  return violations;
}

/** Ordered consumption across processes: `kill -9` of one instance mid-run and a new one joining. */
describe('faults - ordered consumers: an instance killed, another added', () => {
  const redis = useRedisServer();
  const fleet = new Fleet();
  afterAll(() => fleet.killAll());

  it('faults - every key is handled in produce order, duplicates only as a repeat of the last handled event', async () => {
    const { server, admin } = redis;
    const prefix = `${uniqueName('ordered')}:`;
    const stream = eventStream<{ n: number }>('moves', { partitions: PARTITIONS, key: (value) => `k${value.n % KEYS}` });
    const common = { mode: 'consume', url: server.url, prefix, stream: stream.name, group: 'A', partitions: PARTITIONS, keys: KEYS, ordered: true } as const;
    const tuning = { claimIdleAfterMs: LEASE_MS, maxInFlight: 400, concurrency: 10, handlerDelayMs: 10 } satisfies Partial<ConsumerConfig>;
    const victim = fleet.spawn('victim', { ...common, ...tuning, consumer: 'victim' });
    const survivors = ['s1', 's2'].map((name) => fleet.spawn(name, { ...common, ...tuning, consumer: name }));
    await fleet.ready();

    /** Produces the events `from` to `to` (excluded), 1000 at a time, from a service of its own. */
    const produce = async (from: number, to: number) => {
      const producer = createEventService({ group: 'producer', redis: server.url, prefix });
      try {
        for (let first = from; first < to; first += 1000) await producer.produce(stream, ...Array.from({ length: 1000 }, (_, index) => ({ n: first + index })));
      } finally {
        await producer.close();
      }
    };
    await produce(0, FIRST_PART);

    await eventually('the victim to handle 1500 events', () => victim.events('processed').length >= 1500, { timeoutMs: 30_000, detail: () => fleet.describe() });
    await victim.kill('SIGKILL');
    const killedAt = Date.now();
    const added = fleet.spawn('added', { ...common, ...tuning, consumer: 'added' });
    await added.waitFor('ready', 20_000);

    // the rest is produced once the new instance holds partitions, so some of it is certainly its to handle
    const keys = partitionKeys(prefix, stream);
    const holders = async () => Promise.all(keys.map((key) => admin.get(leaseKeyOf(key, 'A'))));
    await eventually('the new instance to hold partitions', async () => (await holders()).some((holder) => holder?.startsWith('added')), { timeoutMs: 30_000, detail: async () => (await holders()).join(', ') });
    await produce(FIRST_PART, TOTAL);

    const pending = async () => (await Promise.all(keys.map(async (key) => ((await admin.xpending(key, 'A')) as [number])[0]))).reduce((sum, count) => sum + count, 0);
    await eventually('every event handled and acked', async () => tally(fleet.processed('A')).distinct.size === TOTAL && (await pending()) === 0, { timeoutMs: 60_000, detail: () => `${tally(fleet.processed('A')).distinct.size} of ${TOTAL}` });
    const doneAt = Date.now();
    await Promise.all([...survivors, added].map((worker) => worker.stop()));

    // a line is printed when its handler ends, before the ack, and a partition changes hands only once its
    // owner has settled it or lost its lease: the workers' clock (one machine) orders the lines of all
    // workers as they were handled. The order the harness reads them in does not: a rebalance hands a
    // partition over within a beat, and a busy harness may read one worker's pipe after another's.
    // Lines of one worker printed in the same millisecond keep their order (the sort is stable).
    const lines = [...fleet.processed('A')].sort((a, b) => a.printedAt - b.printedAt);
    const all = tally(lines);
    report('ordered, kill -9 + join', {
      produced: TOTAL,
      processed: all.events,
      distinct: all.distinct.size,
      duplicates: all.duplicates,
      victim: victim.events('processed').length,
      s1: survivors[0]?.events('processed').length ?? 0,
      s2: survivors[1]?.events('processed').length ?? 0,
      added: added.events('processed').length,
      afterKillMs: doneAt - killedAt,
    });
    expect(orderViolations(lines)).toEqual([]);
    expect(all.distinct.size).toBe(TOTAL);
    expect(added.events('processed').length).toBeGreaterThan(0); // the new instance got partitions
    expect(all.duplicates).toBeLessThanOrEqual(tuning.maxInFlight); // only what the victim had not seen acked
  }, 120_000);
});
