/**
 * The same consumer written three ways elsewhere and once here: a BullMQ worker, a hand-written
 * `XREADGROUP` loop on ioredis, and a KafkaJS `eachMessage` consumer. The other libraries' code only
 * type-checks (there is no Kafka here); `main` runs this library's three consumers in memory or on
 * Redis (`REDIS_URL`).
 *
 * Run: `npx tsx examples/coming-from.ts`.
 */
import { Worker, type ConnectionOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { Subscription } from 'rxjs';
import { ackAfter, createEventService, eventStream, MemoryBroker, type EventService } from 'rx-redis-events';

interface Email {
  to: string;
}
interface Payment {
  accountId: string;
  cents: number;
}

type Send = (email: Email) => Promise<void>;
type Book = (payment: Payment) => Promise<void>;

// #region bullmq
// BullMQ: a queue, and a worker that retries a failed job 5 times with exponential backoff.
export function bullmqWorker(connection: ConnectionOptions, send: Send): Worker<Email> {
  return new Worker<Email>('emails', (job) => send(job.data), { connection, concurrency: 10 });
  // queue.add('email', data, { attempts: 5, backoff: { type: 'exponential', delay: 1000 } }) on the producer side
}

// rx-redis-events: the retry policy and the attempts belong to the consumer; every group gets every email.
const emails = eventStream<Email>('emails');
export function emailConsumer(service: EventService, send: Send): Subscription {
  return service
    .consume(emails, { maxInFlight: 10, maxDeliveries: 5 })
    .pipe(ackAfter((delivery) => send(delivery.value), { concurrency: 10, retry: { initialMs: 1000, factor: 2 } }))
    .subscribe();
}
// #endregion bullmq

// #region xreadgroup
// A hand-written loop: create the group, block for new entries, parse, handle, ack. Still missing:
// claiming what a dead instance held, retries, dead letters, backpressure, a clean stop.
export async function handWrittenLoop(redis: Redis, send: Send): Promise<never> {
  await redis.xgroup('CREATE', 'emails', 'mailer', '$', 'MKSTREAM').catch(() => undefined);
  for (;;) {
    const reply = (await redis.xreadgroup('GROUP', 'mailer', 'mailer-1', 'COUNT', 100, 'BLOCK', 5000, 'STREAMS', 'emails', '>')) as
      | [string, [string, string[]][]][]
      | null;
    for (const [id, fields] of reply?.[0]?.[1] ?? []) {
      await send(JSON.parse(fields[1] as string) as Email);
      await redis.xack('emails', 'mailer', id);
    }
  }
}

// rx-redis-events: the same, with claims of idle entries, redelivery and a bounded window.
export function mailer(service: EventService, send: Send): Subscription {
  return service.consume(emails).pipe(ackAfter((delivery) => send(delivery.value))).subscribe();
}
// #endregion xreadgroup

// #region kafkajs
// KafkaJS: partitions keyed by account, one message at a time per partition, in order.
export async function kafkaConsumer(kafka: Kafka, book: Book): Promise<void> {
  const consumer = kafka.consumer({ groupId: 'ledger' });
  await consumer.connect();
  await consumer.subscribe({ topic: 'payments' });
  await consumer.run({ eachMessage: ({ message }) => book(JSON.parse(message.value?.toString() ?? '') as Payment) });
}

// rx-redis-events: partitions by key, and ordered consumption (one un-acked delivery per key).
const payments = eventStream<Payment>('payments', { partitions: 8, key: (payment) => payment.accountId });
export function ledger(service: EventService, book: Book): Subscription {
  return service.consume(payments, { ordered: true }).pipe(ackAfter((delivery) => book(delivery.value), { concurrency: 8 })).subscribe();
}
// #endregion kafkajs

/** Runs this library's three consumers; resolves with what each handled. */
export async function main(env: { redisUrl?: string } = {}): Promise<{ sent: number; mailed: number; booked: number }> {
  const where = env.redisUrl ? { redis: env.redisUrl } : { broker: new MemoryBroker() };
  const prefix = `coming-from:${Date.now()}:`;
  const services = ['notifications', 'mailer', 'ledger', 'shop'].map((group) => createEventService({ group, ...where, prefix }));
  const [notifications, mail, accounting, shop] = services as [EventService, EventService, EventService, EventService];
  const handled = { sent: 0, mailed: 0, booked: 0 };
  const subscriptions = [
    emailConsumer(notifications, () => Promise.resolve(void handled.sent++)),
    mailer(mail, () => Promise.resolve(void handled.mailed++)),
    ledger(accounting, () => Promise.resolve(void handled.booked++)),
  ];
  // A new group reads what comes after it exists: produce once every partition has its groups.
  await until(async () => (await shop.describe(emails)).groups.length === 2 && (await shop.describe(payments)).partitions.every((p) => p.groups.length === 1));
  await shop.produce(emails, ...Array.from({ length: 20 }, (_, n) => ({ to: `user-${n}@example.com` })));
  await shop.produce(payments, ...Array.from({ length: 30 }, (_, n) => ({ accountId: `acct-${n % 4}`, cents: 100 * n })));
  await until(() => handled.sent === 20 && handled.mailed === 20 && handled.booked === 30);
  subscriptions.forEach((subscription) => subscription.unsubscribe());
  await Promise.all(services.map((service) => service.close()));
  return handled;
}

async function until(probe: () => boolean | Promise<boolean>): Promise<void> {
  for (let waited = 0; !(await probe()); waited += 20) {
    if (waited > 10_000) throw new Error('coming-from: timed out ');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

if (require.main === module) void main({ redisUrl: process.env.REDIS_URL }).then((handled) => console.log(handled));
