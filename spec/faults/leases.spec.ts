import { createEventService, eventStream } from 'rx-redis-events';
import { uniqueName } from '../conformance/helpers';
import { useRedisServer } from '../support/useRedisServer';
import { Fleet, range, report, type Received, type Worker } from './harness';
import type { ConsumerConfig } from './protocol';
import { eventually, sleep } from '../support/eventually';

const CLAIM_IDLE_AFTER_MS = 1000;

/** Issue 15, leases: handlers far longer than claimIdleAfterMs, in two processes, one of them killed. */
describe('faults - leases: a live consumer keeps what it is handling', () => {
  const redis = useRedisServer();
  const fleet = new Fleet();
  afterAll(() => fleet.killAll());

  const numbered = (workers: readonly Worker[], event: 'started' | 'processed', first = 1) =>
    workers.flatMap((worker) => worker.events(event)).filter((line) => line.n >= first);
  const produce = async (prefix: string, stream: string, first: number, count: number) => {
    const producer = createEventService({ group: 'producer', redis: redis.server.url, prefix });
    await producer.produce(eventStream<{ n: number }>(stream), ...[...range(first, count)].map((n) => ({ n })));
    await producer.close();
  };
  const startedTwice = (lines: readonly Received<'started'>[]) => lines.filter((line) => lines.filter((other) => other.n === line.n).length > 1);

  let slow: Worker[] = [];
  let hung: Worker[] = [];
  const slowPrefix = `${uniqueName('lease')}:`;
  const hungPrefix = `${uniqueName('stuck')}:`;
  beforeAll(async () => {
    const common = { mode: 'consume', url: redis.server.url, stream: 'jobs', group: 'A', claimIdleAfterMs: CLAIM_IDLE_AFTER_MS } as const;
    const slowConfig = { ...common, prefix: slowPrefix, maxInFlight: 8, concurrency: 8, handlerDelayMs: 4500 } satisfies Partial<ConsumerConfig>;
    slow = ['a', 'b'].map((name) => fleet.spawn(`slow-${name}`, { ...slowConfig, consumer: name }));
    // the first delivery hangs for 8 s, far past maxHandlingMs; a redelivery is quick
    const hungConfig = { ...common, prefix: hungPrefix, maxHandlingMs: 2000, firstDeliveryDelayMs: 8000, handlerDelayMs: 50 } satisfies Partial<ConsumerConfig>;
    hung = ['c', 'd'].map((name) => fleet.spawn(`hung-${name}`, { ...hungConfig, consumer: name }));
    await fleet.ready(60_000);
  }, 70_000);

  it('faults - leases: two instances, claimIdleAfterMs 1 s, handlers of 4.5 s: each event is started exactly once', async () => {
    await produce(slowPrefix, 'jobs', 1, 8);
    await eventually('8 events processed', () => numbered(slow, 'processed').length === 8, { timeoutMs: 15_000, detail: () => fleet.describe() });
    const started = numbered(slow, 'started');
    report('leases, slow handlers', { events: 8, started: started.length, byA: slow[0]?.events('started').length ?? 0, byB: slow[1]?.events('started').length ?? 0 });
    expect(started.map((line) => line.n).sort((x, y) => x - y)).toEqual([...range(1, 8)]);
    expect(started.map((line) => line.count)).toEqual(started.map(() => 1));
    expect(numbered(slow, 'processed').length).toBe(8);
  }, 20_000);

  it('faults - leases: a consumer SIGKILLed mid-handler has its events taken over within claimIdleAfterMs + 1 s, the survivor’s are started once', async () => {
    await produce(slowPrefix, 'jobs', 101, 8);
    await eventually('all 8 started', () => numbered(slow, 'started', 101).length === 8, { timeoutMs: 10_000, detail: () => fleet.describe() });
    const unfinished = (worker: Worker) => worker.events('started').filter((line) => line.n >= 101).length;
    const [victim, survivor] = [...slow].sort((x, y) => unfinished(y) - unfinished(x)) as [Worker, Worker];
    await sleep(1500); // mid-handler: 1.5 s into 4.5 s
    const held = new Set(victim.events('started').filter((line) => line.n >= 101).map((line) => line.n));
    await victim.kill('SIGKILL');
    const killedAt = Date.now();
    expect(held.size).toBeGreaterThan(0);
    await eventually('the survivor to take over what the victim held', () => survivor.events('started').filter((line) => held.has(line.n)).length === held.size, { timeoutMs: 10_000, detail: () => fleet.describe() });
    const takenOver = survivor.events('started').filter((line) => held.has(line.n));
    const takeoverMs = Math.max(...takenOver.map((line) => line.at)) - killedAt;
    await eventually('all 8 processed by the survivor', () => survivor.events('processed').filter((line) => line.n >= 101).length === 8, { timeoutMs: 10_000, detail: () => fleet.describe() });
    report('leases, SIGKILL mid-handler', { held: held.size, takenOver: takenOver.length, takeoverMs });
    expect(takenOver.map((line) => line.count)).toEqual(takenOver.map(() => 2));
    expect(takeoverMs).toBeLessThanOrEqual(CLAIM_IDLE_AFTER_MS + 1000);
    const bySurvivor = survivor.events('started').filter((line) => line.n >= 101);
    expect(startedTwice(bySurvivor)).toEqual([]);
    expect(bySurvivor.map((line) => line.n).sort((x, y) => x - y)).toEqual([...range(101, 8)]);
  }, 30_000);

  it('faults - leases: a handler past maxHandlingMs is reported stuck and taken over', async () => {
    await produce(hungPrefix, 'jobs', 1, 1);
    await eventually('a stuck report', () => hung.some((worker) => worker.has('stuck')), { timeoutMs: 10_000, detail: () => fleet.describe() });
    const holder = hung.find((worker) => worker.has('stuck')) as Worker;
    const heir = hung.find((worker) => worker !== holder) as Worker;
    await eventually('the heir to process it', () => heir.has('processed'), { timeoutMs: 10_000, detail: () => fleet.describe() });
    const [stuck] = holder.events('stuck');
    const [first] = holder.events('started');
    const [second] = heir.events('started');
    report('leases, stuck handler', { handlingMs: stuck?.handlingMs ?? -1, takeoverAfterStuckMs: (second?.at ?? 0) - (stuck?.at ?? 0) });
    expect(holder.events('stuck').map((line) => line.id)).toEqual([first?.id]);
    expect(stuck?.handlingMs).toBeGreaterThan(2000);
    expect(stuck?.handlingMs).toBeLessThan(2000 + CLAIM_IDLE_AFTER_MS);
    expect([first?.count, second?.count, second?.id]).toEqual([1, 2, first?.id]);
    expect((second?.at ?? 0) - (stuck?.at ?? 0)).toBeLessThanOrEqual(CLAIM_IDLE_AFTER_MS + 1000);
    expect(heir.events('processed').map((line) => line.n)).toEqual([1]);
    expect(holder.has('processed')).toBe(false); // still hanging
  }, 20_000);
});
