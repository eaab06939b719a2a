import { Redis } from 'ioredis';
import { uniqueName } from '../conformance/helpers';
import type { RedisServer } from '../support/redisServer';
import { useRedisServer } from '../support/useRedisServer';
import { difference, Fleet, range, report, tally, type Received, type Worker } from './harness';
import { eventually } from '../support/eventually';

const PRODUCERS = 3;
const PER_PRODUCER = 1500;
const GROUPS = ['A', 'B'] as const;
const DOWN_MS = 2000;
const PRODUCE_TIMEOUT_MS = 1000;
const RESUME_WITHIN_MS = 5000;

/** What one run of the scenario saw; the tests below each check a part of it. */
interface Outcome {
  expected: Set<number>;
  produced: Set<number>;
  /** How many events were produced when Redis went down: the restart must hit a running production. */
  producedAtRestart: number;
  producersDone: boolean;
  /** Time from Redis answering again to each consumer's first event after the restart (Infinity: none). */
  resumeMs: Map<string, number>;
  produceErrors: Map<string, Received<'produce-error'>[]>;
  pending: Record<string, number>;
  failure: string | undefined;
}

/**
 * Scenario 2 of the issue: Redis restarted (SIGTERM, then started again on the same port and AOF,
 * fsync always) while 3 producers and 4 consumers in 2 groups run.
 */
describe('faults - Redis restart under load', () => {
  const fleet = new Fleet();
  let outcome: Outcome;
  afterAll(() => fleet.killAll()); // before the server stops
  const redis = useRedisServer({ persistent: true });

  beforeAll(async () => {
    redis.admin.on('error', () => undefined); // down while Redis restarts
    outcome = await run(redis.server, redis.admin, fleet);
  }, 60_000);

  it('faults - every event whose produce was acknowledged is processed at least once by each group', () => {
    expect(outcome.failure).toBeUndefined();
    expect(outcome.producersDone).toBe(true);
    expect(outcome.producedAtRestart).toBeLessThan(outcome.expected.size);
    expect(outcome.produced).toEqual(outcome.expected); // producers retry until each event is acknowledged
    for (const group of GROUPS) {
      const { distinct } = tally(fleet.processed(group));
      expect(`${group}: ${difference(outcome.produced, distinct)}`).toBe(`${group}: missing 0 [], extra 0 []`);
      expect(outcome.pending[group]).toBe(0);
    }
  });

  it(`faults - each consumer resumes by itself within ${RESUME_WITHIN_MS} ms of Redis answering again`, () => {
    expect(outcome.resumeMs.size).toBe(4);
    for (const [consumer, ms] of outcome.resumeMs) expect(`${consumer} ${ms}`).toBe(`${consumer} ${Math.min(ms, RESUME_WITHIN_MS)}`);
  });

  it(`faults - produce during the outage rejects after produceTimeoutMs (${PRODUCE_TIMEOUT_MS}) with a retriable error`, () => {
    for (const [producer, errors] of outcome.produceErrors) {
      expect(`${producer}: ${errors.length > 0 ? 'rejected' : 'never rejected'}`).toBe(`${producer}: rejected`);
      expect(errors.filter((line) => !line.retriable).map((line) => line.message)).toEqual([]);
      // Each rejected after the timeout, not at once and not much later (the batch was sent while Redis was down).
      for (const line of errors) expect(`${producer} ${line.ms >= PRODUCE_TIMEOUT_MS - 20 && line.ms < PRODUCE_TIMEOUT_MS + 1000 ? 'in time' : line.ms}`).toBe(`${producer} in time`);
    }
  });
});

async function run(server: RedisServer, admin: Redis, fleet: Fleet): Promise<Outcome> {
  const deadline = Date.now() + 50_000;
  const left = () => Math.max(deadline - Date.now(), 1);
  const prefix = `${uniqueName('restart')}:`;
  const common = { url: server.url, prefix, stream: 'payments', produceTimeoutMs: PRODUCE_TIMEOUT_MS };
  const consumers = GROUPS.flatMap((group) =>
    [1, 2].map((index) =>
      fleet.spawn(`${group}${index}`, { ...common, mode: 'consume', group, consumer: `${group}${index}`, claimIdleAfterMs: 1000, maxInFlight: 100, concurrency: 4 }),
    ),
  );
  await fleet.ready();
  const producers: Worker[] = [];
  for (let p = 1; p <= PRODUCERS; p++) {
    const config = { ...common, mode: 'produce', group: 'shop', consumer: `P${p}`, first: p * 100_000 + 1, count: PER_PRODUCER, batchSize: 10, intervalMs: 15, retryDelayMs: 100 } as const;
    producers.push(fleet.spawn(`P${p}`, config));
  }
  const expected = new Set(producers.flatMap((worker) => [...range((worker.config as { first: number }).first, PER_PRODUCER)]));
  const outcome: Outcome = { expected, produced: new Set(), producedAtRestart: 0, producersDone: false, resumeMs: new Map(), produceErrors: new Map(), pending: {}, failure: undefined };
  const consumed = () => GROUPS.every((group) => difference(fleet.produced(), tally(fleet.processed(group)).distinct).startsWith('missing 0 '));
  try {
    await fleet.ready();
    await eventually('a third of the events to be produced and consumed', () => fleet.produced().size >= expected.size / 3 && GROUPS.every((g) => fleet.processed(g).length >= 300), { timeoutMs: left(), detail: () => fleet.describe() });

    outcome.producedAtRestart = fleet.produced().size;
    await server.restart({ downMs: DOWN_MS });
    const upAt = Date.now();

    await eventually('every producer to finish', () => producers.every((worker) => worker.has('done')), { timeoutMs: left(), detail: () => fleet.describe() });
    outcome.producersDone = true;
    const pendingOf = async (group: string) => ((await admin.xpending(prefix + common.stream, group)) as [number])[0];
    await eventually('both groups to process everything produced', async () => consumed() && (await pendingOf('A')) === 0 && (await pendingOf('B')) === 0, {
      timeoutMs: left(),
      detail: () => GROUPS.map((group) => `${group}: ${difference(fleet.produced(), tally(fleet.processed(group)).distinct)}`).join('; '),
    });
    for (const worker of consumers) {
      const first = worker.events('processed').find((line) => line.at >= upAt);
      outcome.resumeMs.set(worker.name, first ? first.at - upAt : Infinity);
    }
  } catch (error) {
    outcome.failure = (error as Error).message;
  }
  await fleet.stopAll();
  outcome.produced = fleet.produced();
  for (const worker of producers) outcome.produceErrors.set(worker.name, worker.events('produce-error'));
  for (const group of GROUPS) outcome.pending[group] = ((await admin.xpending(prefix + common.stream, group)) as [number])[0];
  const counts = Object.fromEntries(
    GROUPS.flatMap((group) => {
      const { events, distinct, duplicates } = tally(fleet.processed(group));
      return [
        [`${group}.processed`, events],
        [`${group}.distinct`, distinct.size],
        [`${group}.duplicates`, duplicates],
      ];
    }),
  );
  report('redis restart', {
    produced: outcome.produced.size,
    producedAtRestart: outcome.producedAtRestart,
    ...counts,
    produceErrors: [...outcome.produceErrors.values()].map((errors) => errors.length).join('/'),
    produceErrorMs: [...outcome.produceErrors.values()].flatMap((errors) => errors.map((line) => line.ms)).join(','),
    resumeMs: [...outcome.resumeMs].map(([name, ms]) => `${name}:${ms}`).join(','),
  });
  return outcome;
}
