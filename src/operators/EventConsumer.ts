import type { OperatorFunction } from 'rxjs';
import type { Delivery } from '../consumer/Delivery';
import { ackAfter, type MaybeAsync } from './ackAfter';
import { batch, type BatchConfig, type DeliveryBatch } from './batch';

/** A UCloud-style consumer: the operator pipeline that `EventService.subscribe` puts behind `consume`. */
export interface EventConsumer<T> {
  readonly kind: 'immediate' | 'batched';
  readonly operator: OperatorFunction<Delivery<T>, unknown>;
}

/**
 * A handler of {@link EventConsumer}: it gets the value (or the values of a batch) and, second, the
 * delivery (or the batch). It fails by throwing or rejecting, which nacks for a retry; what it returns
 * is its result and never decides between ack and nack (`undefined` and `false` ack like anything else).
 */
export type EventHandler<A, D> = (input: A, item: D) => MaybeAsync<unknown>;

/**
 * UCloud-compatible consumers, thin wrappers over `consume` and the operators:
 * `Immediate` is `ackAfter(handler)`, `Batched` is `batch(config)` then `ackAfter(handler)`. The event
 * (or batch) is acked when the handler returns or resolves, and nacked with the retry policy when it
 * throws or rejects, as with `ackAfter`.
 *
 * ## Example
 * ```ts
 * import { EventConsumer } from 'rx-redis-events';
 *
 * service.subscribe(JobEvents.started, EventConsumer.Immediate(async (job) => { await start(job); }));
 * service.subscribe(JobEvents.finished, EventConsumer.Batched({ maxLatency: 500, maxBatchSize: 100 }, async (jobs) => saveAll(jobs)));
 * ```
 */
export const EventConsumer = {
  /** One handler call per event, one at a time unless `concurrency` says otherwise. */
  Immediate<T>(handler: EventHandler<T, Delivery<T>>, options: { readonly concurrency?: number } = {}): EventConsumer<T> {
    if (typeof handler !== 'function') throw new TypeError('rx-redis-events: EventConsumer.Immediate needs a handler function');
    const operator = ackAfter((delivery: Delivery<T>) => handler(delivery.value, delivery), options);
    return { kind: 'immediate', operator };
  },

  /** One handler call per batch (see `batch`); the whole batch is acked when it returns, nacked when it throws. */
  Batched<T>(config: BatchConfig, handler: EventHandler<T[], DeliveryBatch<T>>): EventConsumer<T> {
    if (typeof handler !== 'function') throw new TypeError('rx-redis-events: EventConsumer.Batched needs a handler function');
    const toBatches = batch<T>(config);
    const handle = ackAfter((b: DeliveryBatch<T>) => handler(b.values, b));
    return { kind: 'batched', operator: (source) => handle(toBatches(source)) };
  },
};
