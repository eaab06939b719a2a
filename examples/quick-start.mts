import { autoAck, broadcastStream, createEventService, eventStream, MemoryBroker } from 'rx-redis-events';
import { firstValueFrom, map, take, toArray } from 'rxjs';

const orders = eventStream<{ orderId: string; total: number; placedAt: Date }>('orders.placed');
const notices = broadcastStream<{ text: string }>('notices');

// Redis when REDIS_URL is set; otherwise one in-memory broker that both services share. Every key
// and channel is under the prefix, so the program touches nothing else on a shared Redis.
const where = process.env.REDIS_URL ? { redis: process.env.REDIS_URL } : { broker: new MemoryBroker() };
const options = { prefix: 'quick-start:', onError: (error: unknown) => console.error('quick-start:', error), ...where };
const shop = createEventService({ group: 'shop', ...options });
const billing = createEventService({ group: 'billing', ...options });

billing.listen(notices).subscribe(({ text }) => console.log(`billing heard: ${text}`));
await billing.listening(notices);
const billed = firstValueFrom(
  billing.consume(orders, { from: 'start' }).pipe(autoAck(), map((d) => d.value), take(3), toArray()),
);

await shop.produce(orders, ...[1, 2, 3].map((n) => ({ orderId: `o-${n}`, total: 10 * n, placedAt: new Date() })));
await shop.broadcast(notices, { text: 'prices change at midnight' });

const done = await billed;
console.log(`billed ${done.map((o) => o.orderId).join(', ')}: ${done.reduce((sum, o) => sum + o.total, 0)} in all`);
console.log(`placedAt is a Date again: ${done.every((o) => o.placedAt instanceof Date)}`);
await Promise.all([shop.close(), billing.close()]);
