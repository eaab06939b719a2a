import type { DeliverySettler } from './Delivery';

/**
 * The settler of a delivery handled in a consumer span: settling it first ends the span, with
 * status OK for an ack and with the handler's error (or `nacked`, `rejected`) otherwise.
 */
export function tracedSettler(settler: DeliverySettler, endSpan: (error?: unknown) => void): DeliverySettler {
  return {
    ack: (entryId, count) => {
      endSpan();
      return settler.ack(entryId, count);
    },
    nack: (entryId, count, delayMs, error) => {
      endSpan(error ?? 'nacked');
      return settler.nack(entryId, count, delayMs, error);
    },
    deadLetter: (entryId, count, reason) => {
      endSpan(reason ?? 'rejected');
      return settler.deadLetter(entryId, count, reason);
    },
  };
}
