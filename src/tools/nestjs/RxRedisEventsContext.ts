import { BaseRpcContext } from '@nestjs/microservices';
import type { Delivery } from '../../index';

/** The arguments of an {@link RxRedisEventsContext}: the pattern, and the delivery (none for a broadcast message). */
export type RxRedisEventsContextArgs = [pattern: string, delivery: Delivery<unknown> | undefined];

/**
 * What `@Ctx()` gives a handler served by `RxRedisEventsServer`: the pattern and, for an event
 * stream, the `Delivery` being handled.
 *
 * ## Example
 * ```ts
 * import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
 * import type { RxRedisEventsContext } from 'rx-redis-events/nestjs';
 *
 * @EventPattern('orders.placed')
 * async placed(@Payload() order: Order, @Ctx() context: RxRedisEventsContext) {
 *   const delivery = context.getDelivery();
 *   if (delivery.deliveryCount > 3) await delivery.nack({ delayMs: 60_000 }); // settled here: the transport leaves it alone
 * }
 * ```
 */
export class RxRedisEventsContext extends BaseRpcContext<RxRedisEventsContextArgs> {
  /** The pattern (stream or broadcast name) the handler was called for. */
  getPattern(): string {
    return this.args[0];
  }

  /**
   * The delivery being handled: `id`, `key`, `deliveryCount`, `producedAt`, `value`, and `ack()` /
   * `nack()` for handlers that settle it themselves (the transport then neither acks nor nacks it).
   * For a request (`@MessagePattern`) it is the request's delivery.
   *
   * @throws TypeError for a broadcast pattern: a broadcast message is not a delivery (nothing to settle).
   */
  getDelivery<T = unknown>(): Delivery<T> {
    const delivery = this.args[1];
    if (!delivery) throw new TypeError(`rx-redis-events/nestjs: "${this.args[0]}" is a broadcast stream; its messages have no delivery to settle`);
    return delivery as Delivery<T>;
  }
}
