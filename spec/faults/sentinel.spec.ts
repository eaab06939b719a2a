import { Redis } from 'ioredis';
import { ackAfter, broadcastStream, eventStream, ReplicationTimeoutError, type EventService } from 'rx-redis-events';
import { createSentinelService } from '../../examples/sentinel';
import { uniqueName } from '../conformance/helpers';
import { startSentinelTopology, type Address, type SentinelTopology } from '../support/redisSentinel';
import { difference, range, report, tally } from './harness';
import { eventually, sleep } from '../support/eventually';

const EVENTS = 2000;
const BATCH = 10;
const CONSUMERS = 2;
const MAX_IN_FLIGHT = 50;
const BROADCASTS = 100;
const Payments = eventStream<{ n: number }>('payments');
const Ticks = broadcastStream<{ phase: string; seq: number }>('ticks');

/** What one run saw; the tests below each check a part of it. */
interface Outcome {
  /** The numbers whose produce resolved, and the entry ids it resolved with. */
  acknowledged: Map<number, string>;
  producedAtKill: number;
  /** How many numbers were acknowledged when the sentinels agreed on the new master. */
  producedAtFailover: number;
  handled: { n: number; consumer: string }[];
  /** Failed produce calls by error class, and the entries they had asked for. */
  produceErrors: Map<string, number>;
  retriedEntries: number;
  /** The stream on the new master: every entry's id and number. */
  stream: { id: string; n: number }[];
  pending: number;
  /** Broadcast numbers the listener received before the kill and after the failover (the probe messages left out). */
  heardBefore: number[];
  heardAfter: number[];
  failoverMs: number;
  failure: string | undefined;
}

/**
 * Redis Sentinel (a master, a replica, three sentinels with `down-after-milliseconds` 1000): the
 * master is SIGKILLed while a producer (with `durability: { replicas: 1 }`), two consumers blocked in
 * `XREADGROUP` and a broadcast listener run, all on `redis: { sentinels, name }` (examples/sentinel.ts).
 * Once the sentinels have promoted the replica, the old master is started again and made a replica of
 * the new one (as an operator would; Sentinel itself would do it some 8 s later), so that
 * `WAIT 1` can succeed again.
 */
describe('faults - Sentinel failover under load', () => {
  let topology: SentinelTopology;
  const services: EventService[] = [];
  let outcome: Outcome;

  beforeAll(async () => {
    // sentinels that think a master down after 1 s (the default here) fail over a second time when the new master is
    // slow to answer while it syncs the old one back as its replica on a busy machine (the whole suite at once)
    topology = await startSentinelTopology({ downAfterMs: 3000, failoverTimeoutMs: 6000 });
    outcome = await run(topology, services);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(services.map((service) => service.close()));
    await topology?.stop();
  });

  it('faults - every produce acknowledged (durability replicas 1) is on the new master and handled: lost 0', () => {
    expect(outcome.failure).toBeUndefined();
    expect(outcome.producedAtKill).toBeGreaterThan(0);
    expect(outcome.producedAtKill).toBeLessThan(EVENTS);
    expect([...outcome.acknowledged.keys()].sort((a, b) => a - b)).toEqual([...range(1, EVENTS)]);
    const onNewMaster = new Set(outcome.stream.map((entry) => entry.id));
    expect([...outcome.acknowledged.values()].filter((id) => !onNewMaster.has(id))).toEqual([]);
    expect(difference(range(1, EVENTS), tally(outcome.handled).distinct)).toBe('missing 0 [], extra 0 []');
    expect(outcome.pending).toBe(0);
  });

  it('faults - duplicates come only from retried produces and redeliveries of what was in flight', () => {
    const { duplicates } = tally(outcome.handled);
    const writtenTwice = outcome.stream.length - new Set(outcome.stream.map((entry) => entry.n)).size;
    expect(writtenTwice).toBeLessThanOrEqual(outcome.retriedEntries);
    expect(duplicates).toBeLessThanOrEqual(writtenTwice + CONSUMERS * MAX_IN_FLIGHT);
    // a produce that failed did so with a retriable error: a broker timeout or failure, or too few replicas
    expect([...outcome.produceErrors.keys()].filter((name) => !['TimeoutError', 'TransportError', 'ReplicationTimeoutError'].includes(name))).toEqual([]);
  });

  it('faults - blocked readers follow the new master: both consumers handle events produced after the failover', () => {
    const after = outcome.handled.filter((line) => line.n > outcome.producedAtFailover);
    expect(outcome.producedAtFailover).toBeLessThan(EVENTS);
    expect([...new Set(after.map((line) => line.consumer))].sort()).toEqual(['c1', 'c2']);
  });

  it(`faults - the listener follows the new master: all ${BROADCASTS} broadcasts before the kill and all ${BROADCASTS} after the failover arrive, in order`, () => {
    expect(outcome.heardBefore).toEqual([...range(1, BROADCASTS)]);
    expect(outcome.heardAfter).toEqual([...range(1, BROADCASTS)]);
  });
});

async function run(topology: SentinelTopology, services: EventService[]): Promise<Outcome> {
  const deadline = Date.now() + 50_000;
  const left = () => Math.max(deadline - Date.now(), 1);
  const prefix = `${uniqueName('sentinel')}:`;
  const open = (group: string) => {
    const service = createSentinelService({ sentinels: topology.sentinelAddresses, group, prefix, onError: () => undefined });
    services.push(service);
    return service;
  };
  const outcome: Outcome = {
    acknowledged: new Map(),
    producedAtKill: 0,
    producedAtFailover: 0,
    handled: [],
    produceErrors: new Map(),
    retriedEntries: 0,
    stream: [],
    pending: -1,
    heardBefore: [],
    heardAfter: [],
    failoverMs: 0,
    failure: undefined,
  };

  for (let index = 1; index <= CONSUMERS; index++) {
    const consumer = `c${index}`;
    open('billing')
      .consume(Payments, { from: 'start', maxInFlight: MAX_IN_FLIGHT, claimIdleAfterMs: 1000, blockMs: 500 })
      .pipe(ackAfter((delivery) => void outcome.handled.push({ n: delivery.value.n, consumer }), { concurrency: 4 }))
      .subscribe();
  }
  const listener = open('dashboard');
  const heard: { phase: string; seq: number }[] = [];
  listener.listen(Ticks).subscribe((tick) => heard.push(tick));
  await listener.listening(Ticks);
  const producer = open('shop');
  const broadcastRound = async (phase: string) => {
    for (let seq = 1; seq <= BROADCASTS; seq++) await producer.broadcast(Ticks, { phase, seq });
    await eventually(`the listener to hear the ${phase} round`, () => heard.filter((tick) => tick.phase === phase).length === BROADCASTS, left());
  };

  let producing = true;
  const production = (async () => {
    for (let n = 1; n <= EVENTS && producing; ) {
      const values = Array.from({ length: Math.min(BATCH, EVENTS - n + 1) }, (_, index) => ({ n: n + index }));
      try {
        const ids = await producer.produce(Payments, ...values);
        values.forEach((value, index) => outcome.acknowledged.set(value.n, ids[index] as string));
        n += values.length;
        await sleep(5);
      } catch (error) {
        const name = error instanceof ReplicationTimeoutError ? 'ReplicationTimeoutError' : error instanceof Error ? error.constructor.name : typeof error;
        outcome.produceErrors.set(name, (outcome.produceErrors.get(name) ?? 0) + 1);
        outcome.retriedEntries += values.length;
        await sleep(100);
      }
    }
  })();

  try {
    await broadcastRound('before');
    await eventually('a third of the events to be produced and handled', () => outcome.acknowledged.size >= EVENTS / 3 && outcome.handled.length >= EVENTS / 4, left());
    const old: Address = await topology.master();
    const oldServer = topology.serverAt(old);
    outcome.producedAtKill = outcome.acknowledged.size;
    const killedAt = Date.now();
    await oldServer.kill('SIGKILL');
    const current = await topology.waitForFailover(old, left());
    outcome.failoverMs = Date.now() - killedAt;
    outcome.producedAtFailover = outcome.acknowledged.size;

    // it comes back as a replica of the new master: an empty master on its old address could win the sentinels back and wipe the data
    await oldServer.restart({ args: ['--replicaof', current.host, String(current.port)] });
    await topology.waitForReplica(oldServer, left());

    // pub/sub has no memory: probe until the listener is subscribed on the new master, then a full round
    let probe = 0;
    const heardProbe = async () => {
      if (heard.some((tick) => tick.phase === 'probe')) return true;
      await producer.broadcast(Ticks, { phase: 'probe', seq: ++probe }).catch(() => undefined);
      return false;
    };
    await eventually('the listener to hear a probe after the failover', heardProbe, { timeoutMs: left(), intervalMs: 100 });
    await broadcastRound('after');

    await production;
    await eventually('the consumers to handle every event', () => tally(outcome.handled).distinct.size === EVENTS, { timeoutMs: left(), detail: () => difference(range(1, EVENTS), tally(outcome.handled).distinct) });
    const newMaster = new Redis({ host: current.host, port: current.port });
    try {
      const key = prefix + Payments.name;
      await eventually('nothing pending', async () => ((await newMaster.xpending(key, 'billing')) as [number])[0] === 0, left());
      outcome.pending = ((await newMaster.xpending(key, 'billing')) as [number])[0];
      outcome.stream = (await newMaster.xrange(key, '-', '+')).map(([id, fields]) => ({ id, n: (JSON.parse(fields[1] as string) as { json: { n: number } }).json.n }));
    } finally {
      newMaster.disconnect();
    }
  } catch (error) {
    outcome.failure = (error as Error).message;
  } finally {
    producing = false;
    await production;
  }
  outcome.heardBefore = heard.filter((tick) => tick.phase === 'before').map((tick) => tick.seq);
  outcome.heardAfter = heard.filter((tick) => tick.phase === 'after').map((tick) => tick.seq);
  const { events, distinct, duplicates } = tally(outcome.handled);
  const onNewMaster = new Set(outcome.stream.map((entry) => entry.id));
  report('sentinel failover', {
    produced: outcome.acknowledged.size,
    producedAtKill: outcome.producedAtKill,
    failoverMs: outcome.failoverMs,
    producedAtFailover: outcome.producedAtFailover,
    handledAfterFailover: ['c1', 'c2'].map((consumer) => outcome.handled.filter((line) => line.consumer === consumer && line.n > outcome.producedAtFailover).length).join('/'),
    handled: events,
    distinct: distinct.size,
    duplicates,
    lost: [...outcome.acknowledged.values()].filter((id) => !onNewMaster.has(id)).length,
    streamEntries: outcome.stream.length,
    produceErrors: [...outcome.produceErrors].map(([name, count]) => `${name}:${count}`).join(','),
    retriedEntries: outcome.retriedEntries,
    broadcastsBefore: outcome.heardBefore.length,
    broadcastsAfter: outcome.heardAfter.length,
  });
  return outcome;
}
