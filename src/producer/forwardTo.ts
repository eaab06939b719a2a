import type { OperatorFunction } from 'rxjs';
import type { Delivery } from '../consumer/Delivery';
import { DEFAULT_IDEMPOTENCY_WINDOW_MS, type EventStream } from '../definitions/eventStream';
import { assertDuration } from '../internal/validate';
import { ackAfter, type AckAfterConfig, type HandlingOutcome } from '../operators/ackAfter';
import type { DeliveryBatch } from '../operators/batch';
import type { EventService } from '../service/EventService';
import { PRODUCE_KEYED } from './keyedProduce';

/** The function {@link forwardTo} maps each delivered value with: to one event, an array of events, or nothing (`undefined` or `[]`). */
export type ForwardToProjection<A, B> = (value: A, delivery: Delivery<A>) => B | readonly B[] | undefined;

/** Configuration of {@link forwardTo}: `ackAfter`'s, and how long an output's key is remembered. */
export interface ForwardToConfig extends AckAfterConfig {
  /**
   * How long the key of each output is remembered, in ms: a redelivery of the source entry within
   * it appends nothing again. Default: the target's idempotency window, else
   * {@link DEFAULT_IDEMPOTENCY_WINDOW_MS} (10 minutes).
   */
  readonly windowMs?: number;
}

/** The value type delivered in `D`: of a `Delivery`, or of the deliveries of a `DeliveryBatch`. */
export type DeliveredValue<D> = D extends DeliveryBatch<infer T> ? T : D extends Delivery<infer T> ? T : never;

/** What {@link forwardTo} emits for each item: the ids of its outputs (in the order of the outputs), or the error that nacked it. */
export type ForwardOutcome<D> = HandlingOutcome<D, string[]>;

/**
 * Appends `project(value, delivery)` of each delivery (or of each delivery of a batch) to `target`,
 * then acks the source: a consume → forward pipeline in which every output exists exactly once,
 * through crashes and redeliveries. Emits one {@link ForwardOutcome} per item.
 *
 * ```
 * forwardTo(service, target, (v) => [v, v])
 * source:  -a---b-----|
 * result:  -x---y-----|    x = { ok: true, item: a, result: [id1, id2] }, a acked after both outputs exist
 * ```
 *
 * Each output carries an idempotency key derived from its source: the consuming group, the source
 * stream, partition and entry id, and the output's index. When the process dies between the append
 * and the ack, the redelivery appends nothing new (its outputs answer their first ids) and only acks,
 * also when the target's partitions live on other slots of a cluster (each key lives in the slot of
 * its output's partition). A target that has idempotency keys of its own keys its outputs by them
 * instead. A redelivery later than `windowMs` after the first append is forwarded again.
 *
 * A `project` that throws, or an append that fails, nacks the item with the `retry` policy as
 * `ackAfter` does; after `maxDeliveries` it goes to the dead-letter stream, as for any handler.
 * `project` must give the same outputs for the same delivery (it runs again on a redelivery).
 *
 * ## Example
 * ```ts
 * import { createEventService, eventStream, forwardTo } from 'rx-redis-events';
 *
 * const orders = eventStream<{ orderId: string; total: number }>('orders');
 * const invoices = eventStream<{ orderId: string; amount: number }>('invoices');
 * const service = createEventService({ group: 'billing', redis: process.env.REDIS_URL });
 * service.consume(orders).pipe(forwardTo(service, invoices, (order) => ({ orderId: order.orderId, amount: order.total }))).subscribe();
 * ```
 *
 * @param service The service to produce through (the one that consumes, whose group names the outputs).
 * @param target The stream to append to.
 * @param project The outputs of one delivered value. Default: the value itself.
 * @param config Concurrency, nack delay and key window.
 * @returns An operator from deliveries (or batches of them) to their outcomes.
 * @see ackAfter
 * @see produceTo
 */
export function forwardTo<B, D extends Delivery<unknown> | DeliveryBatch<unknown> = Delivery<unknown>>(
  service: EventService,
  target: EventStream<B>,
  project?: ForwardToProjection<DeliveredValue<D>, NoInfer<B>>,
  config: ForwardToConfig = {},
): OperatorFunction<D, ForwardOutcome<D>> {
  type A = DeliveredValue<D>;
  const outputsOf: ForwardToProjection<A, B> = project ?? ((value) => [value as unknown as B]);
  if (typeof outputsOf !== 'function') throw new TypeError('rx-redis-events: forwardTo project must be a function (value, delivery) => event | event[] | undefined');
  const windowMs = config.windowMs ?? target.idempotency?.windowMs ?? DEFAULT_IDEMPOTENCY_WINDOW_MS;
  assertDuration(windowMs, 'forwardTo option windowMs', 1);
  const forward = async (item: D): Promise<string[]> => {
    const events: B[] = [];
    const keys: string[] = [];
    for (const delivery of ('deliveries' in item ? item.deliveries : [item]) as Delivery<A>[]) {
      const outputs = outputsOf(delivery.value, delivery);
      const list: readonly B[] = outputs === undefined ? [] : Array.isArray(outputs) ? (outputs as readonly B[]) : [outputs as B];
      const source = `${service.group} ${delivery.stream} ${delivery.partition} ${delivery.id}`;
      list.forEach((output, index) => {
        events.push(output);
        keys.push(`${source} ${index}`);
      });
    }
    return service[PRODUCE_KEYED](target, events, { keys, windowMs });
  };
  return ackAfter<D, string[]>(forward, config);
}
