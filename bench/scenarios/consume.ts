import { autoAck, batch, createEventService, type EventService } from 'rx-redis-events';
import type { Subscription } from 'rxjs';
import type { BenchConfig } from '../config';
import { createGroup, fillBacklog, pendingCount, readAckLoop, waitUntil } from '../handwritten';
import { Orders, type BenchEvent } from '../payload';
import type { BenchRedis } from '../redis';
import { formatRatio, Throughput, type ScenarioResult } from '../result';
import { median, perSecond, rotate, since } from '../stats';

const HAND = 'hand-written: XREADGROUP COUNT 1000 + superjson.parse + XACK per batch';
const AUTO_ACK = 'library: consume(stream) + autoAck()';
const BATCH = 'library: consume(stream) + batch({ maxBatchSize: 1000 }) + ack per batch';
const BATCH_WIDE = 'library: consume(stream, { maxInFlight: 2000 }) + batch({ maxBatchSize: 1000 }) + ack per batch';
const INSTRUMENTED = 'library: consume(stream) + autoAck(), with an instrumentation$ listener counting events';

const PREFIX = 'bench:consume:';
const KEY = PREFIX + Orders.name;

/** What a handler does with each event: reads two fields, so the decoded value is really used. */
let checksum = 0;
const touch = (value: BenchEvent) => void (checksum = (checksum + value.amount + (value.at.getTime() & 1)) % 1e9);

type Variant = (redis: BenchRedis, group: string, backlog: number) => Promise<number>;

/** Runs a library consumer until `backlog` events are handled and nothing is pending; returns the elapsed ms. */
async function drainWithLibrary(redis: BenchRedis, group: string, backlog: number, consume: (service: EventService, onEvents: (n: number) => void) => Subscription): Promise<number> {
  const service = createEventService({ group, redis: redis.url, prefix: PREFIX });
  const admin = redis.client();
  let handled = 0;
  const start = performance.now();
  const subscription = consume(service, (n) => void (handled += n));
  await waitUntil(`${backlog} events handled by ${group}`, () => handled >= backlog, 120_000);
  await waitUntil(`${group} acks`, async () => (await pendingCount(admin, KEY, group)) === 0, 30_000);
  const ms = since(start);
  subscription.unsubscribe();
  await service.close();
  admin.disconnect();
  return ms;
}

const variants: Record<string, Variant> = {
  [HAND]: async (redis, group, backlog) => {
    const client = redis.client();
    await client.ping();
    let handled = 0;
    const start = performance.now();
    await createGroup(client, KEY, group, '0');
    await readAckLoop(client, KEY, group, (value) => (touch(value), void handled++), () => handled >= backlog);
    const ms = since(start);
    client.disconnect();
    return ms;
  },
  [AUTO_ACK]: (redis, group, backlog) =>
    drainWithLibrary(redis, group, backlog, (service, onEvents) =>
      service
        .consume(Orders, { from: 'start' })
        .pipe(autoAck())
        .subscribe((delivery) => (touch(delivery.value), onEvents(1))),
    ),
  [INSTRUMENTED]: (redis, group, backlog) =>
    drainWithLibrary(redis, group, backlog, (service, onEvents) => {
      let events = 0;
      const listener = service.instrumentation$.subscribe(() => void events++);
      const subscription = service
        .consume(Orders, { from: 'start' })
        .pipe(autoAck())
        .subscribe((delivery) => (touch(delivery.value), onEvents(1)));
      subscription.add(() => {
        listener.unsubscribe();
        if (events < 2 * backlog) throw new Error(`the listener saw ${events} events, expected at least ${2 * backlog} (delivered + acked)`);
      });
      return subscription;
    }),
  [BATCH]: (redis, group, backlog) => drainWithLibrary(redis, group, backlog, (service, onEvents) => drainInBatches(service, onEvents, {})),
  [BATCH_WIDE]: (redis, group, backlog) => drainWithLibrary(redis, group, backlog, (service, onEvents) => drainInBatches(service, onEvents, { maxInFlight: 2000 })),
};

/** Batches of up to 1000 events, each acked as a whole once handled. */
function drainInBatches(service: EventService, onEvents: (n: number) => void, options: { maxInFlight?: number }): Subscription {
  return service
    .consume(Orders, { from: 'start', ...options })
    .pipe(batch<BenchEvent>({ maxLatency: 50, maxBatchSize: 1000 }))
    .subscribe((b) => {
      b.values.forEach(touch);
      onEvents(b.values.length);
      b.ack().catch(() => undefined);
    });
}

/** Scenario 2: draining a pre-filled backlog with one group, acking every event. */
export async function consumeScenario(redis: BenchRedis, config: BenchConfig): Promise<ScenarioResult> {
  await redis.flush();
  const filler = redis.client();
  await fillBacklog(filler, KEY, config.consumeBacklog);
  filler.disconnect();
  const throughput = new Throughput();
  /** Process CPU time (user + system) per consumed event, µs, of each run. */
  const cpu: Record<string, number[]> = {};
  // each variant drains the backlog once first, uncounted: its first drain would also measure Node compiling its code
  for (const [index, run] of Object.values(variants).entries()) await run(redis, `consume-warm-up-${index}`, config.consumeBacklog);
  for (let rep = 1; rep <= config.reps; rep++) {
    for (const [name, run] of rotate(Object.entries(variants), rep - 1)) {
      // Every run is a new group created at the stream's start: each drains the whole backlog.
      const before = process.cpuUsage();
      const ms = await run(redis, `consume-${rep}-${Object.keys(variants).indexOf(name)}`, config.consumeBacklog);
      const used = process.cpuUsage(before);
      throughput.add(name, perSecond(config.consumeBacklog, ms));
      (cpu[name] ??= []).push((used.user + used.system) / config.consumeBacklog);
    }
  }
  const ratio = (variant: string) => throughput.median(variant) / throughput.median(HAND);
  const cpuOf = (variant: string) => median(cpu[variant] ?? []);
  return {
    title: `2. Consume throughput (backlog of ${config.consumeBacklog.toLocaleString('en-US')} events, one group, every event acked)`,
    rows: [HAND, AUTO_ACK, INSTRUMENTED, BATCH, BATCH_WIDE].map((variant) => {
      const row = throughput.row(variant, HAND);
      return { ...row, detail: `${row.detail}; CPU ${cpuOf(variant).toFixed(2)} µs/event${variant === HAND ? '' : ` (${formatRatio(cpuOf(variant) / cpuOf(HAND))})`}` };
    }),
    targets: [AUTO_ACK, BATCH, BATCH_WIDE].flatMap((variant) => [
      { target: `consume ≥ 1.5× hand-written (${variant.replace('library: ', '')})`, measured: formatRatio(ratio(variant)), met: ratio(variant) >= 1.5 },
      {
        target: `CPU per consumed event ≤ 0.9× hand-written (${variant.replace('library: ', '')})`,
        measured: `${cpuOf(variant).toFixed(2)} vs ${cpuOf(HAND).toFixed(2)} µs (${formatRatio(cpuOf(variant) / cpuOf(HAND))})`,
        met: cpuOf(variant) <= 0.9 * cpuOf(HAND),
      },
    ]),
    notes: [
      'One stream is filled once; every run drains all of it with a group of its own created at the start of the stream (`from: "start"`, `XGROUP CREATE … 0`). Each variant first drains it once, uncounted, so that no counted run measures Node compiling the variant\'s code.',
      'A run ends when the handler has seen every event and `XPENDING` shows none left un-acked; library consumers use the default `maxInFlight` (1000), except the last row.',
      'With the default window (1000), a batch of 1000 fills it: the next read waits until the batch is acked, one round trip per batch. The last row gives the window twice the batch, as `docs/choosing-options.md` advises for a fast consumer, so the next batch is read while one is handled.',
      'CPU per event is the process CPU time (`process.cpuUsage()`, user + system) of a run, connecting and closing included, divided by the backlog; the server\'s CPU is not in it.',
      `The cost of \`instrumentation$\`: with a listener, ${formatRatio(throughput.median(INSTRUMENTED) / throughput.median(AUTO_ACK))} of the same consumer without one (it receives a \`consumer.delivered\` and a \`consumer.acked\` event per entry). Without a listener, emitting is one boolean test per event and builds nothing.`,
    ],
  };
}
