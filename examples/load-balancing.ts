/**
 * Consumer groups: every micro-service (group) receives every event, and the instances of one
 * micro-service share them. Two instances of `billing` and one of `audit` consume the same stream.
 *
 * Run: `EXAMPLE=load-balancing npm run example` (in memory) or with `REDIS_URL=redis://...` for Redis.
 */
import { Subject, filter, firstValueFrom, map, take, timeout, timer, toArray } from 'rxjs';
import { MemoryBroker, ackAfter, createEventService, eventStream, type EventService } from 'rx-redis-events';

interface PaymentCaptured {
  orderId: string;
  amountCents: number;
}

const Payments = {
  captured: eventStream<PaymentCaptured>('payments.captured', { key: (p) => p.orderId }),
};

/** What the run handled, for the example's spec. */
export interface LoadBalancingSummary {
  produced: number;
  /** Events handled per billing instance (consumer name); how they split depends on timing. */
  billingShares: Record<string, number>;
  /** Events handled by billing in total: each event once, by one of its instances. */
  billing: number;
  /** Distinct events billing handled. */
  billingDistinct: number;
  /** Events handled by audit, the other group: all of them. */
  audit: number;
  errors: number;
}

const N = 300;

interface Handled {
  group: string;
  consumer: string;
  orderId: string;
}

export async function main(env: { redisUrl?: string; log?: (line: string) => void } = {}): Promise<LoadBalancingSummary> {
  const log = env.log ?? console.log;
  const errors: unknown[] = [];
  const backend = {
    ...(env.redisUrl ? { redis: env.redisUrl } : { broker: new MemoryBroker() }),
    prefix: `example:${Date.now()}:`,
    onError: (error: unknown) => void errors.push(error),
  };
  // #region instances
  const billing1 = createEventService({ group: 'billing', consumer: 'billing-1', ...backend });
  const billing2 = createEventService({ group: 'billing', consumer: 'billing-2', ...backend });
  const audit = createEventService({ group: 'audit', consumer: 'audit-1', ...backend });
  const shop = createEventService({ group: 'shop', ...backend });
  // #endregion instances
  const services = [billing1, billing2, audit, shop];

  const handled = new Subject<Handled>();
  const waitFor = (group: string) => firstValueFrom(handled.pipe(filter((h) => h.group === group), take(N), timeout(10_000), toArray()));
  const billingDone = waitFor('billing');
  const auditDone = waitFor('audit');

  // #region consume
  // Each instance takes one payment at a time (maxInFlight: 1) and ~2 ms per payment, so the two
  // billing instances share the stream instead of the first one draining it. `ackAfter` acks
  // each delivery once its handler completes (and nacks it if the handler fails).
  const work = (service: EventService) =>
    service
      .consume(Payments.captured, { from: 'start', maxInFlight: 1 })
      .pipe(
        ackAfter((delivery) => {
          const { group, consumer } = service;
          return timer(2).pipe(map(() => handled.next({ group, consumer, orderId: delivery.value.orderId })));
        }),
      )
      .subscribe();
  // #endregion consume
  // `from: 'start'`: nothing is missed if the producer is faster than the group creation.
  [billing1, billing2, audit].forEach(work); // close() completes these subscriptions

  try {
    const payments = Array.from({ length: N }, (_, n) => ({ orderId: `order-${n + 1}`, amountCents: 100 * (n + 1) }));
    await shop.createProducer(Payments.captured).produce(...payments);

    const [billed, audited] = await Promise.all([billingDone, auditDone]);
    const billingShares: Record<string, number> = { 'billing-1': 0, 'billing-2': 0 };
    for (const h of billed) billingShares[h.consumer] = (billingShares[h.consumer] ?? 0) + 1;

    log(`backend:   ${env.redisUrl ? `redis (${env.redisUrl})` : 'memory'}`);
    log(`produced:  ${N} payments`);
    for (const [consumer, count] of Object.entries(billingShares)) log(`billing:   ${consumer} handled ${count}`);
    log(`billing:   ${billed.length} in total, ${new Set(billed.map((h) => h.orderId)).size} distinct`);
    log(`audit:     audit-1 handled ${audited.length}`);

    return {
      produced: N,
      billingShares,
      billing: billed.length,
      billingDistinct: new Set(billed.map((h) => h.orderId)).size,
      audit: audited.length,
      errors: errors.length,
    };
  } finally {
    handled.complete();
    await Promise.all(services.map((service) => service.close()));
  }
}

if (require.main === module) {
  main({ redisUrl: process.env.REDIS_URL || undefined }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
