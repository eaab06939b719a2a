import { asyncScheduler, bufferTime, filter, map, type OperatorFunction, type SchedulerLike } from 'rxjs';
import type { Delivery, NackOptions } from '../consumer/Delivery';
import { assertDuration, assertInteger } from '../internal/validate';

/** Configuration of {@link batch}. */
export interface BatchConfig {
  /** Longest an event waits in a batch before the batch is emitted, in ms (a `bufferTime` window); at least 1. */
  readonly maxLatency: number;
  /** Most events in one batch; a full batch is emitted at once. At least 1. */
  readonly maxBatchSize: number;
  /** Scheduler of the latency timer. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/** Deliveries emitted together by {@link batch}; settle them all at once or one by one. */
export interface DeliveryBatch<T> {
  /** The values, in delivery order. */
  readonly values: T[];
  /** The deliveries, in the same order. */
  readonly deliveries: Delivery<T>[];
  /** The highest delivery count in the batch (picks the retry delay in `ackAfter`). */
  readonly deliveryCount: number;
  /** Acks every delivery of the batch (one `XACK`). */
  ack(): Promise<void>;
  /** Nacks every delivery of the batch. */
  nack(options?: NackOptions): Promise<void>;
  /** Moves every delivery of the batch to the dead-letter stream at once (reason `rejected`, `reason` as the error). */
  deadLetter(reason?: string): Promise<void>;
}

/**
 * Groups deliveries into non-empty batches of at most `maxBatchSize`, emitted when full or when the
 * `maxLatency` window closes (RxJS `bufferTime(maxLatency, null, maxBatchSize)`), as UCloud's
 * `EventConsumer.Batched` does.
 *
 * ```
 * batch({ maxLatency: 5, maxBatchSize: 2 })
 * source:  -a-b-c------|
 * result:  ---x----y---|    x = [a, b] (full), y = [c] (window closed), nothing for empty windows
 * ```
 *
 * ## Example
 * ```ts
 * import { batch } from 'rx-redis-events';
 *
 * service.consume(JobEvents.finished).pipe(batch({ maxLatency: 500, maxBatchSize: 100 }))
 *   .subscribe(async (b) => { await saveAll(b.values); await b.ack(); });
 * ```
 *
 * @param config Window length, size bound and optional scheduler.
 * @returns An operator from deliveries to batches of deliveries.
 * @throws RangeError when `maxLatency` < 1 or `maxBatchSize` is not an integer >= 1.
 * @see ackAfter
 */
export function batch<T>(config: BatchConfig): OperatorFunction<Delivery<T>, DeliveryBatch<T>> {
  if (typeof config !== 'object' || config === null) throw new TypeError('rx-redis-events: batch needs { maxLatency, maxBatchSize }');
  assertDuration(config.maxLatency, 'batch option maxLatency', 1);
  assertInteger(config.maxBatchSize, 'batch option maxBatchSize', 1);
  const scheduler = config.scheduler ?? asyncScheduler;
  return (source) =>
    source.pipe(
      bufferTime(config.maxLatency, null, config.maxBatchSize, scheduler),
      filter((deliveries) => deliveries.length > 0),
      map(toBatch),
    );
}

/** Wraps deliveries into a {@link DeliveryBatch}. */
export function toBatch<T>(deliveries: Delivery<T>[]): DeliveryBatch<T> {
  const values = new Array<T>(deliveries.length);
  let deliveryCount = 0;
  for (let index = 0; index < deliveries.length; index++) {
    const delivery = deliveries[index] as Delivery<T>;
    values[index] = delivery.value;
    if (delivery.deliveryCount > deliveryCount) deliveryCount = delivery.deliveryCount;
  }
  return {
    values,
    deliveries,
    deliveryCount,
    ack: () => settleAll(deliveries, (delivery) => delivery.ack()),
    nack: (options?: NackOptions) => settleAll(deliveries, (delivery) => delivery.nack(options)),
    deadLetter: (reason?: string) => settleAll(deliveries, (delivery) => delivery.deadLetter(reason)),
  };
}

/**
 * Settles every delivery and waits for each distinct promise once: the acks of one tick share the
 * promise of their coalesced `XACK`, so a batch of 1000 usually waits on one promise, not 1000.
 */
function settleAll<T>(deliveries: readonly Delivery<T>[], settle: (delivery: Delivery<T>) => Promise<void>): Promise<void> {
  const distinct = new Set<Promise<void>>();
  for (const delivery of deliveries) distinct.add(settle(delivery));
  return Promise.all(distinct).then(() => undefined);
}
