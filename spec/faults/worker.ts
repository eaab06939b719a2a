/**
 * A consumer or producer in a process of its own, for the fault-injection specs. Started by
 * `harness.ts` as `node --import tsx spec/faults/worker.ts '<WorkerConfig as JSON>'` (tsx resolves
 * 'rx-redis-events' through the tsconfig paths). Writes one JSON line per fact to stdout:
 *
 * - `{"event":"ready"}` once subscribed (consumer) or connected (producer)
 * - `{"event":"started","group","consumer","n","id","count"}` when a handler starts on an event
 * - `{"event":"processed","group","consumer","n","id","count"}` when a handler finished an event, before its ack
 *   (a forwarder: when its outputs were appended, as its ack is sent)
 * - `{"event":"stuck","id","handlingMs"}` for each `consumer.stuck` the service reports
 * - `{"event":"produced","n","id"}` for each event whose `produce` resolved
 * - `{"event":"produce-error","n","retriable","message","ms"}` for a failed produce after `ms` (retried, not counted)
 * - `{"event":"error","message"}` for what the service reports to `onError`
 * - `{"event":"done"}` when a producer has produced everything; `{"event":"closed"}` after `close()`
 *
 * SIGTERM closes the service (draining handlers, flushing acks) and exits 0.
 */
import { defer, map, mergeMap, timer, type Subscription } from 'rxjs';
import { ackAfter, createEventService, eventStream, forwardTo, isRetriable, type ConsumeOptions, type Delivery, type EventService, type EventServiceOptions } from 'rx-redis-events';
import type { ConsumerConfig, ForwarderConfig, PrintedLine, ProducerConfig, WorkerConfig, WorkerEvent } from './protocol';

const sleep = (ms: number) => new Promise<void>((resolve) => timer(ms).subscribe(() => resolve()));

/** Pipes to a parent are synchronous on Linux: a line written before a kill -9 is not lost. */
function emit(line: WorkerEvent): void {
  const printed: PrintedLine = { ...line, printedAt: Date.now() };
  process.stdout.write(`${JSON.stringify(printed)}\n`);
}

/** The stream both sides use: `partitions` of them, keyed `k<n mod keys>` when `keys` is set, with idempotency keys `n<n>` when asked. */
function streamOf(config: WorkerConfig) {
  const { keys } = config;
  return eventStream<{ n: number }>(config.stream, {
    partitions: config.partitions ?? 1,
    ...(keys ? { key: (value: { n: number }) => `k${value.n % keys}` } : {}),
    ...(config.idempotencyKeys ? { idempotency: { key: (value: { n: number }) => `n${value.n}` } } : {}),
  });
}

function serviceFor(config: WorkerConfig): EventService {
  const options: EventServiceOptions = {
    group: config.group,
    consumer: config.consumer,
    redis: config.url,
    prefix: config.prefix,
    closeTimeoutMs: 2000,
    produceTimeoutMs: config.produceTimeoutMs,
    consumerExpiryMs: config.consumerExpiryMs,
    onError: (error: unknown) => emit({ event: 'error', message: error instanceof Error ? error.message : String(error) }),
  };
  return createEventService(options);
}

function consumeOptions(config: ConsumerConfig | ForwarderConfig): ConsumeOptions {
  return {
    from: 'start',
    claimIdleAfterMs: config.claimIdleAfterMs,
    maxInFlight: config.maxInFlight,
    maxDeliveries: config.maxDeliveries,
    blockMs: config.blockMs,
    maxHandlingMs: config.maxHandlingMs,
    ordered: config.ordered ?? false,
  };
}

/** Forwards each event as `outputs` events `{ n, part }` to the target, and says so once they are appended. */
function forward(config: ForwarderConfig, service: EventService): Subscription {
  const target = eventStream<{ n: number; part: number }>(config.target, { partitions: config.targetPartitions ?? 1 });
  const project = ({ n }: { n: number }) => Array.from({ length: config.outputs }, (_, part) => ({ n, part }));
  return service
    .consume(streamOf(config), consumeOptions(config))
    .pipe(map((delivery) => withAckDelay(delivery, config.ackDelayMs ?? 0)), forwardTo(service, target, project, { concurrency: config.concurrency ?? 1 }))
    .subscribe((outcome) => {
      if (!outcome.ok || 'deliveries' in outcome.item) return;
      const { item } = outcome;
      emit({ event: 'processed', group: config.group, consumer: config.consumer, n: item.value.n, id: item.id, count: item.deliveryCount });
    });
}

/** The delivery, with its ack sent `ms` after it is asked for. */
function withAckDelay<T>(delivery: Delivery<T>, ms: number): Delivery<T> {
  if (ms === 0) return delivery;
  const { id, value, stream, key, partition, deliveryCount, producedAt } = delivery;
  const ack = () => sleep(ms).then(() => delivery.ack());
  return { id, value, stream, key, partition, deliveryCount, producedAt, ack, nack: (options) => delivery.nack(options), deadLetter: (reason) => delivery.deadLetter(reason) };
}

function consume(config: ConsumerConfig, service: EventService): Subscription {
  const stream = streamOf(config);
  const options = consumeOptions(config);
  service.instrumentation$.subscribe((event) => {
    if (event.type === 'consumer.stuck') emit({ event: 'stuck', id: event.id, handlingMs: event.handlingMs });
  });
  const handle = async (delivery: Delivery<{ n: number }>) => {
    const line = { group: config.group, consumer: config.consumer, n: delivery.value.n, id: delivery.id, count: delivery.deliveryCount };
    emit({ event: 'started', ...line });
    const delayMs = delivery.deliveryCount === 1 ? (config.firstDeliveryDelayMs ?? config.handlerDelayMs) : config.handlerDelayMs;
    if (delayMs) await sleep(delayMs);
    emit({ event: 'processed', ...line });
  };
  const deliveries = service.consume(stream, options);
  const concurrency = config.concurrency ?? 1;
  if (!config.ackEvery) return deliveries.pipe(ackAfter(handle, { concurrency })).subscribe();

  // Acks in batches of `ackEvery`: a kill between two batch acks leaves processed events pending.
  let batch: Delivery<{ n: number }>[] = [];
  const ackEvery = config.ackEvery;
  return deliveries
    .pipe(
      mergeMap(
        (delivery) =>
          defer(async () => {
            await handle(delivery);
            batch.push(delivery);
            if (batch.length < ackEvery) return;
            const full = batch;
            batch = [];
            await Promise.all(full.map((item) => item.ack()));
          }),
        concurrency,
      ),
    )
    .subscribe();
}

/** Produces `count` numbered events in batches, retrying a failed batch until it is acknowledged. */
async function produce(config: ProducerConfig, service: EventService, stopping: () => boolean): Promise<void> {
  const stream = streamOf(config);
  const last = config.first + config.count - 1;
  for (let n = config.first; n <= last && !stopping(); ) {
    const values = Array.from({ length: Math.min(config.batchSize, last - n + 1) }, (_, index) => ({ n: n + index }));
    const startedAt = Date.now();
    try {
      const ids = await service.produce(stream, ...values);
      values.forEach((value, index) => emit({ event: 'produced', n: value.n, id: ids[index] ?? '' }));
      n += values.length;
      if (config.intervalMs > 0) await sleep(config.intervalMs);
    } catch (error) {
      if (stopping()) break; // closed under it by SIGTERM: not an outage
      const message = error instanceof Error ? error.message : String(error);
      emit({ event: 'produce-error', n, retriable: isRetriable(error), message, ms: Date.now() - startedAt });
      await sleep(config.retryDelayMs ?? 100);
    }
  }
  emit({ event: 'done' });
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
  const service = serviceFor(config);
  let stopping = false;
  let subscription: Subscription | undefined;
  const close = async () => {
    stopping = true;
    await service.close();
    subscription?.unsubscribe();
    emit({ event: 'closed' });
    process.exit(0);
  };
  process.once('SIGTERM', () => void close());
  if (config.mode === 'consume' || config.mode === 'forward') {
    subscription = config.mode === 'consume' ? consume(config, service) : forward(config, service);
    emit({ event: 'ready' });
  } else {
    emit({ event: 'ready' });
    await produce(config, service, () => stopping);
  }
}

main().catch((error: unknown) => {
  emit({ event: 'error', message: `worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` });
  process.exit(1);
});
