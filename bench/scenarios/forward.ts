import { batch, createEventService, eventStream, forwardTo } from 'rx-redis-events';
import type { BenchConfig } from '../config';
import { createGroup, fillBacklog, forwardLoop, pendingCount, waitUntil } from '../handwritten';
import { Orders, type BenchEvent } from '../payload';
import type { BenchRedis } from '../redis';
import { formatRatio, Throughput, type ScenarioResult } from '../result';
import { perSecond, rotate, since } from '../stats';

const HAND = 'hand-written: XREADGROUP COUNT 1000 + pipelined XADD to the target + XACK per batch';
const BATCHED = 'library: consume(source) + batch({ maxBatchSize: 1000 }) + forwardTo(service, target)';
const EACH = 'library: consume(source) + forwardTo(service, target, undefined, { concurrency: 100 })';

const PREFIX = 'bench:forward:';
const SOURCE = PREFIX + Orders.name;
const Invoices = eventStream<BenchEvent>('bench.invoices');

type Variant = (redis: BenchRedis, run: string, backlog: number) => Promise<number>;

const variants: Record<string, Variant> = {
  [HAND]: async (redis, run, backlog) => {
    const client = redis.client();
    await client.ping();
    let forwarded = 0;
    const start = performance.now();
    await createGroup(client, SOURCE, run, '0');
    await forwardLoop(client, SOURCE, run, `${PREFIX}${run}:${Invoices.name}`, (count) => void (forwarded += count), () => forwarded >= backlog);
    const ms = since(start);
    client.disconnect();
    return ms;
  },
  [BATCHED]: (redis, run, backlog) => drain(redis, run, backlog, true),
  [EACH]: (redis, run, backlog) => drain(redis, run, backlog, false),
};

/** Forwards the whole backlog with the library (a group of its own, a target of its own); returns the elapsed ms. */
async function drain(redis: BenchRedis, run: string, backlog: number, batched: boolean): Promise<number> {
  const service = createEventService({ group: run, redis: redis.url, prefix: PREFIX });
  const target = eventStream<BenchEvent>(`${run}:${Invoices.name}`);
  const admin = redis.client();
  let forwarded = 0;
  const start = performance.now();
  const deliveries = service.consume(Orders, { from: 'start' });
  const subscription = batched
    ? deliveries.pipe(batch({ maxLatency: 5, maxBatchSize: 1000 }), forwardTo(service, target)).subscribe((outcome) => void (outcome.ok && (forwarded += outcome.result.length)))
    : deliveries.pipe(forwardTo(service, target, undefined, { concurrency: 100 })).subscribe((outcome) => void (outcome.ok && (forwarded += outcome.result.length)));
  await waitUntil(`${backlog} events forwarded by ${run}`, () => forwarded >= backlog, 300_000);
  await waitUntil(`${run} acks`, async () => (await pendingCount(admin, SOURCE, run)) === 0, 30_000);
  const ms = since(start);
  subscription.unsubscribe();
  await service.close();
  const written = await admin.xlen(`${PREFIX}${target.name}`);
  admin.disconnect();
  if (written !== backlog) throw new Error(`${run}: the target holds ${written} entries, expected ${backlog}`);
  return ms;
}

/** Scenario 8: a consume → produce → ack pipeline (stream to stream), library `forwardTo` against a hand-written loop. */
export async function forwardScenario(redis: BenchRedis, config: BenchConfig): Promise<ScenarioResult> {
  const backlog = config.quick ? 5_000 : 20_000;
  await redis.flush();
  const filler = redis.client();
  await fillBacklog(filler, SOURCE, backlog);
  filler.disconnect();
  const throughput = new Throughput();
  for (let rep = 1; rep <= config.reps; rep++) {
    for (const [name, run] of rotate(Object.entries(variants), rep - 1)) {
      const ms = await run(redis, `forward-${rep}-${Object.keys(variants).indexOf(name)}`, backlog);
      throughput.add(name, perSecond(backlog, ms));
    }
  }
  const ratio = (variant: string) => throughput.median(variant) / throughput.median(HAND);
  return {
    title: `8. Forward throughput (backlog of ${backlog.toLocaleString('en-US')} events, stream to stream, every source acked)`,
    rows: [HAND, BATCHED, EACH].map((variant) => throughput.row(variant, HAND)),
    targets: [{ target: 'forwardTo in batches ≥ 1.0× the hand-written loop', measured: formatRatio(ratio(BATCHED)), met: ratio(BATCHED) >= 1 }],
    notes: [
      'Every run drains the same pre-filled source with a group of its own and writes a target of its own; a library run ends when every event was forwarded, nothing is pending and the target holds exactly the backlog.',
      '`forwardTo` writes each output with an idempotency key derived from its source entry (a `GET` and a `SET … PX` beside each `XADD`), so a redelivery after a crash writes nothing twice; the hand-written loop writes the batch again.',
    ],
  };
}
