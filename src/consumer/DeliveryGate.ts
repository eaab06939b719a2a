import type { Delivery } from './Delivery';

/**
 * Stands between a consumer loop's window and its subscriber, and decides when an admitted
 * delivery is emitted (an ordered consumer's `KeyGate` holds back one while another of its key is un-acked).
 */
export interface DeliveryGate<T> {
  /** A delivery read from the broker (or delivered again): emitted now, or later. */
  admit(delivery: Delivery<T>): void;
  /** The entry `id` is done with (acked, dead-lettered or taken over). */
  done(id: string): void;
  /** Takes the deliveries admitted and never emitted, for handing back when the loop stops. */
  drain(): Delivery<T>[];
}
