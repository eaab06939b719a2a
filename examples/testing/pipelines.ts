/**
 * Three pipelines of a billing service, written the way a service would write them, and tested in
 * virtual time by the specs next to this file (`npm test` runs them).
 */
import { asyncScheduler, filter, interval, map, takeUntil, type Observable, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { ackAfter, batch, broadcastStream, eventStream, type HandlingOutcome, type Delivery, type DeliveryBatch, type EventService } from 'rx-redis-events';

export interface Payment {
  orderId: string;
  amountCents: number;
}

export const Payments = eventStream<Payment>('payments.captured', { key: (p) => p.orderId });
export const CancelExport = broadcastStream<{ exportId: string }>('exports.cancel');

// #region batched
/** Charges payments in batches of up to 3, at most 500 ms after the first one arrived; one database call a batch. */
export function chargeInBatches(
  charge: (payments: Payment[]) => Promise<void> | void,
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<Delivery<Payment>, HandlingOutcome<DeliveryBatch<Payment>, void>> {
  return (deliveries) =>
    deliveries.pipe(
      batch({ maxLatency: 500, maxBatchSize: 3, scheduler }),
      ackAfter((b) => charge(b.values)),
    );
}
// #endregion batched

// #region retry
/** Settles each payment with a flaky provider; a failure is retried after 1 s, then after 5 s. */
export function settleWithRetries(settle: (payment: Payment) => void): OperatorFunction<Delivery<Payment>, HandlingOutcome<Delivery<Payment>, void>> {
  return ackAfter((delivery) => settle(delivery.value), { retry: { delays: [1000, 5000] } });
}

/** The billing service's settlement: the third failure of a payment sends it to the dead-letter stream. */
export function settlePayments(service: EventService, settle: (payment: Payment) => void): Observable<HandlingOutcome<Delivery<Payment>, void>> {
  return service.consume(Payments, { from: 'start', maxDeliveries: 3 }).pipe(settleWithRetries(settle));
}
// #endregion retry

// #region cancel
/** Streams an export's progress once a second until someone broadcasts its cancellation. */
export function exportProgress(service: EventService, exportId: string, scheduler: SchedulerLike = asyncScheduler): Observable<number> {
  const cancelled = service.listen(CancelExport).pipe(filter((message) => message.exportId === exportId));
  return interval(1000, scheduler).pipe(
    map((second) => (second + 1) * 10),
    takeUntil(cancelled),
  );
}
// #endregion cancel
