import type { Delivery } from './Delivery';

/** What the parts of `InFlight` tell the consumer loop. */
export interface InFlightEvents<T> {
  /** A delivery is ready for the subscriber. */
  readonly emit: (delivery: Delivery<T>) => void;
  /** A delivery left the window (settled, or given back unemitted). */
  readonly roomFreed: () => void;
  /** A nacked entry is due for redelivery. */
  readonly redeliveryDue: () => void;
  /** The broker answered acks (recorded or refused them): `InFlight.settled` may have changed. */
  readonly acksAnswered: () => void;
  /**
   * An emitted entry is done with: its ack is recorded by the broker, or it was dead-lettered or taken
   * over by another consumer. (An ack the broker did not take leaves the entry pending: it is claimed
   * back and delivered again, and only that delivery's ack makes it done.)
   */
  readonly done?: (id: string) => void;
}
