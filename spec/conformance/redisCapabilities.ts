import Redis from 'ioredis';
import { connectRedis } from '../../src/transport/redis/connect';
import { RedisStreamTransport } from '../../src/transport/redis/RedisStreamTransport';
import { declaredCapabilities } from './backend';
import type { StreamCapability } from '../../src/transport/StreamTransport';

/** What the Redis stream transport declares, read from one over a client that never connects (the same on a cluster). */
export function redisCapabilities(): StreamCapability[] {
  const client = new Redis({ lazyConnect: true });
  try {
    return declaredCapabilities(new RedisStreamTransport(connectRedis(client)));
  } finally {
    client.disconnect();
  }
}
