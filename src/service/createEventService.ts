import { MEMORY_BROKER_WARNING } from '../health/memoryBrokerWarning';
import { MemoryBroker } from '../transport/memory/MemoryBroker';
import { MemoryPubSubTransport } from '../transport/memory/MemoryPubSubTransport';
import { MemoryStreamTransport } from '../transport/memory/MemoryStreamTransport';
import { connectRedis } from '../transport/redis/connect';
import { RedisPubSubTransport } from '../transport/redis/RedisPubSubTransport';
import { RedisStreamTransport } from '../transport/redis/RedisStreamTransport';
import { EventService } from './EventService';
import type { ServiceTransports } from './EventServiceLifecycle';
import { eventServiceOptionsWithDefaults, type EventServiceOptions } from './eventServiceOptions';

/**
 * Creates the `EventService` of one instance of one micro-service: on Redis when `redis` is given,
 * on `broker` when given, and otherwise on a private in-memory broker (whose `health()` always
 * carries a `memory-broker` warning). A `redis` that is given must be a URL, options or a client:
 * `undefined`, `null` or `''` (an unset environment variable) is a `TypeError`, never the memory broker.
 *
 * ## Example
 * ```ts
 * import { createEventService } from 'rx-redis-events';
 *
 * const service = createEventService({ group: 'job-scheduler', redis: process.env.REDIS_URL });
 * ```
 *
 * @throws TypeError or RangeError naming the option when the options are invalid (for example a missing `group`).
 */
export function createEventService(options: EventServiceOptions): EventService {
  const resolved = eventServiceOptionsWithDefaults(options);
  return EventService.create(resolved, transportsFor(options, resolved.scheduler));
}

function transportsFor(options: EventServiceOptions, scheduler: EventServiceOptions['scheduler']): ServiceTransports {
  if (options.redis !== undefined) {
    const connections = connectRedis(options.redis);
    return { streams: new RedisStreamTransport(connections, scheduler), pubsub: new RedisPubSubTransport(connections), onConnectionChange: (listener) => connections.onStateChange(listener) };
  }
  const broker = options.broker ?? new MemoryBroker(scheduler ? { scheduler } : {});
  if (!(broker instanceof MemoryBroker)) throw new TypeError('rx-redis-events: createEventService option broker must be a MemoryBroker');
  const warnings = options.broker === undefined ? [MEMORY_BROKER_WARNING] : [];
  return { streams: new MemoryStreamTransport(broker, warnings), pubsub: new MemoryPubSubTransport(broker) };
}
