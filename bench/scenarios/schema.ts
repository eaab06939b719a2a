import { autoAck, createEventService, eventStream } from 'rx-redis-events';
import { z } from 'zod';
import type { BenchConfig } from '../config';
import { fillBacklog, pendingCount, waitUntil } from '../handwritten';
import { chunks, makeEvents, Orders, type BenchEvent } from '../payload';
import type { BenchRedis } from '../redis';
import { formatRatio, Throughput, type ScenarioResult } from '../result';
import { perSecond, rotate, since } from '../stats';

/** The bench event as a zod 4 schema: every field checked, nothing transformed. */
const BenchEventSchema = z.object({
  id: z.string(),
  at: z.date(),
  amount: z.number(),
  qty: z.number().int().positive(),
  sentAt: z.number(),
  tags: z.array(z.string()),
  customer: z.object({ id: z.string(), tier: z.number().int() }),
});
/** `Orders` with the schema: the same key, the same bytes on the wire. */
const CheckedOrders = eventStream<BenchEvent>(Orders.name, { schema: BenchEventSchema });

const CHUNK = 1000;
const PRODUCE = 'produce: service.produce(stream, ...chunkOf1000), no schema';
const PRODUCE_ZOD = 'produce: the same, stream with a zod schema';
const CONSUME = 'consume: consume(stream) + autoAck(), no schema';
const CONSUME_ZOD = 'consume: the same, stream with a zod schema';
const PREFIX = 'bench:schema:';

/** Wall-clock and CPU time (this process: user + system) of one run, in ms. */
interface Timing {
  readonly ms: number;
  readonly cpuMs: number;
}

/** CPU ms this process spent since `start` (a `process.cpuUsage()` reading). */
function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

async function produceRun(redis: BenchRedis, prefix: string, events: readonly BenchEvent[], checked: boolean): Promise<Timing> {
  const service = createEventService({ group: 'bench-producer', redis: redis.url, prefix });
  const stream = checked ? CheckedOrders : Orders;
  await service.produce(stream, events[0] as BenchEvent); // connects; not measured
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (const chunk of chunks(events, CHUNK)) await service.produce(stream, ...chunk);
  const timing = { ms: since(start), cpuMs: cpuSince(cpu) };
  await service.close();
  return timing;
}

async function consumeRun(redis: BenchRedis, group: string, backlog: number, checked: boolean): Promise<Timing> {
  const service = createEventService({ group, redis: redis.url, prefix: PREFIX });
  const admin = redis.client();
  let handled = 0;
  let sum = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const subscription = service
    .consume(checked ? CheckedOrders : Orders, { from: 'start' })
    .pipe(autoAck())
    .subscribe((delivery) => ((sum += delivery.value.amount), void handled++));
  await waitUntil(`${backlog} events handled by ${group}`, () => handled >= backlog, 120_000);
  await waitUntil(`${group} acks`, async () => (await pendingCount(admin, PREFIX + Orders.name, group)) === 0, 30_000);
  const timing = { ms: since(start), cpuMs: cpuSince(cpu) };
  subscription.unsubscribe();
  await service.close();
  admin.disconnect();
  if (!(sum > 0)) throw new Error('no amount was read');
  return timing;
}

/** Scenario: the cost of Standard Schema validation (zod 4), produce and consume with and without a schema in the same run. */
export async function schemaScenario(redis: BenchRedis, config: BenchConfig): Promise<ScenarioResult> {
  const events = makeEvents(config.produceEvents);
  const backlog = Math.round(config.consumeBacklog / 2);
  const throughput = new Throughput();
  /** Events per second of this process's CPU time: the cost of validation with less of the noise of a shared machine. */
  const perCpu = new Throughput();
  const add = (name: string, events: number, timing: Timing) => {
    throughput.add(name, perSecond(events, timing.ms));
    perCpu.add(name, perSecond(events, timing.cpuMs));
  };
  const produceVariants: [string, boolean][] = [[PRODUCE, false], [PRODUCE_ZOD, true]];
  for (let rep = 1; rep <= config.reps; rep++) {
    for (const [name, checked] of rotate(produceVariants, rep - 1)) {
      await redis.flush();
      add(name, events.length, await produceRun(redis, `bench:schema-produce:${rep}:`, events, checked));
    }
  }
  await redis.flush();
  const filler = redis.client();
  await fillBacklog(filler, PREFIX + Orders.name, backlog);
  filler.disconnect();
  const consumeVariants: [string, boolean][] = [[CONSUME, false], [CONSUME_ZOD, true]];
  for (let rep = 1; rep <= config.reps; rep++) {
    for (const [name, checked] of rotate(consumeVariants, rep - 1)) {
      add(name, backlog, await consumeRun(redis, `schema-${rep}-${checked ? 'zod' : 'plain'}`, backlog, checked));
    }
  }
  const ratio = (variant: string, baseline: string) => throughput.median(variant) / throughput.median(baseline);
  return {
    title: `9. Schema validation cost (zod 4; produce ${events.length.toLocaleString('en-US')} events per run, consume a backlog of ${backlog.toLocaleString('en-US')})`,
    rows: [
      ...[PRODUCE, PRODUCE_ZOD].map((variant) => throughput.row(variant, PRODUCE)),
      ...[PRODUCE, PRODUCE_ZOD].map((variant) => ({ ...perCpu.row(variant, PRODUCE, 'events per CPU second'), variant: `${variant} (CPU time)` })),
      ...[CONSUME, CONSUME_ZOD].map((variant) => throughput.row(variant, CONSUME)),
      ...[CONSUME, CONSUME_ZOD].map((variant) => ({ ...perCpu.row(variant, CONSUME, 'events per CPU second'), variant: `${variant} (CPU time)` })),
    ],
    targets: [],
    notes: [
      `With a zod schema of the bench event (7 fields, a nested object and an array, all checked), produce runs at ${formatRatio(ratio(PRODUCE_ZOD, PRODUCE))} and consume at ${formatRatio(ratio(CONSUME_ZOD, CONSUME))} of the same without a schema (wall clock); per CPU second of the Node process, ${formatRatio(perCpu.median(PRODUCE_ZOD) / perCpu.median(PRODUCE))} and ${formatRatio(perCpu.median(CONSUME_ZOD) / perCpu.median(CONSUME))}. The ratios are against the rows without a schema, not against a hand-written loop.`,
      'The CPU rows divide the events by the user + system time of the bench process (`process.cpuUsage()`) over the same interval: Redis runs in its own process and is not counted, and other processes on the machine disturb it less than the wall clock.',
      'Produce validates every event of a call before encoding any; a consumer validates each entry after decoding it. zod answers synchronously here, so nothing waits on a Promise.',
    ],
  };
}
