/**
 * Exactly-once: orders carry an idempotency key, so producing one again (a retry after a timeout, a
 * second instance, a duplicate inside a later call) appends nothing; `billing` turns each order into an
 * invoice with `forwardTo`, which appends the invoice and then acks the order, so a crash between the
 * two never writes an invoice twice.
 *
 * Run: `EXAMPLE=exactly-once npm run example` (in memory) or with `REDIS_URL=redis://...` for Redis.
 */
import { firstValueFrom, filter, scan, timeout } from 'rxjs';
import { MemoryBroker, createEventService, eventStream, forwardTo } from 'rx-redis-events';

interface Order {
  orderId: string;
  totalCents: number;
}

interface Invoice {
  orderId: string;
  amountCents: number;
}

// #region definitions
const Orders = eventStream<Order>('orders.placed', { idempotency: { key: (order) => order.orderId } });
const Invoices = eventStream<Invoice>('invoices.issued');
// #endregion definitions

/** What the run did, for the example's spec. */
export interface ExactlyOnceSummary {
  /** Orders given to `produce`, repeats included. */
  producedCalls: number;
  /** Whether a repeated order was answered with the id of its first entry. */
  repeatsAnsweredWithFirstId: boolean;
  orders: number;
  invoices: number;
  errors: number;
}

const N = 20;

export async function main(env: { redisUrl?: string; log?: (line: string) => void } = {}): Promise<ExactlyOnceSummary> {
  const log = env.log ?? console.log;
  const errors: unknown[] = [];
  const backend = {
    ...(env.redisUrl ? { redis: env.redisUrl } : { broker: new MemoryBroker() }),
    prefix: `example:${Date.now()}:`,
    onError: (error: unknown) => void errors.push(error),
  };
  const shop = createEventService({ group: 'shop', ...backend });
  const billing = createEventService({ group: 'billing', ...backend });
  const audit = createEventService({ group: 'audit', ...backend });
  try {
    const orders = Array.from({ length: N }, (_, n) => ({ orderId: `order-${n + 1}`, totalCents: 100 * (n + 1) }));
    // #region produce
    const first = await shop.produce(Orders, ...orders);
    // the same orders again, and a duplicate inside one call: nothing new is appended
    const again = await shop.produce(Orders, ...orders.slice(0, 5), orders[0] as Order);
    // #endregion produce
    const repeatsAnsweredWithFirstId = again.every((id, index) => id === first[index % 5]);

    // #region forward
    billing
      .consume(Orders, { from: 'start' })
      .pipe(forwardTo(billing, Invoices, (order) => ({ orderId: order.orderId, amountCents: order.totalCents })))
      .subscribe((outcome) => outcome.ok || log(`order ${outcome.item.id} failed: ${String(outcome.error)}`));
    // #endregion forward

    const invoices = await firstValueFrom(
      audit.consume(Invoices, { from: 'start' }).pipe(
        scan((seen, delivery) => (void delivery.ack(), seen.add(delivery.value.orderId)), new Set<string>()),
        filter((seen) => seen.size === N),
        timeout(10_000),
      ),
    );
    const description = await shop.describe(Orders);
    log(`backend:  ${env.redisUrl ? `redis (${env.redisUrl})` : 'memory'}`);
    log(`produce:  ${N + 6} orders given, ${description.length} stored`);
    log(`invoices: ${invoices.size}`);
    return { producedCalls: N + 6, repeatsAnsweredWithFirstId, orders: description.length, invoices: (await audit.describe(Invoices)).length, errors: errors.length };
  } finally {
    await Promise.all([shop, billing, audit].map((service) => service.close()));
  }
}

if (require.main === module) {
  main({ redisUrl: process.env.REDIS_URL || undefined }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
