/**
 * Validation with a schema: a zod schema on an event stream and on a broadcast stream. `produce`
 * refuses a call with an invalid order before writing any of it; an entry some other writer put on
 * the stream without the schema is dead-lettered as `invalid` and consumption goes on; what
 * consumers and listeners get is the schema's output (trimmed, defaults filled in).
 *
 * Run: `EXAMPLE=validation npm run example` (in memory) or with `REDIS_URL=redis://...` for Redis.
 */
import { filter, firstValueFrom, map, take, timeout, toArray } from 'rxjs';
import { z } from 'zod';
import { MemoryBroker, ValidationError, broadcastStream, createEventService, eventStream } from 'rx-redis-events';

// #region schema
const Order = z.object({
  orderId: z.string().trim().min(1),
  total: z.number().positive(),
  currency: z.enum(['EUR', 'USD']).default('EUR'),
});

/** The stream's type is the schema's output: `EventStream<{ orderId: string; total: number; currency: 'EUR' | 'USD' }>`. */
export const Orders = eventStream('orders', { schema: Order, key: (order) => order.orderId });
export const PriceAlerts = broadcastStream('price-alerts', { schema: z.object({ sku: z.string(), price: z.number().nonnegative() }) });
// #endregion schema

/** What the run observed, for the example's spec. */
export interface ValidationSummary {
  /** The refused call: the index of the invalid order, its issues, and the length of the stream after it. */
  refused: { index: number; issues: { message: string; path: readonly PropertyKey[] }[]; streamLength: number };
  /** The orders billing got, as the schema output them. */
  billed: { orderId: string; total: number; currency: string }[];
  /** The dead letter of the entry another writer put on the stream. */
  deadLetter: { reason: string; error: string };
  /** Price alerts a listener got, and the messages it dropped (reported to onError). */
  alerts: number[];
  droppedAlerts: number;
}

export async function main(env: { redisUrl?: string; log?: (line: string) => void } = {}): Promise<ValidationSummary> {
  const log = env.log ?? console.log;
  const errors: unknown[] = [];
  const backend = { ...(env.redisUrl ? { redis: env.redisUrl } : { broker: new MemoryBroker() }), prefix: `example:${Date.now()}:` };
  const shop = createEventService({ group: 'shop', ...backend });
  const billing = createEventService({ group: 'billing', ...backend, onError: (error: unknown) => void errors.push(error) });
  try {
    // #region produce
    let refused: ValidationSummary['refused'] | undefined;
    try {
      await shop.produce(Orders, { orderId: 'o1', total: 20, currency: 'EUR' }, { orderId: 'o2', total: -5, currency: 'USD' });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      // error.index is 1, error.issues is [{ message: 'Too small: expected number to be >0', path: ['total'] }]
      refused = { index: error.index, issues: [...error.issues], streamLength: (await shop.describe(Orders)).length };
    }
    await shop.produce(Orders, { orderId: ' o1 ', total: 20, currency: 'EUR' }); // written as { orderId: 'o1', … }
    // #endregion produce

    // Another writer (an older version of the shop, a service in another language) knows no schema:
    const Unchecked = eventStream<Record<string, unknown>>('orders', { key: (order) => String(order.orderId) });
    await shop.produce(Unchecked, { orderId: 'o2', total: 'ten' }, { orderId: 'o3', total: 7 });

    // #region consume
    const deadLettered = firstValueFrom(billing.instrumentation$.pipe(filter((event) => event.type === 'consumer.deadLettered'), timeout(5000)));
    const billed = await firstValueFrom(
      billing.consume(Orders, { from: 'start' }).pipe(
        map((delivery) => (void delivery.ack(), delivery.value)), // o3 arrives with currency: 'EUR', its default
        take(2),
        timeout(5000),
        toArray(),
      ),
    );
    await deadLettered;
    const [letter] = await billing.deadLetters(Orders); // o2: reason 'invalid', error 'total: Invalid input: expected number, received string'
    // #endregion consume

    const alerts = firstValueFrom(billing.listen(PriceAlerts).pipe(map((alert) => alert.price), take(2), timeout(5000), toArray()));
    await billing.listening(PriceAlerts);
    const UncheckedAlerts = broadcastStream<{ sku: string; price: unknown }>('price-alerts');
    await shop.broadcast(UncheckedAlerts, { sku: 'a', price: 3 });
    await shop.broadcast(UncheckedAlerts, { sku: 'b', price: 'free' }); // dropped by the listener, reported to onError
    await shop.broadcast(UncheckedAlerts, { sku: 'c', price: 4 });
    const alertPrices = await alerts;

    if (!refused || !letter) throw new Error('the example did not see the refusal or the dead letter');
    log(`backend:       ${env.redisUrl ? `redis (${env.redisUrl})` : 'memory'}`);
    log(`refused:       order at index ${refused.index} (${refused.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}); ${refused.streamLength} entries written`);
    log(`billed:        ${billed.map((order) => `${order.orderId} ${order.total} ${order.currency}`).join(', ')}`);
    log(`dead letter:   ${letter.reason} (${letter.error})`);
    log(`price alerts:  ${alertPrices.join(', ')}; ${errors.length} dropped`);
    return {
      refused,
      billed,
      deadLetter: { reason: letter.reason, error: letter.error },
      alerts: alertPrices,
      droppedAlerts: errors.filter((error) => error instanceof ValidationError).length,
    };
  } finally {
    await Promise.all([shop.close(), billing.close()]);
  }
}

if (require.main === module) {
  main({ redisUrl: process.env.REDIS_URL || undefined }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
