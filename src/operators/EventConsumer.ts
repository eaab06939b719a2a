import type { OperatorFunction } from 'rxjs';
import type { Delivery } from '../consumer/Delivery';
import { RxRedisEventsError } from '../errors/RxRedisEventsError';
import { ackAfter } from './ackAfter';
import { batch, type BatchConfig } from './batch';

/** A UCloud-style consumer: the operator pipeline that `EventService.subscribe` puts behind `consume`. */
export interface EventConsumer<T> {
  readonly kind: 'immediate' | 'batched';
  readonly operator: OperatorFunction<Delivery<T>, unknown>;
}

/** A handler of UCloud's shape: `true` acknowledges; `false`, a throw or a rejection gives the event back for redelivery. */
export type AckingHandler<A> = (input: A) => boolean | Promise<boolean>;

/** Raised inside the pipeline when a handler returns `false`, so the event is nacked. */
export class HandlerDeclinedError extends RxRedisEventsError {
  constructor() {
    super('the handler returned false: the event is given back for redelivery', { retriable: true });
  }
}

async function requireTrue<A>(handler: AckingHandler<A>, input: A): Promise<void> {
  if ((await handler(input)) !== true) throw new HandlerDeclinedError();
}

/**
 * UCloud-compatible consumers, thin wrappers over `consume` and the operators:
 * `Immediate` is `ackAfter(handler)`, `Batched` is `batch(config)` then `ackAfter(handler)`.
 *
 * ## Example
 * ```ts
 * import { EventConsumer } from 'rx-redis-events';
 *
 * service.subscribe(JobEvents.started, EventConsumer.Immediate(async (job) => { await start(job); return true; }));
 * service.subscribe(JobEvents.finished, EventConsumer.Batched({ maxLatency: 500, maxBatchSize: 100 }, async (jobs) => saveAll(jobs)));
 * ```
 */
export const EventConsumer = {
  /** One handler call per event, one at a time unless `concurrency` says otherwise. */
  Immediate<T>(handler: AckingHandler<T>, options: { readonly concurrency?: number } = {}): EventConsumer<T> {
    if (typeof handler !== 'function') throw new TypeError('rx-redis-events: EventConsumer.Immediate needs a handler function');
    const operator = ackAfter((delivery: Delivery<T>) => requireTrue(handler, delivery.value), options);
    return { kind: 'immediate', operator };
  },

  /** One handler call per batch (see `batch`); `true` acks the whole batch. */
  Batched<T>(config: BatchConfig, handler: AckingHandler<T[]>): EventConsumer<T> {
    if (typeof handler !== 'function') throw new TypeError('rx-redis-events: EventConsumer.Batched needs a handler function');
    const toBatches = batch<T>(config);
    const handle = ackAfter((b: { values: T[]; ack(): Promise<void>; nack(): Promise<void> }) => requireTrue(handler, b.values));
    return { kind: 'batched', operator: (source) => handle(toBatches(source)) };
  },
};
