import type { ClaimWalk } from './ClaimWalk';
import type { DeliveryGate } from './DeliveryGate';

/** What a consumer of another kind (an ordered consumer) changes in each of its loops. */
export interface ConsumerLoopHooks<T> {
  /** Stands between the window and the subscriber. Without one, deliveries are emitted at once. */
  readonly gate?: DeliveryGate<T>;
  /**
   * What the loop claims first, once its group exists and its reader is open, before it reads
   * anything new. Without it, the loop takes back what its consumer still holds (`claimOwn`).
   */
  readonly initialClaim?: (claims: ClaimWalk) => void;
  /**
   * How long (ms) the loop may still read and claim (an ordered consumer's partition lease): reads
   * block no longer, and at 0 the loop does nothing more until it is stopped. Without it, no limit.
   */
  readonly heldFor?: () => number;
}
