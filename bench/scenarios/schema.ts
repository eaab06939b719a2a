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

async function produceRun(redis: BenchRedis, prefix: string, events: readonly BenchEvent[], checked: boolean): Promise<number> {
  const service = createEventService({ group: 'bench-producer', redis: redis.url, prefix });
  const stream = checked ? CheckedOrders : Orders;
  await service.produce(stream, events[0] as BenchEvent); // connects; not measured
  const start = performance.now();
  for (const chunk of chunks(events, CHUNK)) await service.produce(stream, ...chunk);
  const ms = since(start);
  await service.close();
  return ms;
}

async function consumeRun(redis: BenchRedis, group: string, backlog: number, checked: boolean): Promise<number> {
  const service = createEventService({ group, redis: redis.url, prefix: PREFIX });
  const admin = redis.client();
  let handled = 0;
  let sum = 0;
  const start = performance.now();
  const subscription = service
    .consume(checked ? CheckedOrders : Orders, { from: 'start' })
    .pipe(autoAck())
    .subscribe((delivery) => ((sum += delivery.value.amount), void handled++));
  await waitUntil(`${backlog} events handled by ${group}`, () => handled >= backlog, 120_000);
  await waitUntil(`${group} acks`, async () => (await pendingCount(admin, PREFIX + Orders.name, group)) === 0, 30_000);
  const ms = since(start);
  subscription.unsubscribe();
  await service.close();
  admin.disconnect();
  if (!(sum > 0)) throw new Error('no amount was read');
  return ms;
}

/** Scenario: the cost of Standard Schema validation (zod 4), produce and consume with and without a schema in the same run. */
export async function schemaScenario(redis: BenchRedis, config: BenchConfig): Promise<ScenarioResult> {
  const events = makeEvents(config.produceEvents);
  const backlog = Math.round(config.consumeBacklog / 4);
  const throughput = new Throughput();
  const produceVariants: [string, boolean][] = [[PRODUCE, false], [PRODUCE_ZOD, true]];
  for (let rep = 1; rep <= config.reps; rep++) {
    for (const [name, checked] of rotate(produceVariants, rep - 1)) {
      await redis.flush();
      throughput.add(name, perSecond(events.length, await produceRun(redis, `bench:schema-produce:${rep}:`, events, checked)));
    }
  }
  await redis.flush();
  const filler = redis.client();
  await fillBacklog(filler, PREFIX + Orders.name, backlog);
  filler.disconnect();
  const consumeVariants: [string, boolean][] = [[CONSUME, false], [CONSUME_ZOD, true]];
  for (let rep = 1; rep <= config.reps; rep++) {
    for (const [name, checked] of rotate(consumeVariants, rep - 1)) {
      throughput.add(name, perSecond(backlog, await consumeRun(redis, `schema-${rep}-${checked ? 'zod' : 'plain'}`, backlog, checked)));
    }
  }
  const ratio = (variant: string, baseline: string) => throughput.median(variant) / throughput.median(baseline);
  return {
    title: `9. Schema validation cost (zod 4; produce ${events.length.toLocaleString('en-US')} events per run, consume a backlog of ${backlog.toLocaleString('en-US')})`,
    rows: [throughput.row(PRODUCE, PRODUCE), throughput.row(PRODUCE_ZOD, PRODUCE), throughput.row(CONSUME, CONSUME), throughput.row(CONSUME_ZOD, CONSUME)],
    targets: [],
    notes: [
      `With a zod schema of the bench event (7 fields, a nested object and an array, all checked), produce runs at ${formatRatio(ratio(PRODUCE_ZOD, PRODUCE))} and consume at ${formatRatio(ratio(CONSUME_ZOD, CONSUME))} of the same without a schema; the ratios are against the row without a schema, not against a hand-written loop.`,
      'Produce validates every event of a call before encoding any; a consumer validates each entry after decoding it. zod answers synchronously here, so nothing waits on a Promise.',
    ],
  };
}
