import { broadcastStream, createEventService } from 'rx-redis-events';
import type { Subscription } from 'rxjs';
import superjson from 'superjson';
import type { BenchConfig } from '../config';
import { waitUntil } from '../handwritten';
import { chunks, makeEvents, type BenchEvent } from '../payload';
import type { BenchRedis } from '../redis';
import { formatCount, Throughput, type ScenarioResult } from '../result';
import { perSecond, rotate, since } from '../stats';

const HAND = 'hand-written: one ioredis subscriber, superjson.parse once, 100 callbacks';
const LIBRARY = 'library: 100 × service.listen(broadcast).subscribe(...) on one service';
const Ticks = broadcastStream<BenchEvent>('bench.ticks');
/** Publishes in flight at once (pub/sub has no flow control: this keeps the subscriber's output buffer small). */
const WINDOW = 500;

interface FanOut {
  readonly ms: number;
  readonly subscriptions: number;
}

/** Publishes `messages` through `publish`, windowed, and waits until `delivered()` reaches messages × listeners. */
async function timeFanOut(messages: BenchEvent[], listeners: number, publish: (message: BenchEvent) => Promise<unknown>, delivered: () => number): Promise<number> {
  const start = performance.now();
  for (const window of chunks(messages, WINDOW)) await Promise.all(window.map(publish));
  await waitUntil('every message delivered to every listener', () => delivered() >= messages.length * listeners, 60_000, 1);
  return since(start);
}

async function numsub(redis: BenchRedis, channel: string): Promise<number> {
  const admin = redis.client();
  const reply = (await admin.pubsub('NUMSUB', channel)) as [string, number];
  admin.disconnect();
  return Number(reply[1]);
}

async function library(redis: BenchRedis, prefix: string, messages: BenchEvent[], listeners: number): Promise<FanOut> {
  const listener = createEventService({ group: 'bench-listener', redis: redis.url, prefix });
  const publisher = createEventService({ group: 'bench-publisher', redis: redis.url, prefix });
  let delivered = 0;
  const subscriptions: Subscription[] = Array.from({ length: listeners }, () => listener.listen(Ticks).subscribe(() => void delivered++));
  await listener.listening(Ticks);
  await publisher.broadcast(Ticks, messages[0] as BenchEvent); // connects the publisher
  await waitUntil('the warm-up message', () => delivered >= listeners, 5000, 1);
  delivered = 0;
  const subscriptionCount = await numsub(redis, prefix + Ticks.name);
  const ms = await timeFanOut(messages, listeners, (message) => publisher.broadcast(Ticks, message), () => delivered);
  subscriptions.forEach((subscription) => subscription.unsubscribe());
  await Promise.all([listener.close(), publisher.close()]);
  return { ms, subscriptions: subscriptionCount };
}

async function handWritten(redis: BenchRedis, prefix: string, messages: BenchEvent[], listeners: number): Promise<FanOut> {
  const channel = prefix + Ticks.name;
  const subscriber = redis.client();
  const publisher = redis.client();
  let delivered = 0;
  const callbacks = Array.from({ length: listeners }, () => (_: BenchEvent) => void delivered++);
  subscriber.on('message', (_channel: string, payload: string) => {
    const message = superjson.parse<BenchEvent>(payload);
    for (const callback of callbacks) callback(message);
  });
  await subscriber.subscribe(channel);
  await publisher.publish(channel, superjson.stringify(messages[0]));
  await waitUntil('the warm-up message', () => delivered >= listeners, 5000, 1);
  delivered = 0;
  const subscriptionCount = await numsub(redis, channel);
  const ms = await timeFanOut(messages, listeners, (message) => publisher.publish(channel, superjson.stringify(message)), () => delivered);
  subscriber.disconnect();
  publisher.disconnect();
  return { ms, subscriptions: subscriptionCount };
}

/** Scenario 5: one publisher, one service instance with many local listeners of one broadcast stream. */
export async function broadcastScenario(redis: BenchRedis, config: BenchConfig): Promise<ScenarioResult> {
  const messages = makeEvents(config.broadcastMessages);
  const listeners = config.broadcastListeners;
  const throughput = new Throughput();
  const subscriptions: number[] = [];
  for (let rep = 1; rep <= config.reps; rep++) {
    const runs = { [HAND]: handWritten, [LIBRARY]: library };
    for (const [variant, run] of rotate(Object.entries(runs), rep - 1)) {
      const result = await run(redis, `bench:broadcast:${rep}:${variant === HAND ? 'hand' : 'lib'}:`, messages, listeners);
      throughput.add(variant, perSecond(messages.length * listeners, result.ms));
      if (variant === LIBRARY) subscriptions.push(result.subscriptions);
    }
  }
  const row = (variant: string) => {
    const base = throughput.row(variant, HAND, 'deliveries/s');
    return { ...base, result: `${base.result} (${formatCount(throughput.median(variant) / listeners)} messages/s)` };
  };
  const maxSubscriptions = Math.max(...subscriptions);
  return {
    title: `5. Broadcast fan-out (${formatCount(messages.length)} messages, 1 publisher, ${listeners} local listeners on one instance)`,
    rows: [row(HAND), row(LIBRARY)],
    targets: [{ target: 'Redis subscriptions for 100 local listeners = 1 (PUBSUB NUMSUB)', measured: String(maxSubscriptions), met: subscriptions.every((n) => n === 1) }],
    notes: [
      `Deliveries/s counts every (message, listener) pair: messages/s × ${listeners}; timed from the first publish until every listener has every message.`,
      `Publishes are awaited in windows of ${WINDOW} (pub/sub has no flow control; an unbounded burst could overflow the subscriber's output buffer).`,
    ],
  };
}
