import { count, from, lastValueFrom } from 'rxjs';
import { createEventService, produceTo } from 'rx-redis-events';
import type { BenchConfig } from '../config';
import { pipelinedXadd } from '../handwritten';
import { chunks, KeyedOrders, makeEvents, Orders, type BenchEvent } from '../payload';
import type { BenchRedis } from '../redis';
import { formatRatio, Throughput, type ScenarioResult } from '../result';
import { perSecond, rotate, since } from '../stats';

const CHUNK = 1000;
const HAND = 'hand-written: pipelined XADD + superjson.stringify, chunks of 1000';
const PRODUCE = 'library: service.produce(stream, ...chunkOf1000)';
const PRODUCE_TO = 'library: from(events).pipe(produceTo(service, stream))';
const KEYED = 'library: service.produce(stream, ...chunkOf1000), stream with idempotency keys';

type Variant = (redis: BenchRedis, prefix: string, events: readonly BenchEvent[]) => Promise<number>;

const variants: Record<string, Variant> = {
  [HAND]: async (redis, prefix, events) => {
    const client = redis.client();
    await client.ping();
    const start = performance.now();
    for (const chunk of chunks(events, CHUNK)) await pipelinedXadd(client, prefix + Orders.name, chunk);
    const ms = since(start);
    client.disconnect();
    return ms;
  },
  [PRODUCE]: async (redis, prefix, events) => {
    const service = createEventService({ group: 'bench-producer', redis: redis.url, prefix });
    await service.produce(Orders, events[0] as BenchEvent); // connects; not measured
    const start = performance.now();
    for (const chunk of chunks(events, CHUNK)) await service.produce(Orders, ...chunk);
    const ms = since(start);
    await service.close();
    return ms;
  },
  [KEYED]: async (redis, prefix, events) => {
    const service = createEventService({ group: 'bench-producer', redis: redis.url, prefix });
    await service.produce(KeyedOrders, makeEvents(1, events.length)[0] as BenchEvent);
    const start = performance.now();
    for (const chunk of chunks(events, CHUNK)) await service.produce(KeyedOrders, ...chunk);
    const ms = since(start);
    await service.close();
    return ms;
  },
  [PRODUCE_TO]: async (redis, prefix, events) => {
    const service = createEventService({ group: 'bench-producer', redis: redis.url, prefix });
    await service.produce(Orders, events[0] as BenchEvent);
    const start = performance.now();
    const produced = await lastValueFrom(from(events).pipe(produceTo(service, Orders), count()));
    const ms = since(start);
    await service.close();
    if (produced !== events.length) throw new Error(`produceTo emitted ${produced} ids for ${events.length} events`);
    return ms;
  },
};

/** Scenario 1: produce throughput of the library against a hand-written pipeline, on one payload. */
export async function produceScenario(redis: BenchRedis, config: BenchConfig): Promise<ScenarioResult> {
  const events = makeEvents(config.produceEvents);
  const throughput = new Throughput();
  for (let rep = 1; rep <= config.reps; rep++) {
    for (const [name, run] of rotate(Object.entries(variants), rep - 1)) {
      await redis.flush();
      const ms = await run(redis, `bench:produce:${rep}:`, events);
      throughput.add(name, perSecond(events.length, ms));
    }
  }
  const ratio = (variant: string) => throughput.median(variant) / throughput.median(HAND);
  return {
    title: `1. Produce throughput (${events.length.toLocaleString('en-US')} events per run)`,
    rows: [HAND, PRODUCE, PRODUCE_TO, KEYED].map((variant) => throughput.row(variant, HAND)),
    targets: [
      ...[PRODUCE, PRODUCE_TO].map((variant) => ({ target: `produce ≥ 2.5× hand-written (${variant.replace('library: ', '')})`, measured: formatRatio(ratio(variant)), met: ratio(variant) >= 2.5 })),
      { target: 'produce with idempotency keys ≥ 1.5× hand-written', measured: formatRatio(ratio(KEYED)), met: ratio(KEYED) >= 1.5 },
    ],
    notes: [
      '`produce` runs await their chunks of 1000 one after another; `produceTo` runs with its default options over `from(events)`, which emits all events synchronously.',
      'Every library call is an idempotent append (producer id and sequence number, remembered by the script); the keyed stream also records each event\'s key (`GET` before and `SET … PX` after its `XADD`). The hand-written pipeline deduplicates nothing.',
    ],
  };
}
