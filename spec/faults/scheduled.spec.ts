import { Redis } from 'ioredis';
import { createEventService, eventStream } from '../../src';
import { idTime } from '../../src/internal/streamId';
import { partitionKeys, scheduledKeysOf } from '../../src/partitions/streamLayout';
import { uniqueName } from '../conformance/helpers';
import type { RedisServer } from '../support/redisServer';
import { useRedisServer } from '../support/useRedisServer';
import { difference, Fleet, range, report, tally } from './harness';
import { eventually } from '../support/eventually';

const EVENTS = 600;
const GROUPS = ['A', 'B'] as const;
/** The first event is due this long after scheduling, the others every SPACING_MS after it. */
const FIRST_DUE_MS = 1500;
const SPACING_MS = 10;

/** What one run saw. */
interface Outcome {
  /** n → the moment it was due (ms since the epoch). */
  due: Map<number, number>;
  /** n of each entry of the stream, in stream order, and the entry's id. */
  entries: { n: number; id: string }[];
  /** Events still waiting when Redis went down (the restart must hit events waiting to come due). */
  waitingAtRestart: number;
  pending: Record<string, number>;
  failure: string | undefined;
}

/**
 * Scheduled events under faults: 600 events come due over 6 s while three consuming processes (groups
 * A and B) move them; one of A's is SIGKILLed while events come due, and Redis (AOF, fsync always)
 * is restarted while some still wait. Every event is appended once, none before its time, and each
 * group gets every one (on its first delivery exactly once; the killed process's unacked ones again).
 */
describe('faults - scheduled events: a consuming process killed and Redis restarted while they come due', () => {
  const fleet = new Fleet();
  let outcome: Outcome;
  afterAll(() => fleet.killAll());
  const redis = useRedisServer({ persistent: true });

  beforeAll(async () => {
    redis.admin.on('error', () => undefined);
    outcome = await run(redis.server, redis.admin, fleet);
  }, 60_000);

  it('faults - every scheduled event is appended to the stream exactly once, none before its time', () => {
    expect(outcome.failure).toBeUndefined();
    expect(outcome.waitingAtRestart).toBeGreaterThan(0);
    const { distinct, duplicates } = tally(outcome.entries);
    expect(`${difference(range(0, EVENTS), distinct)} duplicates ${duplicates}`).toBe('missing 0 [], extra 0 [] duplicates 0');
    const early = outcome.entries.filter(({ n, id }) => idTime(id).getTime() < (outcome.due.get(n) as number));
    expect(early).toEqual([]);
  });

  it('faults - each group gets every scheduled event, once as a first delivery, and holds nothing pending at the end', () => {
    for (const group of GROUPS) {
      const processed = fleet.processed(group);
      const { distinct } = tally(processed);
      expect(`${group}: ${difference(range(0, EVENTS), distinct)}`).toBe(`${group}: missing 0 [], extra 0 []`);
      const firsts = tally(processed.filter((line) => line.count === 1));
      expect(`${group} first deliveries: duplicates ${firsts.duplicates}`).toBe(`${group} first deliveries: duplicates 0`);
      expect(outcome.pending[group]).toBe(0);
    }
  });
});

async function run(server: RedisServer, admin: Redis, fleet: Fleet): Promise<Outcome> {
  const deadline = Date.now() + 50_000;
  const left = () => Math.max(deadline - Date.now(), 1);
  const prefix = `${uniqueName('scheduled')}:`;
  const common = { url: server.url, prefix, stream: 'reminders', partitions: 2 };
  const outcome: Outcome = { due: new Map(), entries: [], waitingAtRestart: 0, pending: {}, failure: undefined };
  const workers = [
    fleet.spawn('A1', { ...common, mode: 'consume', group: 'A', consumer: 'A1', claimIdleAfterMs: 1000, maxInFlight: 50 }),
    fleet.spawn('A2', { ...common, mode: 'consume', group: 'A', consumer: 'A2', claimIdleAfterMs: 1000, maxInFlight: 50 }),
    fleet.spawn('B1', { ...common, mode: 'consume', group: 'B', consumer: 'B1', claimIdleAfterMs: 1000, maxInFlight: 50 }),
  ];
  const stream = eventStream<{ n: number }>(common.stream, { partitions: common.partitions });
  const scheduler = createEventService({ group: 'scheduler', redis: server.url, prefix });
  try {
    await fleet.ready();
    const start = Date.now();
    await Promise.all(
      Array.from({ length: EVENTS / 10 }, (_, batch) => {
        const at = start + FIRST_DUE_MS + batch * 10 * SPACING_MS;
        for (let n = batch * 10; n < batch * 10 + 10; n++) outcome.due.set(n, at);
        return scheduler.schedule(stream, new Date(at), ...Array.from({ length: 10 }, (_, index) => ({ n: batch * 10 + index })));
      }),
    );
    await scheduler.close();
    const moved = () => GROUPS.every((group) => fleet.processed(group).length >= 150);
    await eventually('a quarter of the events to come due and be consumed', moved, { timeoutMs: left(), detail: () => fleet.describe() });
    await workers[0]?.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const key of partitionKeys(prefix, stream)) outcome.waitingAtRestart += await admin.zcard(scheduledKeysOf(key).due);
    await server.restart({ downMs: 1000 });
    const everything = () => GROUPS.every((group) => tally(fleet.processed(group)).distinct.size === EVENTS);
    await eventually('both groups to process every event', everything, { timeoutMs: left(), detail: () => GROUPS.map((g) => `${g}: ${difference(range(0, EVENTS), tally(fleet.processed(g)).distinct)}`).join('; ') });
  } catch (error) {
    outcome.failure = (error as Error).message;
  }
  await fleet.stopAll();
  const keys = partitionKeys(prefix, stream);
  for (const key of keys) {
    for (const [id, fields] of await admin.xrange(key, '-', '+')) outcome.entries.push({ n: (JSON.parse(fields[1] as string) as { json: { n: number } }).json.n, id });
  }
  for (const group of GROUPS) outcome.pending[group] = (await Promise.all(keys.map(async (key) => ((await admin.xpending(key, group)) as [number])[0]))).reduce((a, b) => a + b, 0);
  const counts = Object.fromEntries(GROUPS.flatMap((group) => [[`${group}.processed`, fleet.processed(group).length], [`${group}.distinct`, tally(fleet.processed(group)).distinct.size]]));
  report('scheduled events', { scheduled: EVENTS, appended: outcome.entries.length, waitingAtRestart: outcome.waitingAtRestart, ...counts });
  return outcome;
}
