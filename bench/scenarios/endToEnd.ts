import { Queue, Worker } from 'bullmq';
import { ackAfter, createEventService } from 'rx-redis-events';
import superjson, { type SuperJSONResult } from 'superjson';
import type { BenchConfig } from '../config';
import { createGroup, pendingCount, pipelinedXadd, readAckLoop, waitUntil } from '../handwritten';
import { chunks, makeEvents, Orders, type BenchEvent } from '../payload';
import type { BenchRedis } from '../redis';
import { formatRatio, Throughput, type ScenarioResult } from '../result';
import { perSecond, rotate, since } from '../stats';

const CHUNK = 1000;
const HAND = 'hand-written: pipelined XADD ‖ XREADGROUP COUNT 1000 BLOCK + XACK loop';
const LIBRARY = 'library: produce(...chunkOf1000) ‖ consume + ackAfter(async handler, { concurrency })';
const BULLMQ = 'BullMQ: Queue.addBulk(chunkOf1000) ‖ Worker({ concurrency }), removeOnComplete';

let checksum = 0;
const touch = (value: BenchEvent) => void (checksum = (checksum + value.amount + (value.at.getTime() & 1)) % 1e9);

type Variant = (redis: BenchRedis, prefix: string, events: readonly BenchEvent[], concurrency: number) => Promise<number>;

const variants: Record<string, Variant> = {
  [HAND]: async (redis, prefix, events) => {
    const key = prefix + Orders.name;
    const producer = redis.client();
    const consumer = redis.client();
    await createGroup(consumer, key, 'e2e', '$');
    let handled = 0;
    const start = performance.now();
    const consuming = readAckLoop(consumer, key, 'e2e', (value) => (touch(value), void handled++), () => handled >= events.length, 2000);
    for (const chunk of chunks(events, CHUNK)) await pipelinedXadd(producer, key, chunk);
    await consuming;
    const ms = since(start);
    producer.disconnect();
    consumer.disconnect();
    return ms;
  },
  [LIBRARY]: async (redis, prefix, events, concurrency) => {
    const consumer = createEventService({ group: 'e2e', redis: redis.url, prefix });
    const producer = createEventService({ group: 'e2e-producer', redis: redis.url, prefix });
    const admin = redis.client();
    let handled = 0;
    const start = performance.now();
    const subscription = consumer
      .consume(Orders, { from: 'start' })
      .pipe(ackAfter((delivery) => Promise.resolve(touch(delivery.value)), { concurrency }))
      .subscribe(() => void handled++);
    for (const chunk of chunks(events, CHUNK)) await producer.produce(Orders, ...chunk);
    await waitUntil('every event handled', () => handled >= events.length, 120_000);
    await waitUntil('every ack', async () => (await pendingCount(admin, prefix + Orders.name, 'e2e')) === 0, 30_000);
    const ms = since(start);
    subscription.unsubscribe();
    await Promise.all([consumer.close(), producer.close()]);
    admin.disconnect();
    return ms;
  },
  [BULLMQ]: async (redis, prefix, events, concurrency) => {
    const connection = { host: redis.host, port: redis.port, maxRetriesPerRequest: null };
    const queue = new Queue('orders', { connection, prefix, defaultJobOptions: { removeOnComplete: true } });
    let completed = 0;
    const worker = new Worker('orders', (job) => Promise.resolve(touch(superjson.deserialize<BenchEvent>(job.data as SuperJSONResult))), { connection, prefix, concurrency });
    worker.on('completed', () => void completed++);
    await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
    const start = performance.now();
    for (const chunk of chunks(events, CHUNK)) await queue.addBulk(chunk.map((event) => ({ name: 'order', data: superjson.serialize(event) })));
    await waitUntil('every job completed', () => completed >= events.length, 600_000);
    const ms = since(start);
    await worker.close();
    await queue.close();
    return ms;
  },
};

/** Scenario 6: the same produce + consume work, end to end, by hand, with the library and with BullMQ. */
export async function endToEndScenario(redis: BenchRedis, config: BenchConfig): Promise<ScenarioResult> {
  const events = makeEvents(config.endToEndEvents);
  const throughput = new Throughput();
  for (let rep = 1; rep <= config.reps; rep++) {
    for (const [name, run] of rotate(Object.entries(variants), rep - 1)) {
      await redis.flush();
      const ms = await run(redis, `bench:e2e:${rep}:`, events, config.endToEndConcurrency);
      throughput.add(name, perSecond(events.length, ms));
    }
  }
  const versusBull = throughput.median(LIBRARY) / throughput.median(BULLMQ);
  return {
    title: `6. End to end vs BullMQ (${events.length.toLocaleString('en-US')} events produced and handled, handler concurrency ${config.endToEndConcurrency})`,
    rows: [HAND, LIBRARY, BULLMQ].map((variant) => throughput.row(variant, HAND)),
    targets: [{ target: 'library ≥ 5× BullMQ events/s end to end', measured: formatRatio(versusBull), met: versusBull >= 5 }],
    notes: [
      'The consumer (or Worker) is running before producing starts; a run is timed from the first produce until every event has been handled and acked (library: `XPENDING` is 0; BullMQ: every job `completed`).',
      'BullMQ jobs carry `superjson.serialize(event)` and the processor deserialises it, so every variant hands its handler the same value with a real `Date`.',
    ],
  };
}
